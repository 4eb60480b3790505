export { Flint, type FlintOptions, type PairDeviceOptions } from "./client.js";
export { FlintError } from "./errors.js";
export type { RequestOptions, FetchLike } from "./http.js";
export { toCamel, toSnake, type Camelize } from "./case.js";
export type * from "./types.js";
export type { components, paths } from "./generated/openapi.js";
