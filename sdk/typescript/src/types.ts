import type { ApiMoney, Camelize } from "./case.js";
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];
/** A schema of the API's OpenAPI document, as the SDK hands it out (camelCase; metadata keys untouched). */
export type Schema<Name extends keyof Schemas> = Camelize<Schemas[Name]>;

/** `{ amount, currency }`: amount in the currency's minor unit (cents), currency ISO 4217. */
export type Money = ApiMoney;
export type MoneyInput = ApiMoney;
export type Product = Schema<"ProductView">;
export type Variant = Schema<"VariantView">;
/** T with keys K present and not null (ids the server always sends, though the document marks them optional). */
type WithRequired<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

export type Order = WithRequired<Schema<"OrderView">, "orderId">;
export type LineItem = Schema<"LineItemView">;
export type Coupon = Schema<"CouponView">;
export type Customer = Schema<"CustomerView">;
export type Payment = Schema<"PaymentView">;
export type Refund = Schema<"RefundView">;
export type TaxRate = Schema<"TaxRateView">;
export type Event = Schema<"EventView">;
export type PayOrderResult = { order: Order; payments: Payment[] };
export type RefundOrderResult = { order: Order; refund: Refund };

export type CreateProductParams = Schema<"CreateProductRequest">;
export type CreateCouponParams = Schema<"CouponRequest">;
export type CreateCustomerParams = Schema<"CustomerRequest">;
export type CreateTaxRateParams = Schema<"TaxRateRequest">;
export type CreateRefundParams = Schema<"CreateRefundRequest">;
export type PayOrderParams = Schema<"PayOrderRequest">;
export type ApplyCouponParams = Schema<"ApplyCouponRequest">;

/** An order line: the API's line (`variantId`, or `name` + `unitPriceMoney`, …) or `itemId`, an item's id. */
export type OrderLineItemParams = Schema<"LineItemInput"> & {
  /** An item (product) id: the client turns it into the item's default variant. */
  itemId?: string;
};
export type CreateOrderParams = Omit<Schema<"CreateOrderRequest">, "lineItems"> & {
  lineItems?: OrderLineItemParams[] | null;
};

/** Parameters every list takes; `pageSize` is the page the iterator fetches at a time (1–100). */
export interface ListParams {
  pageSize?: number;
  [filter: string]: string | number | boolean | undefined;
}

/** `items.create`: a simple product with one variant, in the shape of the product page's snippet. */
export interface CreateItemParams {
  name: string;
  /** Only simple products for now. */
  type: "ITEM_TYPE_PRODUCT";
  unitPriceMoney: MoneyInput;
  sku?: string;
  /** Initial stock; the variant enforces it (can't sell more than this). Omit for untracked stock. */
  inventoryCount?: number;
  description?: string;
  metadata?: Record<string, string>;
}

export interface Item {
  /** The product id. */
  itemId: string;
  /** The product's default (only) variant. */
  variantId: string;
  product: Product;
}
