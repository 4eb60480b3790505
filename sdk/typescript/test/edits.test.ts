// Editing an open order line by line, with the exact totals after each step (10 % tax), and customers' updates.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FlintError, type Order } from "../src/index.js";
import { newClient } from "./helpers.js";

const usd = (amount: number) => ({ amount, currency: "USD" });

/** subtotal, discount, tax, total of an order. */
const totals = (o: Order) => [o.netAmounts.subtotalMoney.amount, o.netAmounts.discountMoney.amount, o.netAmounts.taxMoney.amount, o.netAmounts.totalMoney.amount];

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("order edits: calculate, addLineItem, updateLineItem, addDiscount, removeLineItem with version, removeDiscount, update", async () => {
  const { flint } = await newClient();
  await flint.taxRates.create({ name: "CA sales tax", percentage: "10", jurisdiction: { country: "US", region: "CA" } });
  const mug = await flint.items.create({ name: "Mug", type: "ITEM_TYPE_PRODUCT", unitPriceMoney: usd(1200), sku: "MUG-1", inventoryCount: 10 });
  const where = { country: "US", region: "CA" };

  // calculate: the order create would make, nothing made.
  const quote = await flint.orders.calculate({ lineItems: [{ itemId: mug.itemId, quantity: 2 }, { name: "Gift wrap", unitPriceMoney: usd(300), quantity: 1 }], taxLocation: where });
  assert.deepEqual(totals(quote), [2700, 0, 270, 2970]);
  assert.deepEqual(await all(flint.orders.list()), []);

  let order = await flint.orders.create({ lineItems: [{ itemId: mug.itemId, quantity: 2 }], taxLocation: where });
  assert.deepEqual(totals(order), [2400, 0, 240, 2640]);
  const mugLine = order.lineItems[0]!.lineItemId;

  order = await flint.orders.addLineItem(order.orderId, { name: "Gift wrap", unitPriceMoney: usd(300), quantity: 1, version: order.version });
  assert.deepEqual(totals(order), [2700, 0, 270, 2970]);
  const wrapLine = order.lineItems.find((l) => l.name === "Gift wrap")!.lineItemId;

  order = await flint.orders.updateLineItem(order.orderId, mugLine, { quantity: 3, version: order.version });
  assert.deepEqual(totals(order), [3900, 0, 390, 4290]);

  // 10 % off everything: 360 off the mugs, 30 off the wrap; tax on what is left (324 + 27).
  order = await flint.orders.addDiscount(order.orderId, { name: "Staff", percentage: "10", version: order.version });
  assert.deepEqual(totals(order), [3900, 390, 351, 3861]);
  const discountId = order.appliedDiscounts[0]!.discountId;

  // A stale version is refused and changes nothing; the current one removes the line.
  const stale = order.version - 1;
  await assert.rejects(
    flint.orders.removeLineItem(order.orderId, wrapLine, { version: stale }),
    (e: unknown) => e instanceof FlintError && e.statusCode === 409 && e.code === "VERSION_MISMATCH",
  );
  order = await flint.orders.removeLineItem(order.orderId, wrapLine, { version: order.version });
  assert.deepEqual(order.lineItems.map((l) => l.lineItemId), [mugLine]);
  assert.deepEqual(totals(order), [3600, 360, 324, 3564]);

  order = await flint.orders.removeDiscount(order.orderId, discountId, { version: order.version });
  assert.deepEqual(order.appliedDiscounts, []);
  assert.deepEqual(totals(order), [3600, 0, 360, 3960]);

  // A fixed discount, then the line's quantity back to 1; removing without a version just applies.
  order = await flint.orders.addDiscount(order.orderId, { name: "Voucher", amountMoney: usd(500) });
  assert.deepEqual(totals(order), [3600, 500, 310, 3410]);
  order = await flint.orders.updateLineItem(order.orderId, mugLine, { quantity: 1, note: "gift" });
  assert.deepEqual(totals(order), [1200, 500, 70, 770]);
  assert.equal(order.lineItems[0]!.note, "gift");
  order = await flint.orders.removeDiscount(order.orderId, order.appliedDiscounts[0]!.discountId);
  assert.deepEqual(totals(order), [1200, 0, 120, 1320]);

  const customer = await flint.customers.create({ name: "Ada" });
  order = await flint.orders.update(order.orderId, { customerId: customer.customerId, metadata: { table: "4" }, version: order.version });
  assert.deepEqual([order.customerId, order.metadata], [customer.customerId, { table: "4" }]);
  assert.deepEqual((await all(flint.customers.listOrders(customer.customerId))).map((o) => o.orderId), [order.orderId]);
  const paid = await flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_visa"] });
  assert.deepEqual([paid.order.status, paid.payments[0]!.amountMoney], ["paid", usd(1320)]);
});

test("customers: update merges metadata, delete hides the customer", async () => {
  const { flint } = await newClient();
  const ada = await flint.customers.create({ name: "Ada", email: "ada@example.com", metadata: { crm_id: "42" } });
  const grace = await flint.customers.create({ name: "Grace" });
  const updated = await flint.customers.update(ada.customerId, { name: "Ada Lovelace", phone: "+44 20 7946 0000", metadata: { tier: "gold" } });
  assert.deepEqual([updated.name, updated.email, updated.phone, updated.metadata], ["Ada Lovelace", "ada@example.com", "+44 20 7946 0000", { crm_id: "42", tier: "gold" }]);
  assert.equal((await flint.customers.get(ada.customerId)).name, "Ada Lovelace");
  await assert.rejects(flint.customers.update(ada.customerId, {}), (e: unknown) => e instanceof FlintError && e.code === "NO_FIELDS_TO_UPDATE");

  const deleted = await flint.customers.delete(grace.customerId);
  assert.equal(deleted.deleted, true);
  await assert.rejects(flint.customers.get(grace.customerId), (e: unknown) => e instanceof FlintError && e.statusCode === 404);
  assert.deepEqual((await all(flint.customers.list())).map((c) => c.customerId), [ada.customerId]);
});
