import type { HttpMethod, RawRequest, RequestOptions } from "./http.js";
import type { ListParams } from "./types.js";
import type { Flint } from "./client.js";

/** A path segment: ids, SKUs and coupon codes are escaped, so `a/b` stays one segment. */
export const seg = (id: string) => encodeURIComponent(id);

/** The base of every resource namespace (`flint.orders`, `flint.devices`, …): its methods are the API's operations. */
export class Resource {
  constructor(protected readonly client: Flint) {}

  /** One call; the answer's `data`. */
  protected async call<T>(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}, query?: Record<string, unknown>): Promise<T> {
    return this.send<T>({ method, path, body, query }, options);
  }

  /** One call described in full (query, extra headers, anonymous); the answer's `data`. */
  protected async send<T>(req: RawRequest, options: RequestOptions = {}): Promise<T> {
    const r = await this.client.transport.request({ ...req, ...options });
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

/**
 * The five calls of a resource kept as objects at `/v1/{kind}` — create, get, list, update (PATCH), delete — as the
 * server maps them for every such kind; a resource's own actions are on its class.
 */
export abstract class ObjectsResource<T, Create, Update, List extends ListParams = ListParams> extends Resource {
  /** `/v1/{kind}`. */
  protected abstract readonly path: string;

  /** The path of one object. */
  protected of(id: string): string {
    return `${this.path}/${seg(id)}`;
  }
  create(params: Create, options?: RequestOptions) {
    return this.call<T>("POST", this.path, params, options);
  }
  get(id: string, options?: RequestOptions) {
    return this.call<T>("GET", this.of(id), undefined, options);
  }
  list(params?: List, options?: RequestOptions) {
    return this.paginate<T>(this.path, params, options);
  }
  /** Sparse update (omitted fields unchanged). */
  update(id: string, params: Update, options?: RequestOptions) {
    return this.call<T>("PATCH", this.of(id), params, options);
  }
  delete(id: string, options?: RequestOptions) {
    return this.call<T>("DELETE", this.of(id), undefined, options);
  }
}
