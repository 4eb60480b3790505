/** An error answered by the Flint API (its error envelope), or a request that never got an answer. */
export class FlintError extends Error {
  /** The error's family, e.g. `invalid_request_error`, `api_error`; `connection_error` when no answer came. */
  readonly type: string;
  /** Machine-readable code, e.g. `RESOURCE_NOT_FOUND`. */
  readonly code: string;
  /** The request field the error is about (snake_case, as the API names it), when there is one. */
  readonly param: string | undefined;
  /** The server's request id (`request_id` of the envelope, else the `X-Request-Id` header). */
  readonly requestId: string | undefined;
  /** HTTP status; 0 when no answer came. */
  readonly statusCode: number;
  /** Any other members of the server's `error` object (e.g. `declineCode`), camelCased. */
  readonly details: Record<string, unknown>;

  constructor(init: {
    message: string;
    type: string;
    code: string;
    statusCode: number;
    param?: string | undefined;
    requestId?: string | undefined;
    details?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "FlintError";
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.requestId = init.requestId;
    this.statusCode = init.statusCode;
    this.details = init.details ?? {};
  }
}
