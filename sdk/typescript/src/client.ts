import { Transport, type RequestOptions, type TransportOptions, type HttpMethod } from "./http.js";
import type {
  ApplyCouponParams,
  Coupon,
  CreateCouponParams,
  CreateCustomerParams,
  CreateItemParams,
  CreateOrderParams,
  CreateProductParams,
  CreateRefundParams,
  CreateTaxRateParams,
  Customer,
  Event,
  Item,
  ListParams,
  Order,
  PayOrderParams,
  PayOrderResult,
  Payment,
  Product,
  Refund,
  RefundOrderResult,
  TaxRate,
} from "./types.js";

export interface FlintOptions extends TransportOptions {}

const seg = (id: string) => encodeURIComponent(id);

class Resource {
  constructor(protected readonly client: Flint) {}

  protected async call<T>(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}, query?: Record<string, unknown>): Promise<T> {
    const r = await this.client.transport.request({ method, path, body, query, ...options });
    return r.body?.data as T;
  }

  /** Every object of a list, page after page (`page_size` / `page_token` / `next_page_token`). */
  protected async *paginate<T>(path: string, params: ListParams = {}, options: RequestOptions = {}): AsyncGenerator<T, void, undefined> {
    let pageToken: string | undefined;
    do {
      const r = await this.client.transport.request({ method: "GET", path, query: { ...params, pageToken }, ...options });
      for (const item of (r.body?.data ?? []) as T[]) yield item;
      pageToken = r.body?.nextPageToken ?? undefined;
    } while (pageToken);
  }
}

