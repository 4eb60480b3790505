import { createMerchant } from "./harness/flint.js";
import { Flint, type FlintOptions } from "../src/index.js";

export function env() {
  const baseUrl = process.env.FLINT_BASE_URL;
  const adminToken = process.env.FLINT_ADMIN_TOKEN;
  if (!baseUrl || !adminToken) throw new Error("run the tests with `npm test` (it starts Flint), or set FLINT_BASE_URL and FLINT_ADMIN_TOKEN");
  return { baseUrl, adminToken };
}

/** A client of a brand-new merchant, so tests never see each other's objects. */
export async function newClient(options: Partial<FlintOptions> = {}): Promise<{ flint: Flint; apiKey: string; baseUrl: string }> {
  const { baseUrl, adminToken } = env();
  const { apiKey } = await createMerchant(baseUrl, adminToken);
  return { flint: new Flint({ apiKey, baseUrl, ...options }), apiKey, baseUrl };
}
