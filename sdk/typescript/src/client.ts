import { Transport, type FetchLike, type RequestOptions, type TransportOptions } from "./http.js";
import { Bundles, Catalog, Inventory, Items, ModifierSets, Products, Variants } from "./resources/catalog.js";
import { CheckoutSessions, PaymentLinks, Plans, Subscriptions } from "./resources/billing.js";
import { Coupons, Customers, Events, Invoices, Orders, Payments, Refunds, TaxRates } from "./resources/commerce.js";
import { ApiKeys, Installations, Locations, Merchants, PartnerApps, Settings, Users, WebhookEndpoints } from "./resources/platform.js";
import { Devices, TerminalCheckouts, pair } from "./resources/pos.js";
import type { PairedDevice } from "./types.js";

export { Resource } from "./resource.js";
export {
  Products,
  Variants,
  Inventory,
  Catalog,
  Bundles,
  ModifierSets,
  Items,
  Orders,
  Payments,
  Refunds,
  Invoices,
  Coupons,
  Customers,
  TaxRates,
  Events,
  Plans,
  Subscriptions,
  CheckoutSessions,
  PaymentLinks,
  Locations,
  WebhookEndpoints,
  PartnerApps,
  Installations,
  Settings,
  ApiKeys,
  Users,
  Merchants,
  Devices,
  TerminalCheckouts,
};

export interface FlintOptions extends TransportOptions {}

export interface PairDeviceOptions {
  baseUrl: string;
  /** The 6-character code of `devices.createCode` (any case). */
  code: string;
  /** Shown on the device's record (`appVersion`). */
  appVersion?: string;
  fetch?: FetchLike;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * The Flint API client.
 *
 * ```ts
 * const flint = new Flint({ apiKey: process.env.FLINT_API_KEY!, baseUrl: "http://127.0.0.1:5080" });
 * ```
 *
 * Every namespace below is a `Resource`; each of its methods is one API operation (a test checks that every
 * operation of the server's OpenAPI document has one).
 */
export class Flint {
  /** @internal */
  readonly transport: Transport;
  /** @internal itemId → variant id of the items this client created or read. */
  readonly itemVariants = new Map<string, string>();

  // Catalog
  readonly products: Products;
  readonly variants: Variants;
  readonly inventory: Inventory;
  readonly catalog: Catalog;
  readonly bundles: Bundles;
  readonly modifierSets: ModifierSets;
  readonly items: Items;
  // Orders and money
  readonly orders: Orders;
  readonly payments: Payments;
  readonly refunds: Refunds;
  readonly coupons: Coupons;
  readonly taxRates: TaxRates;
  readonly customers: Customers;
  readonly events: Events;
  // Billing and checkout
  readonly plans: Plans;
  readonly subscriptions: Subscriptions;
  readonly invoices: Invoices;
  readonly checkoutSessions: CheckoutSessions;
  readonly paymentLinks: PaymentLinks;
  // Point of sale
  readonly locations: Locations;
  readonly devices: Devices;
  readonly terminalCheckouts: TerminalCheckouts;
  // Platform and account
  readonly webhookEndpoints: WebhookEndpoints;
  readonly partnerApps: PartnerApps;
  readonly installations: Installations;
  readonly settings: Settings;
  readonly apiKeys: ApiKeys;
  readonly users: Users;
  readonly merchants: Merchants;

  constructor(options: FlintOptions) {
    this.transport = new Transport(options);
    this.products = new Products(this);
    this.variants = new Variants(this);
    this.inventory = new Inventory(this);
    this.catalog = new Catalog(this);
    this.bundles = new Bundles(this);
    this.modifierSets = new ModifierSets(this);
    this.items = new Items(this);
    this.orders = new Orders(this);
    this.payments = new Payments(this);
    this.refunds = new Refunds(this);
    this.coupons = new Coupons(this);
    this.taxRates = new TaxRates(this);
    this.customers = new Customers(this);
    this.events = new Events(this);
    this.plans = new Plans(this);
    this.subscriptions = new Subscriptions(this);
    this.invoices = new Invoices(this);
    this.checkoutSessions = new CheckoutSessions(this);
    this.paymentLinks = new PaymentLinks(this);
    this.locations = new Locations(this);
    this.devices = new Devices(this);
    this.terminalCheckouts = new TerminalCheckouts(this);
    this.webhookEndpoints = new WebhookEndpoints(this);
    this.partnerApps = new PartnerApps(this);
    this.installations = new Installations(this);
    this.settings = new Settings(this);
    this.apiKeys = new ApiKeys(this);
    this.users = new Users(this);
    this.merchants = new Merchants(this);
  }

  /**
   * Pairs a POS device that has no key yet: `POST /v1/devices/pair` with the code, sent without Authorization.
   * The answer's `deviceToken` (shown this once) is the device's key from then on:
   * `new Flint({ apiKey: paired.deviceToken, baseUrl })`. A code is single use: a retry after a lost answer gets
   * `400 INVALID_CODE`, and the device then needs a new code.
   */
  static pairDevice(options: PairDeviceOptions): Promise<PairedDevice> {
    const transport = new Transport({ apiKey: "", baseUrl: options.baseUrl, fetch: options.fetch }, true);
    const request: RequestOptions = options.signal ? { signal: options.signal } : {};
    return pair(transport, { code: options.code, appVersion: options.appVersion }, request);
  }
}
