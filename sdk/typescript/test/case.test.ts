import assert from "node:assert/strict";
import { test } from "node:test";
import { toCamel, toSnake } from "../src/index.js";
import { newClient } from "./helpers.js";

test("keys map camelCase ⇄ snake_case recursively, except inside metadata", () => {
  const input = {
    lineItems: [{ unitPriceMoney: { amount: 1, currency: "USD" }, variantId: "var_1" }],
    taxLocation: { postalCode: "94103" },
    metadata: { orderRef: "A", some_key: "B" },
    skipped: undefined,
  };
  assert.deepEqual(toSnake(input), {
    line_items: [{ unit_price_money: { amount: 1, currency: "USD" }, variant_id: "var_1" }],
    tax_location: { postal_code: "94103" },
    metadata: { orderRef: "A", some_key: "B" },
  });
  assert.deepEqual(toCamel({ net_amounts: { total_money: { amount: 2 } }, metadata: { some_key: "x" }, tags: ["a_b"] }), {
    netAmounts: { totalMoney: { amount: 2 } },
    metadata: { some_key: "x" },
    tags: ["a_b"],
  });
});

test("metadata keys round-trip through the server as given", async () => {
  const { flint } = await newClient();
  const metadata = { orderRef: "A-1", legacy_id: "42", "Mixed Key": "v" };
  const customer = await flint.customers.create({ name: "Meta", metadata });
  assert.deepEqual(customer.metadata, metadata);
  assert.deepEqual((await flint.customers.get(customer.customerId!)).metadata, metadata);
});
