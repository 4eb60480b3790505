import type { RequestOptions } from "../http.js";
import { ObjectsResource, Resource, seg } from "../resource.js";
import type {
  AddDiscountParams,
  AddLineItemParams,
  AddPaymentMethodParams,
  ApplyCouponParams,
  CheckoutSession,
  CommonListParams,
  Coupon,
  CreateCouponParams,
  CreateCustomerParams,
  CreateOrderParams,
  CreateRefundParams,
  CreateTaxRateParams,
  Customer,
  CustomerDetails,
  CustomerPaymentMethod,
  Event,
  Invoice,
  InvoiceListParams,
  ListParams,
  Order,
  OrderCheckoutSessionParams,
  OrderLineItemParams,
  OrderListParams,
  OrderVersionParams,
  PayOrderParams,
  PayOrderResult,
  Payment,
  PaymentListParams,
  Refund,
  RefundOrderResult,
  SearchListParams,
  TaxRate,
  UpdateCouponParams,
  UpdateCustomerParams,
  UpdateLineItemParams,
  UpdateOrderParams,
  UpdateTaxRateParams,
} from "../types.js";

const order = (orderId: string) => `/v1/orders/${seg(orderId)}`;

export class Orders extends Resource {
  /** Lines may name an `itemId` (turned into the item's default variant), a `variantId`, a `bundleId`, or be ad hoc. */
  async create(params: CreateOrderParams, options?: RequestOptions): Promise<Order> {
    return this.call<Order>("POST", "/v1/orders", await this.withVariants(params, options), options);
  }
  /** The order `create` would make (totals, taxes, discounts), without making it. */
  async calculate(params: CreateOrderParams, options?: RequestOptions): Promise<Order> {
    return this.call<Order>("POST", "/v1/orders/calculate", await this.withVariants(params, options), options);
  }
  get(orderId: string, options?: RequestOptions) {
    return this.call<Order>("GET", order(orderId), undefined, options);
  }
  list(params?: OrderListParams, options?: RequestOptions) {
    return this.paginate<Order>("/v1/orders", params, options);
  }
  /** `metadata`, `customerId`, `taxLocation`; `version` makes it conditional. */
  update(orderId: string, params: UpdateOrderParams, options?: RequestOptions) {
    return this.call<Order>("PATCH", order(orderId), params, options);
  }
  /** Adds a line (`variantId`, `bundleId`, `itemId` or ad hoc); the answer is the whole order. */
  async addLineItem(orderId: string, params: AddLineItemParams & { itemId?: string }, options?: RequestOptions): Promise<Order> {
    return this.call<Order>("POST", `${order(orderId)}/line-items`, await this.lineWithVariant(params, options), options);
  }
  updateLineItem(orderId: string, lineItemId: string, params: UpdateLineItemParams, options?: RequestOptions) {
    return this.call<Order>("PATCH", `${order(orderId)}/line-items/${seg(lineItemId)}`, params, options);
  }
  /** `{ version }` (sent as `?version=`) refuses the change with 409 VERSION_MISMATCH when the order moved on. */
  removeLineItem(orderId: string, lineItemId: string, params: OrderVersionParams = {}, options?: RequestOptions) {
    return this.send<Order>({ method: "DELETE", path: `${order(orderId)}/line-items/${seg(lineItemId)}`, query: { version: params.version } }, options);
  }
  applyCoupon(orderId: string, params: ApplyCouponParams, options?: RequestOptions) {
    return this.call<Order>("POST", `${order(orderId)}/apply-coupon`, params, options);
  }
  removeCoupon(orderId: string, couponCode: string, params: OrderVersionParams = {}, options?: RequestOptions) {
    return this.send<Order>({ method: "DELETE", path: `${order(orderId)}/coupons/${seg(couponCode)}`, query: { version: params.version } }, options);
  }
  /** A manual discount: `{ name, percentage | amountMoney, lineItemIds?, version? }`. */
  addDiscount(orderId: string, params: AddDiscountParams, options?: RequestOptions) {
    return this.call<Order>("POST", `${order(orderId)}/discounts`, params, options);
  }
  removeDiscount(orderId: string, discountId: string, params: OrderVersionParams = {}, options?: RequestOptions) {
    return this.send<Order>({ method: "DELETE", path: `${order(orderId)}/discounts/${seg(discountId)}`, query: { version: params.version } }, options);
  }
  cancel(orderId: string, params: OrderVersionParams = {}, options?: RequestOptions) {
    return this.call<Order>("POST", `${order(orderId)}/cancel`, params, options);
  }
  /** Pays the balance (or part of it); the answer is `{ order, payments }`. */
  pay(orderId: string, params: PayOrderParams, options?: RequestOptions) {
    return this.call<PayOrderResult>("POST", `${order(orderId)}/pay`, params, options);
  }
  /** A hosted checkout page for this order's balance. */
  createCheckoutSession(orderId: string, params: OrderCheckoutSessionParams, options?: RequestOptions) {
    return this.call<CheckoutSession>("POST", `${order(orderId)}/checkout-session`, params, options);
  }