export class Products extends Resource {
  create(params: CreateProductParams, options?: RequestOptions) {
    return this.call<Product>("POST", "/v1/products", params, options);
  }
  get(productId: string, options?: RequestOptions) {
    return this.call<Product>("GET", `/v1/products/${seg(productId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Product>("/v1/products", params, options);
  }
}

/**
 * Items: the product page's vocabulary. An item is a simple product (one default variant); its id is the
 * product id and orders can name it by `itemId`.
 */
export class Items extends Resource {
  async create(params: CreateItemParams, options?: RequestOptions): Promise<Item> {
    if (params.type !== "ITEM_TYPE_PRODUCT") throw new TypeError(`Flint: unsupported item type ${String(params.type)} (only ITEM_TYPE_PRODUCT)`);
    const tracked = params.inventoryCount !== undefined;
    const product = await this.client.products.create(
      {
        name: params.name,
        description: params.description,
        metadata: params.metadata,
        defaultVariant: {
          sku: params.sku,
          unitPriceMoney: params.unitPriceMoney,
          initialQuantityAvailable: params.inventoryCount,
          enforceInventoryLimit: tracked ? true : undefined,
        },
      },
      options,
    );
    return this.remember(product);
  }

  async get(itemId: string, options?: RequestOptions): Promise<Item> {
    return this.remember(await this.client.products.get(itemId, options));
  }

  /** The variant an `itemId` stands for: remembered from create/get, else read from the product. */
  async variantOf(itemId: string, options?: RequestOptions): Promise<string> {
    const known = this.client.itemVariants.get(itemId);
    if (known) return known;
    return (await this.get(itemId, options)).variantId;
  }

  private remember(product: Product): Item {
    const variantId = product.defaultVariantId ?? product.defaultVariant?.variantId ?? undefined;
    if (!variantId) throw new TypeError(`Flint: product ${product.productId} has no default variant, so it is not a simple item`);
    this.client.itemVariants.set(product.productId, variantId);
    return { itemId: product.productId, variantId, product };
  }
}

export class Orders extends Resource {
  async create(params: CreateOrderParams, options?: RequestOptions): Promise<Order> {
    const { lineItems, ...rest } = params;
    const lines = lineItems
      ? await Promise.all(
          lineItems.map(async ({ itemId, ...line }) => {
            if (itemId === undefined) return line;
            if (line.variantId) throw new TypeError("Flint: a line item takes itemId or variantId, not both");
            // A lookup (GET) is never a mutation; only the POST below carries the Idempotency-Key.
            const { idempotencyKey: _unused, ...readOptions } = options ?? {};
            return { ...line, variantId: await this.client.items.variantOf(itemId, readOptions) };
          }),
        )
      : lineItems;
    return this.call<Order>("POST", "/v1/orders", { ...rest, lineItems: lines }, options);
  }
  get(orderId: string, options?: RequestOptions) {
    return this.call<Order>("GET", `/v1/orders/${seg(orderId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Order>("/v1/orders", params, options);
  }
  applyCoupon(orderId: string, params: ApplyCouponParams, options?: RequestOptions) {
    return this.call<Order>("POST", `/v1/orders/${seg(orderId)}/apply-coupon`, params, options);
  }
  removeCoupon(orderId: string, couponCode: string, options?: RequestOptions) {
    return this.call<Order>("DELETE", `/v1/orders/${seg(orderId)}/coupons/${seg(couponCode)}`, undefined, options);
  }
  /** Pays the balance (or part of it); the answer is `{ order, payments }`. */
  pay(orderId: string, params: PayOrderParams, options?: RequestOptions) {
    return this.call<PayOrderResult>("POST", `/v1/orders/${seg(orderId)}/pay`, params, options);
  }
  cancel(orderId: string, params: { version?: number } = {}, options?: RequestOptions) {
    return this.call<Order>("POST", `/v1/orders/${seg(orderId)}/cancel`, params, options);
  }
}

export class Coupons extends Resource {
  create(params: CreateCouponParams, options?: RequestOptions) {
    return this.call<Coupon>("POST", "/v1/coupons", params, options);
  }
  get(couponId: string, options?: RequestOptions) {
    return this.call<Coupon>("GET", `/v1/coupons/${seg(couponId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Coupon>("/v1/coupons", params, options);
  }
}

export class Customers extends Resource {
  create(params: CreateCustomerParams = {}, options?: RequestOptions) {
    return this.call<Customer>("POST", "/v1/customers", params, options);
  }
  get(customerId: string, options?: RequestOptions) {
    return this.call<Customer>("GET", `/v1/customers/${seg(customerId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Customer>("/v1/customers", params, options);
  }
}

export class Payments extends Resource {
  get(paymentId: string, options?: RequestOptions) {
    return this.call<Payment>("GET", `/v1/payments/${seg(paymentId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Payment>("/v1/payments", params, options);
  }
}

export class Refunds extends Resource {
  /** Refunds part or all of an order's payments: POST /v1/orders/{orderId}/refunds; the answer is `{ order, refund }`. */
  create(orderId: string, params: CreateRefundParams, options?: RequestOptions) {
    return this.call<RefundOrderResult>("POST", `/v1/orders/${seg(orderId)}/refunds`, params, options);
  }
  get(refundId: string, options?: RequestOptions) {
    return this.call<Refund>("GET", `/v1/refunds/${seg(refundId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<Refund>("/v1/refunds", params, options);
  }
}

export class TaxRates extends Resource {
  create(params: CreateTaxRateParams, options?: RequestOptions) {
    return this.call<TaxRate>("POST", "/v1/tax-rates", params, options);
  }
  get(taxRateId: string, options?: RequestOptions) {
    return this.call<TaxRate>("GET", `/v1/tax-rates/${seg(taxRateId)}`, undefined, options);
  }
  list(params?: ListParams, options?: RequestOptions) {
    return this.paginate<TaxRate>("/v1/tax-rates", params, options);
  }
}

export class Events extends Resource {
  /** Newest first; `type` filters, e.g. `{ type: "order.paid" }`. */
  list(params?: ListParams & { type?: string }, options?: RequestOptions) {
    return this.paginate<Event>("/v1/events", params, options);
  }
}

/**
 * The Flint API client.
 *
 * ```ts
 * const flint = new Flint({ apiKey: process.env.FLINT_API_KEY!, baseUrl: "http://127.0.0.1:5080" });
 * ```
 */
export class Flint {
  /** @internal */
  readonly transport: Transport;
  /** @internal itemId → variant id of the items this client created or read. */
  readonly itemVariants = new Map<string, string>();

  readonly products: Products;
  readonly items: Items;
  readonly orders: Orders;
  readonly coupons: Coupons;
  readonly customers: Customers;
  readonly payments: Payments;
  readonly refunds: Refunds;
  readonly taxRates: TaxRates;
  readonly events: Events;

  constructor(options: FlintOptions) {
    this.transport = new Transport(options);
    this.products = new Products(this);
    this.items = new Items(this);
    this.orders = new Orders(this);
    this.coupons = new Coupons(this);
    this.customers = new Customers(this);
    this.payments = new Payments(this);
    this.refunds = new Refunds(this);
    this.taxRates = new TaxRates(this);
    this.events = new Events(this);
  }
}
