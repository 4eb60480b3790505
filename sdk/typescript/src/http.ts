import { toCamel, toSnake } from "./case.js";
import { FlintError } from "./errors.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  /** Replaces the global `fetch` (for tests, proxies, instrumentation). */
  fetch?: FetchLike | undefined;
  /** Retries after the first attempt (network failure, 429, 503, key in use). Default 3, i.e. 4 attempts. */
  maxRetries?: number | undefined;
  /** First backoff delay; doubles every retry (with jitter). Default 500 ms. */
  retryBaseDelayMs?: number | undefined;
  /** Upper bound of a computed backoff delay (a server's Retry-After is honoured as given). Default 8 s. */
  maxRetryDelayMs?: number | undefined;
  /** Per-attempt timeout; a timed-out attempt counts as a network failure. Default 60 s. */
  timeoutMs?: number | undefined;
}

/** Options every call takes. */
export interface RequestOptions {
  /** Idempotency-Key of a mutation; one is generated (crypto.randomUUID()) when not given. */
  idempotencyKey?: string;
  /** Cancels the call, retries included. */
  signal?: AbortSignal;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RawRequest extends RequestOptions {
  method: HttpMethod;
  path: string;
  query?: Record<string, unknown> | undefined;
  /** camelCase body: converted to snake_case (metadata excepted). */
  body?: unknown;
  /** Extra request headers (e.g. `Last-Event-ID`, `Accept`). */
  headers?: Record<string, string> | undefined;
  /**
   * Sent without `Authorization` and without `Idempotency-Key` (`POST /v1/devices/pair`: the server answers a bearer
   * it does not know with 401, and keeps idempotency per merchant, so it ignores a key on a call without one).
   */
  anonymous?: boolean | undefined;
}

export interface RawResponse {
  status: number;
  requestId: string | undefined;
  /** The whole answer, camelCased (`{ data, requestId }`, `{ data, nextPageToken }`, …). */
  body: any;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Seconds (or an HTTP date) of a Retry-After header, in milliseconds. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class Transport {
  private readonly apiKey: string | undefined;
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly maxRetries: number;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  private readonly timeoutMs: number;

  /** @param keyless a transport for anonymous calls only (`Flint.pairDevice`), which has no key yet. */
  constructor(options: TransportOptions, keyless = false) {
    if (!options.apiKey && !keyless) throw new TypeError("Flint: apiKey is required");
    if (!options.baseUrl) throw new TypeError("Flint: baseUrl is required");
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new TypeError("Flint: no fetch available (Node >= 20 has a global fetch)");
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.maxRetries = options.maxRetries ?? 3;
    this.baseDelay = options.retryBaseDelayMs ?? 500;
    this.maxDelay = options.maxRetryDelayMs ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  private url(path: string, query: Record<string, unknown> | undefined): string {
    const url = new URL(this.baseUrl + path);
    if (query) {
      for (const [key, value] of Object.entries(toSnake<Record<string, unknown>>(query))) {
        if (value === undefined || value === null) continue;
        url.searchParams.set(key, Array.isArray(value) ? value.join(",") : String(value));
      }
    }
    return url.toString();
  }

  private backoff(retry: number): number {
    const exp = Math.min(this.maxDelay, this.baseDelay * 2 ** retry);
    return exp / 2 + Math.random() * (exp / 2);
  }

  /** A JSON call: the whole answer, camelCased; error answers thrown as `FlintError`. */
  async request(req: RawRequest): Promise<RawResponse> {
    const { response, text } = await this.send(req, true);
    const parsed = parse(text);
    return { status: response.status, requestId: requestIdOf(parsed, response), body: toCamel(parsed) };
  }

  /**
   * A streaming call (server-sent events): the `Response` with its body unread, once a 2xx status and the headers
   * are in. Retries and errors before that are those of `request`; the per-attempt timeout covers only the wait for
   * the headers, and `req.signal` aborts the body too.
   */
  async stream(req: RawRequest): Promise<Response> {
    return (await this.send(req, false)).response;
  }

  private async send(req: RawRequest, readBody: boolean): Promise<{ response: Response; text: string }> {
    const mutation = req.method !== "GET";
    const headers: Record<string, string> = { Accept: "application/json", ...req.headers };
    if (!req.anonymous) {
      if (!this.apiKey) throw new TypeError("Flint: this client has no apiKey (Flint.pairDevice makes anonymous calls only)");
      headers.Authorization = `Bearer ${this.apiKey}`;
      // One key for every attempt: a retry of a request that did reach the server gets the stored answer.
      if (mutation) headers["Idempotency-Key"] = req.idempotencyKey ?? crypto.randomUUID();
    }
    let payload: string | undefined;
    if (req.body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(toSnake(req.body));
    }
    const url = this.url(req.path, req.query);

    for (let retry = 0; ; retry++) {
      // One signal per attempt: the caller's cancel, or this attempt's timeout (AbortSignal.any needs Node 20.3).
      const attempt = new AbortController();
      const onAbort = () => attempt.abort(req.signal!.reason);
      req.signal?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => attempt.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      let response: Response;
      let text = "";
      let streaming = false;
      try {
        if (req.signal?.aborted) throw req.signal.reason;
        response = await this.fetchImpl(url, { method: req.method, headers, body: payload ?? null, signal: attempt.signal });
        if (readBody || !response.ok) text = await response.text();
        else streaming = true;
      } catch (cause) {
        if (req.signal?.aborted) throw cause;
        if (retry < this.maxRetries) {
          await sleep(this.backoff(retry), req.signal);
          continue;
        }
        throw new FlintError({
          message: `${req.method} ${req.path}: no answer after ${retry + 1} attempts: ${(cause as Error)?.message ?? cause}`,
          type: "connection_error",
          code: "CONNECTION_FAILED",
          statusCode: 0,
          cause,
        });
      } finally {
        clearTimeout(timer);
        // A stream's body is still being read: the caller's signal must still reach it (removed when it ends).
        if (!streaming) req.signal?.removeEventListener("abort", onAbort);
      }

      if (response.ok) return { response, text };

      const parsed = parse(text);
      const code: string | undefined = parsed?.error?.code;
      const retryable =
        response.status === 429 ||
        response.status === 503 ||
        // The first attempt is still running on the server (its connection dropped): wait for its answer.
        (mutation && response.status === 409 && code === "IDEMPOTENCY_KEY_IN_USE");
      if (retryable && retry < this.maxRetries) {
        await sleep(parseRetryAfter(response.headers.get("retry-after")) ?? this.backoff(retry), req.signal);
        continue;
      }
      throw errorFrom(response.status, parsed, text, requestIdOf(parsed, response));
    }
  }
}

function parse(text: string): any {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function requestIdOf(parsed: any, response: Response): string | undefined {
  return parsed?.request_id ?? response.headers.get("x-request-id") ?? undefined;
}

function errorFrom(status: number, parsed: any, text: string, requestId: string | undefined): FlintError {
  const error = parsed?.error;
  if (error && typeof error === "object") {
    const { type, code, message, param, ...rest } = error as Record<string, unknown>;
    return new FlintError({
      message: typeof message === "string" ? message : `HTTP ${status}`,
      type: typeof type === "string" ? type : "api_error",
      code: typeof code === "string" ? code : `HTTP_${status}`,
      param: typeof param === "string" ? param : undefined,
      statusCode: status,
      requestId,
      details: toCamel(rest),
    });
  }
  return new FlintError({
    message: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`,
    type: "api_error",
    code: `HTTP_${status}`,
    statusCode: status,
    requestId,
  });
}
