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

// Catalog
export type Bundle = Schema<"BundleView">;
export type ModifierSet = Schema<"ModifierSetView">;
export type Stock = Schema<"StockView">;
export type InventoryChange = Schema<"InventoryChangeView">;
export type InventoryAdjustmentResult = Schema<"InventoryAdjustmentResult">;
export type CatalogItemBySku = Schema<"CatalogItemBySku">;
// Customers
export type CustomerDetails = Schema<"CustomerDetailsView">;
export type CustomerPaymentMethod = Schema<"CustomerPaymentMethodView">;
// Billing and checkout
export type Plan = Schema<"PlanView">;
export type Subscription = Schema<"SubscriptionView">;
export type Invoice = Schema<"InvoiceView">;
export type CheckoutSession = Schema<"CheckoutSessionView">;
export type PaymentLink = Schema<"PaymentLinkView">;
// Platform
export type Location = Schema<"LocationView">;
export type WebhookEndpoint = Schema<"WebhookEndpointView">;
export type WebhookDelivery = Schema<"WebhookDeliveryView">;
export type PartnerApp = Schema<"PartnerAppView">;
export type Installation = Schema<"InstallationView">;
export type MerchantSettings = Schema<"MerchantSettingsView">;
export type ApiKey = Schema<"ApiKeyView">;
export type User = Schema<"UserView">;
export type RemovedUser = Schema<"RemovedUserView">;
export type MerchantCreated = Schema<"MerchantCreated">;
// Point of sale
export type Device = Schema<"DeviceView">;
/** `POST /v1/devices/pair`: the device and its token (shown this once). */
export type PairedDevice = Schema<"PairedDevice">;
export type TerminalCheckout = Schema<"TerminalCheckoutView">;

export type CreateProductParams = Schema<"CreateProductRequest">;
export type CreateCouponParams = Schema<"CouponRequest">;
export type CreateCustomerParams = Schema<"CustomerRequest">;
export type CreateTaxRateParams = Schema<"TaxRateRequest">;
export type CreateRefundParams = Schema<"CreateRefundRequest">;
export type PayOrderParams = Schema<"PayOrderRequest">;
export type ApplyCouponParams = Schema<"ApplyCouponRequest">;
export type UpdateProductParams = Schema<"UpdateProductRequest">;
export type ReplaceCategoriesParams = Schema<"ReplaceCategoriesRequest">;
export type CreateVariantParams = Schema<"VariantInput">;
export type UpdateVariantParams = Schema<"UpdateVariantRequest">;
export type InventoryAdjustmentParams = Schema<"InventoryAdjustmentRequest">;
export type CreateBundleParams = Schema<"CreateBundleRequest">;
export type UpdateBundleParams = Schema<"UpdateBundleRequest">;
export type AddBundleComponentParams = Schema<"BundleComponentInput">;
export type UpdateBundleComponentParams = Schema<"UpdateBundleComponentRequest">;
export type ModifierSetParams = Schema<"ModifierSetRequest">;
export type UpdateCustomerParams = Schema<"CustomerRequest">;
export type AddPaymentMethodParams = Schema<"AddPaymentMethodRequest">;
export type UpdateTaxRateParams = Schema<"TaxRateRequest">;
export type UpdateCouponParams = Schema<"CouponRequest">;
export type CreatePlanParams = Schema<"CreatePlanRequest">;
export type UpdatePlanParams = Schema<"UpdatePlanRequest">;
export type CreateLocationParams = Schema<"CreateLocationRequest">;
export type UpdateLocationParams = Schema<"UpdateLocationRequest">;
export type CreatePaymentLinkParams = Schema<"CreatePaymentLinkRequest">;
export type UpdatePaymentLinkParams = Schema<"UpdatePaymentLinkRequest">;
export type CreatePartnerAppParams = Schema<"CreatePartnerAppRequest">;
export type UpdatePartnerAppParams = Schema<"UpdatePartnerAppRequest">;
export type CreateWebhookEndpointParams = Schema<"CreateWebhookEndpointRequest">;
export type UpdateWebhookEndpointParams = Schema<"UpdateWebhookEndpointRequest">;
export type UpdateOrderParams = Schema<"UpdateOrderRequest">;
export type AddLineItemParams = Schema<"AddLineItemRequest">;
export type UpdateLineItemParams = Schema<"UpdateLineItemRequest">;
export type AddDiscountParams = Schema<"AddDiscountRequest">;
/** The order's `version` the change expects (optional: without it the change applies to whatever version is current). */
export type OrderVersionParams = Schema<"OrderVersionRequest">;
export type OrderCheckoutSessionParams = Schema<"OrderCheckoutSessionRequest">;
export type CreateSubscriptionParams = Schema<"CreateSubscriptionRequest">;
export type UpdateSubscriptionParams = Schema<"UpdateSubscriptionRequest">;
export type CancelSubscriptionParams = Schema<"CancelSubscriptionRequest">;
export type CreateCheckoutSessionParams = Schema<"CreateCheckoutSessionRequest">;
export type UpdateCheckoutSessionParams = Schema<"UpdateCheckoutSessionRequest">;
export type MerchantSettingsParams = Schema<"MerchantSettingsRequest">;
export type PaymentSettingsParams = Schema<"PaymentSettingsRequest">;
export type CreateApiKeyParams = Schema<"CreateApiKeyRequest">;
export type CreateUserParams = Schema<"CreateUserRequest">;
export type CreateMerchantParams = Schema<"CreateMerchantRequest">;
export type CreateDeviceCodeParams = Schema<"CreateDeviceCodeRequest">;
export type PairDeviceParams = Schema<"PairDeviceRequest">;
export type DeviceOrderParams = Schema<"DeviceOrderRequest">;
export type CreateTerminalCheckoutParams = Schema<"CreateTerminalCheckoutRequest">;
/** How the buyer paid on the device: `card_present` (with the reader's `token`, e.g. `tok_cp_visa`) or `cash` (with `tenderedMoney`). */
export type CompleteTerminalCheckoutParams = Omit<Schema<"CompleteTerminalCheckoutRequest">, "type"> & {
  type: "card_present" | "cash";
};

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

