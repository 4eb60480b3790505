import type { RequestOptions } from "../http.js";
import { ObjectsResource, Resource, seg } from "../resource.js";
import type {
  CancelSubscriptionParams,
  CheckoutSession,
  CommonListParams,
  CreateCheckoutSessionParams,
  CreatePaymentLinkParams,
  CreatePlanParams,
  CreateSubscriptionParams,
  PaymentLink,
  Plan,
  SearchListParams,
  Subscription,
  SubscriptionListParams,
  UpdateCheckoutSessionParams,
  UpdatePaymentLinkParams,
  UpdatePlanParams,
  UpdateSubscriptionParams,
} from "../types.js";

export class Plans extends ObjectsResource<Plan, CreatePlanParams, UpdatePlanParams, SearchListParams> {
  protected readonly path = "/v1/plans";
}

const subscription = (subscriptionId: string) => `/v1/subscriptions/${seg(subscriptionId)}`;

export class Subscriptions extends Resource {
  /** Bills the first cycle at once (unless the plan has a trial): one paid order and one invoice. */
  create(params: CreateSubscriptionParams, options?: RequestOptions) {
    return this.call<Subscription>("POST", "/v1/subscriptions", params, options);
  }
  get(subscriptionId: string, options?: RequestOptions) {
    return this.call<Subscription>("GET", subscription(subscriptionId), undefined, options);
  }
  list(params?: SubscriptionListParams, options?: RequestOptions) {
    return this.paginate<Subscription>("/v1/subscriptions", params, options);
  }
  update(subscriptionId: string, params: UpdateSubscriptionParams, options?: RequestOptions) {
    return this.call<Subscription>("PATCH", subscription(subscriptionId), params, options);
  }
  pause(subscriptionId: string, options?: RequestOptions) {
    return this.call<Subscription>("POST", `${subscription(subscriptionId)}/pause`, {}, options);
  }
  /** Resumes billing: a new period starts, billed at once. */
  resume(subscriptionId: string, options?: RequestOptions) {
    return this.call<Subscription>("POST", `${subscription(subscriptionId)}/resume`, {}, options);
  }
  /** At once, or `{ atPeriodEnd: true }` at the end of the current period. */
  cancel(subscriptionId: string, params: CancelSubscriptionParams = {}, options?: RequestOptions) {
    return this.call<Subscription>("POST", `${subscription(subscriptionId)}/cancel`, params, options);
  }
}

const session = (checkoutSessionId: string) => `/v1/checkout-sessions/${seg(checkoutSessionId)}`;

/** Hosted checkout pages (`url`); `flint.orders.createCheckoutSession(orderId, …)` makes one for an existing order. */
export class CheckoutSessions extends Resource {
  create(params: CreateCheckoutSessionParams, options?: RequestOptions) {
    return this.call<CheckoutSession>("POST", "/v1/checkout-sessions", params, options);
  }
  get(checkoutSessionId: string, options?: RequestOptions) {
    return this.call<CheckoutSession>("GET", session(checkoutSessionId), undefined, options);
  }
  list(params?: CommonListParams & { status?: string }, options?: RequestOptions) {
    return this.paginate<CheckoutSession>("/v1/checkout-sessions", params, options);
  }
  /** Only `metadata`. */
  update(checkoutSessionId: string, params: UpdateCheckoutSessionParams, options?: RequestOptions) {
    return this.call<CheckoutSession>("PATCH", session(checkoutSessionId), params, options);
  }
  /** Closes an open session: its page no longer takes a payment. */
  expire(checkoutSessionId: string, options?: RequestOptions) {
    return this.call<CheckoutSession>("POST", `${session(checkoutSessionId)}/expire`, {}, options);
  }
}

/** Reusable payment links; `update` takes `active`, `afterCompletion`, `metadata`. */
export class PaymentLinks extends ObjectsResource<PaymentLink, CreatePaymentLinkParams, UpdatePaymentLinkParams, SearchListParams> {
  protected readonly path = "/v1/payment-links";
}
