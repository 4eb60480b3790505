import assert from "node:assert/strict";
import { test } from "node:test";
import { FlintError } from "../src/index.js";
import { newClient } from "./helpers.js";

test("an unknown coupon is FlintError 404 RESOURCE_NOT_FOUND, param coupon_code", async () => {
  const { flint } = await newClient();
  const order = await flint.orders.create({ lineItems: [{ name: "Tea", unitPriceMoney: { amount: 450, currency: "USD" }, quantity: 1 }] });
  const error = await flint.orders.applyCoupon(order.orderId, { couponCode: "NOPE" }).then(
    () => assert.fail("applyCoupon should fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FlintError, String(error));
  assert.ok(error instanceof Error);
  assert.equal(error.statusCode, 404);
  assert.equal(error.code, "RESOURCE_NOT_FOUND");
  assert.equal(error.param, "coupon_code");
  assert.equal(typeof error.type, "string");
  assert.ok(error.type.length > 0);
  assert.ok(error.message.length > 0);
  assert.match(error.requestId ?? "", /.+/);
});

test("validation errors carry the API's field path; a missing object is 404", async () => {
  const { flint } = await newClient();
  await assert.rejects(
    flint.taxRates.create({ name: "Bad", percentage: "150", jurisdiction: { country: "US" } }),
    (e: unknown) => e instanceof FlintError && e.statusCode === 400 && e.param === "percentage" && !!e.requestId,
  );
  await assert.rejects(flint.customers.get("cus_doesnotexist"), (e: unknown) => e instanceof FlintError && e.statusCode === 404 && e.code === "RESOURCE_NOT_FOUND");
  // A declined card: 402 with the decline code among the details.
  const order = await flint.orders.create({ lineItems: [{ name: "Tea", unitPriceMoney: { amount: 450, currency: "USD" }, quantity: 1 }] });
  await assert.rejects(
    flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_chargeDeclined"] }),
    (e: unknown) => e instanceof FlintError && e.statusCode === 402 && e.code === "PAYMENT_DECLINED" && typeof e.details.declineCode === "string",
  );
});

test("a bad API key is 401", async () => {
  const { flint } = await newClient({ apiKey: "sk_test_nope" });
  await assert.rejects(flint.customers.get("cus_x"), (e: unknown) => e instanceof FlintError && e.statusCode === 401);
});
