import type { RequestOptions } from "../http.js";
import { ObjectsResource, Resource, seg } from "../resource.js";
import type {
  ApiKey,
  CommonListParams,
  CreateApiKeyParams,
  CreateLocationParams,
  CreateMerchantParams,
  CreatePartnerAppParams,
  CreateUserParams,
  CreateWebhookEndpointParams,
  Installation,
  ListParams,
  Location,
  MerchantCreated,
  MerchantSettings,
  MerchantSettingsParams,
  PartnerApp,
  PaymentSettingsParams,
  RemovedUser,
  SearchListParams,
  UpdateLocationParams,
  UpdatePartnerAppParams,
  UpdateWebhookEndpointParams,
  User,
  WebhookDelivery,
  WebhookEndpoint,
} from "../types.js";

export class Locations extends ObjectsResource<Location, CreateLocationParams, UpdateLocationParams, SearchListParams> {
  protected readonly path = "/v1/locations";
}

const endpoint = (webhookEndpointId: string) => `/v1/webhook-endpoints/${seg(webhookEndpointId)}`;

/** Where events are sent; the signing `secret` is in the answer of `create` and `rollSecret` only, this once. */
export class WebhookEndpoints extends ObjectsResource<WebhookEndpoint, CreateWebhookEndpointParams, UpdateWebhookEndpointParams, CommonListParams & { query?: string }> {
  protected readonly path = "/v1/webhook-endpoints";
  /** A new signing secret (in the answer, this once); the old one stops verifying. */
  rollSecret(webhookEndpointId: string, options?: RequestOptions) {
    return this.call<WebhookEndpoint>("POST", `${endpoint(webhookEndpointId)}/roll-secret`, {}, options);
  }
  listDeliveries(webhookEndpointId: string, params?: ListParams, options?: RequestOptions) {
    return this.paginate<WebhookDelivery>(`${endpoint(webhookEndpointId)}/deliveries`, params, options);
  }
  /** Sends a delivery's event again. */
  resendDelivery(webhookEndpointId: string, deliveryId: string, options?: RequestOptions) {
    return this.call<WebhookDelivery>("POST", `${endpoint(webhookEndpointId)}/deliveries/${seg(deliveryId)}/resend`, {}, options);
  }
}

const app = (partnerAppId: string) => `/v1/partner-apps/${seg(partnerAppId)}`;

export class PartnerApps extends ObjectsResource<PartnerApp, CreatePartnerAppParams, UpdatePartnerAppParams, SearchListParams> {
  protected readonly path = "/v1/partner-apps";
  /** A new client secret (in the answer, this once). */
  rollSecret(partnerAppId: string, options?: RequestOptions) {
    return this.call<PartnerApp>("POST", `${app(partnerAppId)}/roll-secret`, {}, options);
  }
  /** A new webhook signing secret (in the answer, this once). */
  rollWebhookSecret(partnerAppId: string, options?: RequestOptions) {
    return this.call<PartnerApp>("POST", `${app(partnerAppId)}/roll-webhook-secret`, {}, options);
  }
}

/** The partner apps installed on this merchant. */
export class Installations extends Resource {
  get(installationId: string, options?: RequestOptions) {
    return this.call<Installation>("GET", `/v1/installations/${seg(installationId)}`, undefined, options);
  }
  list(params?: CommonListParams & { status?: string }, options?: RequestOptions) {
    return this.paginate<Installation>("/v1/installations", params, options);
  }
  /** Uninstalls: the app's tokens stop working. */
  delete(installationId: string, options?: RequestOptions) {
    return this.call<Installation>("DELETE", `/v1/installations/${seg(installationId)}`, undefined, options);
  }
}

export class Settings extends Resource {
  get(options?: RequestOptions) {
    return this.call<MerchantSettings>("GET", "/v1/settings", undefined, options);
  }
  update(params: MerchantSettingsParams, options?: RequestOptions) {
    return this.call<MerchantSettings>("PATCH", "/v1/settings", params, options);
  }
  /** The merchant's own payment processor keys (replaced as a whole). */
  updatePayments(params: PaymentSettingsParams, options?: RequestOptions) {
    return this.call<MerchantSettings>("PUT", "/v1/settings/payments", params, options);
  }
}

export class ApiKeys extends Resource {
  /** A new secret key of the caller's merchant and environment: its `secret` is in this answer only. */
  create(params: CreateApiKeyParams = {}, options?: RequestOptions) {
    return this.call<ApiKey>("POST", "/v1/api-keys", params, options);
  }
  /** An async iterator, like every list (the API answers one page). */
  list(options?: RequestOptions) {
    return this.paginate<ApiKey>("/v1/api-keys", {}, options);
  }
  revoke(apiKeyId: string, options?: RequestOptions) {
    return this.call<ApiKey>("DELETE", `/v1/api-keys/${seg(apiKeyId)}`, undefined, options);
  }
}

/** The merchant's dashboard users. */
export class Users extends Resource {
  create(params: CreateUserParams, options?: RequestOptions) {
    return this.call<User>("POST", "/v1/users", params, options);
  }
  /** An async iterator, like every list (the API answers one page). */
  list(options?: RequestOptions) {
    return this.paginate<User>("/v1/users", {}, options);
  }
  delete(userId: string, options?: RequestOptions) {
    return this.call<RemovedUser>("DELETE", `/v1/users/${seg(userId)}`, undefined, options);
  }
}

/** Operator bootstrap: a client made with the admin token (`FLINT_ADMIN_TOKEN`) as its `apiKey`. */
export class Merchants extends Resource {
  /** A new merchant and its keys: `{ merchantId, name, apiKeys: { test, live } }`. */
  create(params: CreateMerchantParams, options?: RequestOptions) {
    return this.call<MerchantCreated>("POST", "/v1/merchants", params, options);
  }
}
