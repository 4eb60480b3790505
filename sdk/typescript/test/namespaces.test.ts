import assert from "node:assert/strict";
import { test } from "node:test";
import { FlintError, type Coupon, type TaxRate } from "../src/index.js";
import { newClient } from "./helpers.js";

test("orders get/list/cancel, coupons, tax rates and items.get", async () => {
  const { flint } = await newClient();
  const rate = await flint.taxRates.create({ name: "CA tax", percentage: "7.25", jurisdiction: { country: "US", region: "CA" }, metadata: { source_system: "erp" } });
  assert.equal(rate.percentage, "7.25");
  assert.deepEqual(rate.metadata, { source_system: "erp" });
  assert.equal((await flint.taxRates.get(rate.taxRateId)).name, "CA tax");
  const rates: TaxRate[] = [];
  for await (const r of flint.taxRates.list()) rates.push(r);
  assert.deepEqual(rates.map((r) => r.taxRateId), [rate.taxRateId]);

  const coupon = await flint.coupons.create({ code: "FIVEOFF", discountType: "fixed_amount", amountOff: { amount: 500, currency: "USD" } });
  assert.deepEqual(coupon.amountOff, { amount: 500, currency: "USD" });
  assert.equal((await flint.coupons.get(coupon.couponId)).code, "FIVEOFF");
  const coupons: Coupon[] = [];
  for await (const c of flint.coupons.list()) coupons.push(c);
  assert.deepEqual(coupons.map((c) => c.couponId), [coupon.couponId]);

  const item = await flint.items.create({ name: "Filter papers", type: "ITEM_TYPE_PRODUCT", unitPriceMoney: { amount: 600, currency: "USD" } });
  assert.equal(item.product.defaultVariant?.enforceInventoryLimit ?? false, false, "no inventoryCount: stock not enforced");
  const again = await flint.items.get(item.itemId);
  assert.equal(again.variantId, item.variantId);

  const order = await flint.orders.create({
    lineItems: [{ itemId: item.itemId, quantity: 3 }],
    taxLocation: { country: "US", region: "CA" },
    metadata: { cartId: "c-1" },
  });
  assert.deepEqual(order.metadata, { cartId: "c-1" });
  assert.deepEqual(order.netAmounts.subtotalMoney, { amount: 1800, currency: "USD" });
  assert.deepEqual(order.netAmounts.taxMoney, { amount: 130, currency: "USD" }); // 7.25 % of 1800 = 130.5 → 130: halves round to even
  const withCoupon = await flint.orders.applyCoupon(order.orderId, { couponCode: "fiveoff" });
  assert.deepEqual(withCoupon.netAmounts.discountMoney, { amount: 500, currency: "USD" });
  const without = await flint.orders.removeCoupon(order.orderId, "FIVEOFF");
  assert.deepEqual(without.couponCodes, []);
  assert.equal((await flint.orders.get(order.orderId)).version, without.version);

  const canceled = await flint.orders.cancel(order.orderId);
  assert.equal(canceled.status, "canceled");
  await assert.rejects(flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_visa"] }), (e: unknown) => e instanceof FlintError && e.statusCode === 409);

  const open = await flint.orders.create({ lineItems: [{ variantId: item.variantId, quantity: 1 }] });
  const listed = [];
  for await (const o of flint.orders.list({ pageSize: 1, status: "canceled" })) listed.push(o.orderId);
  assert.deepEqual(listed, [order.orderId]);
  const all = [];
  for await (const o of flint.orders.list({ pageSize: 1 })) all.push(o.orderId);
  assert.deepEqual(new Set(all), new Set([order.orderId, open.orderId]));
});

test("items.create only knows ITEM_TYPE_PRODUCT", async () => {
  const { flint } = await newClient();
  await assert.rejects(
    flint.items.create({ name: "x", type: "ITEM_TYPE_SERVICE" as "ITEM_TYPE_PRODUCT", unitPriceMoney: { amount: 1, currency: "USD" } }),
    TypeError,
  );
});
