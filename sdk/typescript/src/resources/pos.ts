import { toCamel } from "../case.js";
import { FlintError } from "../errors.js";
import type { RequestOptions, Transport } from "../http.js";
import { Resource, seg } from "../resource.js";
import { SseParser } from "../sse.js";
import type {
  CommonListParams,
  CompleteTerminalCheckoutParams,
  CreateDeviceCodeParams,
  CreateTerminalCheckoutParams,
  Device,
  DeviceEvent,
  DeviceEventsParams,
  DeviceOrderParams,
  PairDeviceParams,
  PairedDevice,
  TerminalCheckout,
  TerminalCheckoutListParams,
} from "../types.js";

const device = (deviceId: string) => `/v1/devices/${seg(deviceId)}`;

/** `POST /v1/devices/pair`: anonymous (no Authorization, no Idempotency-Key; see `RawRequest.anonymous`). */
export async function pair(transport: Transport, params: PairDeviceParams, options: RequestOptions = {}): Promise<PairedDevice> {
  const r = await transport.request({ method: "POST", path: "/v1/devices/pair", body: params, anonymous: true, signal: options.signal });
  return r.body?.data as PairedDevice;
}

/**
 * POS devices (registers). The merchant makes a device and its pairing code (`createCode`), the device pairs with
 * the code (`Flint.pairDevice`, no key needed) and from then on calls the API with its device token
 * (`new Flint({ apiKey: deviceToken, baseUrl })`): `me`, `addOrder`, `removeOrder`, `events`, orders, payments, …
 */
export class Devices extends Resource {
  /** A new device at a location and its 6-character pairing code (valid 5 minutes, single use). */
  createCode(params: CreateDeviceCodeParams, options?: RequestOptions) {
    return this.call<Device>("POST", "/v1/devices/codes", params, options);
  }
  /** Pairs with a code; sent without this client's key. The answer's `deviceToken` is shown this once. */
  pair(params: PairDeviceParams, options?: RequestOptions) {
    return pair(this.client.transport, params, options);
  }
  list(params?: CommonListParams, options?: RequestOptions) {
    return this.paginate<Device>("/v1/devices", params, options);
  }
  get(deviceId: string, options?: RequestOptions) {
    return this.call<Device>("GET", device(deviceId), undefined, options);
  }
  /** Unpairs the device: its token stops working at once. */
  delete(deviceId: string, options?: RequestOptions) {
    return this.call<Device>("DELETE", device(deviceId), undefined, options);
  }
  /** Opens an order on that device's screen (e.g. an online order the register takes over). */
  sendOrder(deviceId: string, params: DeviceOrderParams, options?: RequestOptions) {
    return this.call<Device>("POST", `${device(deviceId)}/orders`, params, options);
  }
  /** The calling device (device token only). */
  me(options?: RequestOptions) {
    return this.call<Device>("GET", "/v1/devices/me", undefined, options);
  }
  /** Opens an order on this device's screen: its changes go out on `events()` (device token only). */
  addOrder(params: DeviceOrderParams, options?: RequestOptions) {
    return this.call<Device>("POST", "/v1/devices/me/orders", params, options);
  }
  /** Takes an order off this device's screen (device token only). */
  removeOrder(orderId: string, options?: RequestOptions) {
    return this.call<Device>("DELETE", `/v1/devices/me/orders/${seg(orderId)}`, undefined, options);
  }
  /**
   * The device's server-sent events (device token only), as an async iterator of `{ id, event, data }`: each change
   * of the orders open on its screen (`order.opened`, `order.updated`, `order.closed`) and of the terminal checkouts
   * sent to it (`terminal_checkout.created`, `.updated`, `.completed`, …).
   *
   * A dropped connection is reconnected after a short backoff with `Last-Event-ID` of the last event received, so
   * nothing is lost or repeated. It ends when `signal` aborts, when the loop breaks, or after a `device.unpaired`
   * event (which it yields). An error answer to the first connection is thrown as a `FlintError` (after the usual
   * retries); on a reconnect, network failures, 429 and 5xx are retried for as long as it takes, and any other
   * error answer (e.g. 401 once the device was unpaired) is thrown.
   */
  events(params: DeviceEventsParams = {}, options: RequestOptions = {}): AsyncGenerator<DeviceEvent, void, undefined> {
    return deviceEvents(this.client.transport, params, options);
  }
}

const checkout = (terminalCheckoutId: string) => `/v1/terminal-checkouts/${seg(terminalCheckoutId)}`;

