// Plans, a customer's saved card, a subscription billed at once, its invoices, pause/resume/cancel: exact amounts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FlintError } from "../src/index.js";
import { newClient } from "./helpers.js";

const usd = (amount: number) => ({ amount, currency: "USD" });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("a subscription: plan, customer with a card, billed cycles as paid orders and invoices, pause/resume/cancel", async () => {
  const { flint } = await newClient();
  const plan = await flint.plans.create({ name: "Coffee club", interval: "month", lineItems: [{ name: "Box", unitPriceMoney: usd(1500), quantity: 1 }] });
  assert.match(plan.planId, /^plan_/);
  assert.deepEqual([plan.interval, plan.intervalCount, plan.currency, plan.amountMoney, plan.status], ["month", 1, "USD", usd(1500), "active"]);
  assert.equal((await flint.plans.update(plan.planId, { metadata: { tier: "gold" } })).metadata.tier, "gold");
  assert.deepEqual((await flint.plans.get(plan.planId)).metadata, { tier: "gold" });
  assert.deepEqual((await all(flint.plans.list())).map((p) => p.planId), [plan.planId]);

  const customer = await flint.customers.create({ name: "Ada", email: "ada@example.com" });
  const card = await flint.customers.addPaymentMethod(customer.customerId, { token: "tok_visa" });
  assert.equal(card.customerId, customer.customerId);
  assert.equal(card.last4, "4242");
  assert.deepEqual((await all(flint.customers.listPaymentMethods(customer.customerId))).map((m) => m.customerPaymentMethodId), [card.customerPaymentMethodId]);

  const sub = await flint.subscriptions.create({ customerId: customer.customerId, planId: plan.planId, quantity: 2 });
  assert.match(sub.subscriptionId, /^sub_/);
  assert.deepEqual([sub.status, sub.quantity, sub.cyclesBilled, sub.currency], ["active", 2, 1, "USD"]);
  assert.deepEqual(await flint.subscriptions.get(sub.subscriptionId), sub);
  assert.deepEqual((await all(flint.subscriptions.list({ customerId: customer.customerId, status: "active" }))).map((s) => s.subscriptionId), [sub.subscriptionId]);
  assert.deepEqual(await all(flint.subscriptions.list({ planId: plan.planId, status: "canceled" })), []);

  // The first cycle: one paid order of 2 × 15.00 and its invoice.
  const [invoice, ...more] = await all(flint.invoices.list({ subscriptionId: sub.subscriptionId }));
  assert.deepEqual(more, []);
  assert.equal(invoice!.invoiceId, sub.latestInvoiceId);
  assert.deepEqual(
    [invoice!.status, invoice!.number, invoice!.customerId, invoice!.totalMoney, invoice!.amountPaidMoney, invoice!.amountDueMoney],
    ["paid", 1, customer.customerId, usd(3000), usd(3000), usd(0)],
  );
  assert.deepEqual(await flint.invoices.get(invoice!.invoiceId), invoice);
  const [order] = await all(flint.orders.list({ subscriptionId: sub.subscriptionId }));
  assert.deepEqual([order!.orderId, order!.source, order!.status, order!.netAmounts.totalMoney], [invoice!.orderId, "subscription", "paid", usd(3000)]);
  assert.ok((await all(flint.customers.listOrders(customer.customerId))).some((o) => o.orderId === order!.orderId));
  const details = await flint.customers.get(customer.customerId);
  assert.deepEqual(details.subscriptions.data.map((s) => s.subscriptionId), [sub.subscriptionId]);

  // Pause, then resume: a new period, billed at once.
  assert.equal((await flint.subscriptions.pause(sub.subscriptionId)).status, "paused");
  const resumed = await flint.subscriptions.resume(sub.subscriptionId);
  assert.deepEqual([resumed.status, resumed.cyclesBilled], ["active", 2]);
  const invoices = await all(flint.invoices.list({ subscriptionId: sub.subscriptionId }));
  assert.deepEqual(invoices.map((i) => [i.number, i.status, i.amountPaidMoney]), [[2, "paid", usd(3000)], [1, "paid", usd(3000)]]);
  assert.deepEqual((await all(flint.invoices.list({ customerId: customer.customerId, status: "paid" }))).length, 2);

  const updated = await flint.subscriptions.update(sub.subscriptionId, { metadata: { seat: "A" } });
  assert.deepEqual(updated.metadata, { seat: "A" });

  // Cancel at the period's end (still active), then at once.
  const atEnd = await flint.subscriptions.cancel(sub.subscriptionId, { atPeriodEnd: true });
  assert.deepEqual([atEnd.status, atEnd.cancelAtPeriodEnd], ["active", true]);
  const canceled = await flint.subscriptions.cancel(sub.subscriptionId);
  assert.equal(canceled.status, "canceled");
  assert.equal(typeof canceled.canceledAt, "string");
  assert.equal((await all(flint.orders.list({ subscriptionId: sub.subscriptionId }))).length, 2);
  await assert.rejects(flint.subscriptions.pause(sub.subscriptionId), (e: unknown) => e instanceof FlintError && e.statusCode === 409);

  // A card removed is gone from the list; a plan deleted.
  const removed = await flint.customers.removePaymentMethod(customer.customerId, card.customerPaymentMethodId);
  assert.equal(removed.customerPaymentMethodId, card.customerPaymentMethodId);
  assert.deepEqual(await all(flint.customers.listPaymentMethods(customer.customerId)), []);
  const deleted = await flint.plans.delete(plan.planId);
  assert.equal(deleted.status, "deleted");
});
