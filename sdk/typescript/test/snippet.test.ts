// The product page's snippet, run as written against a real Flint.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Flint } from "../src/index.js";
import { newClient } from "./helpers.js";

test("the product page snippet runs as written and prints the amounts", async () => {
  const { flint, apiKey, baseUrl } = await newClient();
  await flint.taxRates.create({ name: "Sales tax", percentage: "9", jurisdiction: { country: "US" } });
  await flint.coupons.create({ code: "SPRING20", discountType: "percentage", percentOff: "20" });

  const printed: unknown[][] = [];
  const realLog = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(args);
    realLog(...args);
  };
  const snippet = async () => {
    // ---- snippet, verbatim ----
    const item = await flint.items.create({ name: "Organic Coffee Beans", type: "ITEM_TYPE_PRODUCT", unitPriceMoney: { amount: 1999, currency: "USD" }, sku: "BEANS-1", inventoryCount: 10 });
    const order = await flint.orders.create({ lineItems: [{ itemId: item.itemId, quantity: 2 }], taxLocation: { country: "US" } });
    const discounted = await flint.orders.applyCoupon(order.orderId, { couponCode: "SPRING20" });
    const paid = await flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_visa"], buyerEmail: "ada@example.com" });
    console.log(paid.order.netAmounts.subtotalMoney, paid.order.netAmounts.totalMoney);
    // ---------------------------
    return { order, discounted, paid };
  };
  let result;
  try {
    result = await snippet();
  } finally {
    console.log = realLog;
  }
  const { order, discounted, paid } = result;

  // 2 × 19.99 = 39.98; 20 % off = 799.6 → 800; 9 % tax on 3198 = 287.82 → 288; total 3198 + 288 = 3486.
  assert.deepEqual(printed, [[{ amount: 3998, currency: "USD" }, { amount: 3486, currency: "USD" }]]);
  assert.deepEqual(order.netAmounts.subtotalMoney, { amount: 3998, currency: "USD" });
  assert.deepEqual(discounted.netAmounts.discountMoney, { amount: 800, currency: "USD" });
  assert.deepEqual(discounted.netAmounts.taxMoney, { amount: 288, currency: "USD" });
  assert.deepEqual(discounted.netAmounts.totalMoney, { amount: 3486, currency: "USD" });
  const n = paid.order.netAmounts;
  assert.equal(paid.order.status, "paid");
  assert.deepEqual(n.discountMoney, { amount: 800, currency: "USD" });
  assert.deepEqual(n.taxMoney, { amount: 288, currency: "USD" });
  assert.deepEqual(n.paidMoney, { amount: 3486, currency: "USD" });
  assert.deepEqual(n.balanceMoney, { amount: 0, currency: "USD" });
  assert.equal(paid.payments.length, 1);
  assert.equal(paid.payments[0]!.status, "succeeded");
  assert.deepEqual(paid.payments[0]!.amountMoney, { amount: 3486, currency: "USD" });
  assert.deepEqual(paid.order.couponCodes, ["SPRING20"]);

  // The rest of the namespaces see the sale.
  const payments = [];
  for await (const p of flint.payments.list({ orderId: order.orderId })) payments.push(p);
  assert.deepEqual(payments.map((p) => p.paymentId), [paid.payments[0]!.paymentId]);
  assert.equal((await flint.payments.get(paid.payments[0]!.paymentId!)).orderId, order.orderId);
  const refund = await flint.refunds.create(order.orderId, { amountMoney: { amount: 1000, currency: "USD" }, reason: "one bag was open" });
  assert.deepEqual(refund.refund.amountMoney, { amount: 1000, currency: "USD" });
  assert.equal((await flint.refunds.get(refund.refund.refundId!)).orderId, order.orderId);
  const paidEvents = [];
  for await (const e of flint.events.list({ type: "order.paid", pageSize: 10 })) paidEvents.push(e);
  assert.equal(paidEvents.length, 1);

  // A client that did not create the item finds its variant through GET /v1/products/{itemId}.
  const seen: string[] = [];
  const other = new Flint({ apiKey, baseUrl, fetch: (url, init) => (seen.push(`${init.method} ${new URL(url).pathname}`), fetch(url, init)) });
  const again = await other.orders.create({ lineItems: [{ itemId: paid.order.lineItems[0]!.productId!, quantity: 1 }] });
  assert.deepEqual(seen, [`GET /v1/products/${paid.order.lineItems[0]!.productId}`, "POST /v1/orders"]);
  assert.equal(again.lineItems[0]!.variantId, paid.order.lineItems[0]!.variantId);
});