/** A payment of an order sent to a device: the merchant creates it, the device starts and completes it. */
export class TerminalCheckouts extends Resource {
  /** `{ deviceId, orderId, amountMoney? (default the balance), tipOptions?, deadline?, note? }`. */
  create(params: CreateTerminalCheckoutParams, options?: RequestOptions) {
    return this.call<TerminalCheckout>("POST", "/v1/terminal-checkouts", params, options);
  }
  get(terminalCheckoutId: string, options?: RequestOptions) {
    return this.call<TerminalCheckout>("GET", checkout(terminalCheckoutId), undefined, options);
  }
  list(params?: TerminalCheckoutListParams, options?: RequestOptions) {
    return this.paginate<TerminalCheckout>("/v1/terminal-checkouts", params, options);
  }
  /** The device shows it to the buyer (its device only). */
  start(terminalCheckoutId: string, options?: RequestOptions) {
    return this.call<TerminalCheckout>("POST", `${checkout(terminalCheckoutId)}/start`, {}, options);
  }
  /**
   * The buyer pays on the device (its device only): `{ type: "cash", tenderedMoney, tipMoney? }` (the answer's
   * `changeBackMoney` is the change) or `{ type: "card_present", token, tipMoney? }`.
   */
  complete(terminalCheckoutId: string, params: CompleteTerminalCheckoutParams, options?: RequestOptions) {
    return this.call<TerminalCheckout>("POST", `${checkout(terminalCheckoutId)}/complete`, params, options);
  }
  cancel(terminalCheckoutId: string, options?: RequestOptions) {
    return this.call<TerminalCheckout>("POST", `${checkout(terminalCheckoutId)}/cancel`, {}, options);
  }
}

// ---------------------------------------------------------------------------------------------- the event stream

const DEFAULT_IDLE_MS = 45_000;

/** Waits `ms`, or less when `signal` aborts (never throws). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Errors worth another connection: no answer, 429 or 5xx. */
function transient(e: unknown): boolean {
  return e instanceof FlintError && (e.statusCode === 0 || e.statusCode === 429 || e.statusCode >= 500);
}

function parseData(text: string): any {
  try {
    return toCamel(JSON.parse(text));
  } catch {
    return text;
  }
}

/** One chunk of the body, or a rejection when nothing came for `idleMs` (the connection is then aborted). */
function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs: number, connection: AbortController) {
  return new Promise<ReadableStreamReadResult<Uint8Array>>((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.abort(new Error(`no data for ${idleMs} ms`));
      reject(new Error(`no data for ${idleMs} ms`));
    }, idleMs);
    reader.read().then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function* deviceEvents(transport: Transport, params: DeviceEventsParams, options: RequestOptions): AsyncGenerator<DeviceEvent, void, undefined> {
  const stop = params.signal ?? options.signal;
  const idleMs = params.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  let lastEventId = params.lastEventId === undefined ? undefined : String(params.lastEventId);
  let retryMs = 1000; // until the server's `retry:` says otherwise
  let failures = 0; // reconnects in a row without an event
  let connected = false;
  let unpaired = false;
  let connection = new AbortController();

  while (!stop?.aborted) {
    // One controller per connection: the caller's signal, the idle timeout, or the loop ending closes it.
    connection = new AbortController();
    const onStop = () => connection.abort(stop!.reason);
    stop?.addEventListener("abort", onStop, { once: true });
    try {
      let response: Response | undefined;
      try {
        const headers: Record<string, string> = { Accept: "text/event-stream" };
        if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
        response = await transport.stream({ method: "GET", path: "/v1/devices/me/events", headers, signal: connection.signal });
      } catch (e) {
        if (stop?.aborted) return;
        if (!connected || !transient(e)) throw e;
        // else: reconnect, after the pause below
      }
      if (response) yield* readStream(response);
    } finally {
      stop?.removeEventListener("abort", onStop);
      connection.abort(); // closes the connection, also when the caller broke out of the loop
    }
    if (stop?.aborted || unpaired) return;
    // Backoff: the server's retry delay, doubled for each reconnect in a row that brought no event (at most 30 s).
    await pause(Math.min(30_000, retryMs * 2 ** Math.min(failures, 5)), stop);
    failures++;
  }

  /** The events of one connection, until it ends, drops or idles. */
  async function* readStream(response: Response): AsyncGenerator<DeviceEvent, void, undefined> {
    const type = response.headers.get("content-type") ?? "";
    if (!type.startsWith("text/event-stream") || !response.body) {
      throw new FlintError({
        message: `GET /v1/devices/me/events: expected text/event-stream, got ${type || "no body"}`,
        type: "api_error",
        code: "UNEXPECTED_CONTENT_TYPE",
        statusCode: response.status,
        requestId: response.headers.get("x-request-id") ?? undefined,
      });
    }
    connected = true;
    const reader = response.body.getReader();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await readWithin(reader, idleMs, connection);
      } catch {
        break; // dropped (or idle, or stopped: the loop condition tells)
      }
      if (chunk.done) break;
      for (const item of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        if (item.kind === "retry") {
          retryMs = item.ms;
        } else if (item.kind === "comment") {
          // The server opens with ": flint device …, after event N": where this connection starts. Kept as the
          // resume point until an event arrives, so a drop before the first event loses nothing either.
          const start = lastEventId === undefined ? /after event (\d+)/.exec(item.text) : null;
          if (start) lastEventId = start[1];
        } else {
          if (item.id !== "") lastEventId = item.id;
          failures = 0;
          yield { id: item.id, event: item.event, data: parseData(item.data) };
          if (item.event === "device.unpaired") {
            unpaired = true;
            return;
          }
        }
      }
    }
  }
}