/** The filters most lists share (each list accepts those its operation documents; see the generated `paths`). */
export interface CommonListParams extends ListParams {
  /** `created_at` / `updated_at` */
  sortBy?: string;
  sortDirection?: "asc" | "desc";
  /** RFC 3339 bounds. */
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
  /** Comma-separated fields to return, where the list supports it. */
  fields?: string;
}
export interface ProductListParams extends CommonListParams {
  query?: string;
  status?: string;
  category?: string;
  productType?: string;
  onlyInStock?: boolean;
}
export interface OrderListParams extends CommonListParams {
  status?: string;
  customerId?: string;
  locationId?: string;
  source?: string;
  subscriptionId?: string;
}
export interface PaymentListParams extends CommonListParams {
  status?: string;
  orderId?: string;
  customerId?: string;
  locationId?: string;
}
export interface SubscriptionListParams extends CommonListParams {
  status?: string;
  customerId?: string;
  planId?: string;
}
export interface InvoiceListParams extends CommonListParams {
  status?: string;
  customerId?: string;
  subscriptionId?: string;
}
export interface TerminalCheckoutListParams extends CommonListParams {
  status?: string;
  deviceId?: string;
}
/** Lists with a text `query` and a `status` filter (coupons, bundles, plans, locations, …). */
export interface SearchListParams extends CommonListParams {
  query?: string;
  status?: string;
}

/** One server-sent event of `devices.events()`. */
export interface DeviceEvent<Data = DeviceEventData> {
  /** The event's number in the device's stream (its `id:` line; the last one seen for events without one). */
  id: string;
  /** Its type (`event:`), e.g. `order.opened`, `order.updated`, `order.closed`, `terminal_checkout.created`, `device.unpaired`. */
  event: string;
  /** The `data:` JSON, camelCased (metadata keys untouched); the raw text when it is not JSON. */
  data: Data;
}

/** What an event of the device stream carries: the event (`{ id, type, createdAt, data: { object } }`). */
export interface DeviceEventData {
  id?: string;
  type?: string;
  createdAt?: string;
  /** `object`: the order or terminal checkout as it is now, camelCased. */
  data?: { object?: any; [key: string]: unknown };
  [key: string]: unknown;
}

export interface DeviceEventsParams {
  /** Resume after this event (sent as `Last-Event-ID`); without it the stream starts with the next event. */
  lastEventId?: string | number | undefined;
  /** Stops the stream (the iterator then ends without an error). */
  signal?: AbortSignal | undefined;
  /** A connection that sends nothing (not even its 15-second keep-alive comment) this long is dropped and
   * reconnected. Default 45 000 ms. */
  idleTimeoutMs?: number | undefined;
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