  private async withVariants(params: CreateOrderParams, options?: RequestOptions) {
    const { lineItems, ...rest } = params;
    const lines = lineItems ? await Promise.all(lineItems.map((line) => this.lineWithVariant(line, options))) : lineItems;
    return { ...rest, lineItems: lines };
  }

  private async lineWithVariant<L extends OrderLineItemParams>(line: L, options?: RequestOptions): Promise<Omit<L, "itemId">> {
    const { itemId, ...rest } = line;
    if (itemId === undefined) return rest;
    if (rest.variantId) throw new TypeError("Flint: a line item takes itemId or variantId, not both");
    // A lookup (GET) is never a mutation; only the call it serves carries the Idempotency-Key.
    const { idempotencyKey: _unused, ...readOptions } = options ?? {};
    return { ...rest, variantId: await this.client.items.variantOf(itemId, readOptions) };
  }
}

export class Payments extends Resource {
  get(paymentId: string, options?: RequestOptions) {
    return this.call<Payment>("GET", `/v1/payments/${seg(paymentId)}`, undefined, options);
  }
  list(params?: PaymentListParams, options?: RequestOptions) {
    return this.paginate<Payment>("/v1/payments", params, options);
  }
}

export class Refunds extends Resource {
  /** Refunds part or all of an order's payments: POST /v1/orders/{orderId}/refunds; the answer is `{ order, refund }`. */
  create(orderId: string, params: CreateRefundParams, options?: RequestOptions) {
    return this.call<RefundOrderResult>("POST", `${order(orderId)}/refunds`, params, options);
  }
  get(refundId: string, options?: RequestOptions) {
    return this.call<Refund>("GET", `/v1/refunds/${seg(refundId)}`, undefined, options);
  }
  list(params?: PaymentListParams, options?: RequestOptions) {
    return this.paginate<Refund>("/v1/refunds", params, options);
  }
}

/** A subscription's bills: one per billed cycle (made by Flint, read-only here). */
export class Invoices extends Resource {
  get(invoiceId: string, options?: RequestOptions) {
    return this.call<Invoice>("GET", `/v1/invoices/${seg(invoiceId)}`, undefined, options);
  }
  /** Newest first; filter by `subscriptionId`, `customerId`, `status`. */
  list(params?: InvoiceListParams, options?: RequestOptions) {
    return this.paginate<Invoice>("/v1/invoices", params, options);
  }
}

export class Coupons extends ObjectsResource<Coupon, CreateCouponParams, UpdateCouponParams, SearchListParams> {
  protected readonly path = "/v1/coupons";
}

const customer = (customerId: string) => `/v1/customers/${seg(customerId)}`;

export class Customers extends Resource {
  create(params: CreateCustomerParams = {}, options?: RequestOptions) {
    return this.call<Customer>("POST", "/v1/customers", params, options);
  }
  /** The customer with its subscriptions. */
  get(customerId: string, options?: RequestOptions) {
    return this.call<CustomerDetails>("GET", customer(customerId), undefined, options);
  }
  list(params?: CommonListParams & { query?: string }, options?: RequestOptions) {
    return this.paginate<Customer>("/v1/customers", params, options);
  }
  update(customerId: string, params: UpdateCustomerParams, options?: RequestOptions) {
    return this.call<Customer>("PATCH", customer(customerId), params, options);
  }
  /** Deletes the customer (its orders and payments stay); the answer is the customer, `deleted: true`. */
  delete(customerId: string, options?: RequestOptions) {
    return this.call<Customer>("DELETE", customer(customerId), undefined, options);
  }
  /** The customer's orders (also those of its subscriptions). */
  listOrders(customerId: string, params?: CommonListParams, options?: RequestOptions) {
    return this.paginate<Order>(`${customer(customerId)}/orders`, params, options);
  }
  /** Saves a card from a payment token (`{ token: "tok_visa" }` in test mode), for subscriptions and later charges. */
  addPaymentMethod(customerId: string, params: AddPaymentMethodParams, options?: RequestOptions) {
    return this.call<CustomerPaymentMethod>("POST", `${customer(customerId)}/payment-methods`, params, options);
  }
  /** An async iterator, like every list (the API answers one page). */
  listPaymentMethods(customerId: string, options?: RequestOptions) {
    return this.paginate<CustomerPaymentMethod>(`${customer(customerId)}/payment-methods`, {}, options);
  }
  removePaymentMethod(customerId: string, paymentMethodId: string, options?: RequestOptions) {
    return this.call<CustomerPaymentMethod>("DELETE", `${customer(customerId)}/payment-methods/${seg(paymentMethodId)}`, undefined, options);
  }
}

export class TaxRates extends ObjectsResource<TaxRate, CreateTaxRateParams, UpdateTaxRateParams, ListParams & { status?: string }> {
  protected readonly path = "/v1/tax-rates";
}

export class Events extends Resource {
  /** Newest first; `type` filters, e.g. `{ type: "order.paid" }`. */
  list(params?: ListParams & { type?: string }, options?: RequestOptions) {
    return this.paginate<Event>("/v1/events", params, options);
  }
}
