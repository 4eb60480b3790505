/**
 * Key mapping between the SDK's camelCase and the API's snake_case.
 *
 * Keys are converted recursively through objects and arrays, except inside `metadata`: metadata keys are the
 * caller's own and go to the server (and come back) exactly as given. Values are never touched.
 */

/** Keys whose value is a caller-owned map (metadata; a variant's option_values, keyed by option name): kept as given. */
const OPAQUE_KEYS = new Set(["metadata", "option_values", "optionValues"]);

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mapKeys(value: unknown, convert: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, convert));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const mapped = convert(key);
    out[mapped] = OPAQUE_KEYS.has(mapped) || OPAQUE_KEYS.has(key) ? v : mapKeys(v, convert);
  }
  return out;
}

/** camelCase → snake_case, for request bodies and query parameters. `undefined` members are dropped. */
export function toSnake<T = unknown>(value: unknown): T {
  return mapKeys(value, camelToSnake) as T;
}

/** snake_case → camelCase, for response bodies. */
export function toCamel<T = unknown>(value: unknown): T {
  return mapKeys(value, snakeToCamel) as T;
}

// Type-level counterparts, so the generated (snake_case) OpenAPI types describe what the SDK hands out.
export type SnakeToCamel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<SnakeToCamel<T>>}`
  : S;

export type CamelToSnake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${CamelToSnake<T>}`
  : S;

/** Money as the API sends it; the OpenAPI document marks both members optional, the server always sends both. */
export type ApiMoney = { amount: number; currency: string };
type IsMoney<T> = T extends object
  ? [keyof T] extends ["amount" | "currency"]
    ? ["amount" | "currency"] extends [keyof T]
      ? true
      : false
    : false
  : false;

/**
 * The camelCase view of an API (snake_case) type: keys camelCased (not inside `metadata` / `option_values`),
 * Money as `{ amount: number; currency: string }`, and timestamps (`*_at`, untyped in the document) as strings.
 */
export type Camelize<T> = T extends readonly (infer E)[]
  ? Camelize<E>[]
  : IsMoney<T> extends true
    ? ApiMoney
    : T extends object
      ? {
          [K in keyof T as K extends string ? SnakeToCamel<K> : K]: K extends "metadata" | "option_values"
            ? T[K]
            : K extends `${string}_at`
              ? unknown extends T[K]
                ? string | null
                : Camelize<T[K]>
              : Camelize<T[K]>;
        }
      : T;
