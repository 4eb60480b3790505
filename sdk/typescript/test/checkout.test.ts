// Hosted checkout: sessions (new lines, or an existing order) and payment links; webhook endpoints with a real
// receiver on loopback.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { FlintError } from "../src/index.js";
import { newClient } from "./helpers.js";

const usd = (amount: number) => ({ amount, currency: "USD" });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("checkout sessions and payment links: create, get, list, update, expire, delete", async () => {
  const { flint, baseUrl } = await newClient();
  const session = await flint.checkoutSessions.create({
    lineItems: [{ name: "Workshop seat", unitPriceMoney: usd(1250), quantity: 2 }],
    successUrl: "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}",
    cancelUrl: "https://shop.example/cart",
    collectTip: ["10", "20"],
    customerEmail: "ada@example.com",
    metadata: { cart_id: "c-7" },
  });
  assert.match(session.checkoutSessionId, /^cs_/);
  assert.deepEqual([session.status, session.amountDue, session.url], ["open", usd(2500), `${baseUrl}/checkout/${session.checkoutSessionId}`]);
  assert.deepEqual(session.metadata, { cart_id: "c-7" }, "metadata keys as given");
  const order = await flint.orders.get(session.orderId);
  assert.deepEqual([order.status, order.source, order.netAmounts.totalMoney], ["open", "checkout", usd(2500)]);
  assert.deepEqual(await flint.checkoutSessions.get(session.checkoutSessionId), session);

  const updated = await flint.checkoutSessions.update(session.checkoutSessionId, { metadata: { step: "2" } });
  assert.deepEqual(updated.metadata, { cart_id: "c-7", step: "2" }, "metadata merges by key");

  // A session for an existing order's balance.
  const own = await flint.orders.create({ lineItems: [{ name: "Lamp", unitPriceMoney: usd(4000), quantity: 1 }] });
  const forOrder = await flint.orders.createCheckoutSession(own.orderId, { successUrl: "https://shop.example/thanks" });
  assert.deepEqual([forOrder.orderId, forOrder.amountDue, forOrder.status], [own.orderId, usd(4000), "open"]);

  const open = await all(flint.checkoutSessions.list({ status: "open" }));
  assert.deepEqual(new Set(open.map((s) => s.checkoutSessionId)), new Set([session.checkoutSessionId, forOrder.checkoutSessionId]));

  const expired = await flint.checkoutSessions.expire(session.checkoutSessionId);
  assert.equal(expired.status, "expired");
  assert.deepEqual((await all(flint.checkoutSessions.list({ status: "expired" }))).map((s) => s.checkoutSessionId), [session.checkoutSessionId]);
  assert.equal((await flint.checkoutSessions.expire(session.checkoutSessionId)).status, "expired", "expiring again changes nothing");

  // Payment links.
  const link = await flint.paymentLinks.create({
    amountMoney: usd(1500),
    name: "Workshop seat",
    afterCompletion: { message: "See you on Friday." },
    collectCustomerEmail: true,
  });
  assert.match(link.paymentLinkId, /^plink_/);
  assert.deepEqual([link.url, link.active, link.amountMoney, link.completedSessions], [`${baseUrl}/l/${link.paymentLinkId}`, true, usd(1500), 0]);
  assert.deepEqual(await flint.paymentLinks.get(link.paymentLinkId), link);
  assert.deepEqual((await all(flint.paymentLinks.list())).map((l) => l.paymentLinkId), [link.paymentLinkId]);
  const inactive = await flint.paymentLinks.update(link.paymentLinkId, { active: false, metadata: { campaign: "fall" } });
  assert.deepEqual([inactive.active, inactive.metadata], [false, { campaign: "fall" }]);
  const deleted = await flint.paymentLinks.delete(link.paymentLinkId);
  assert.deepEqual([deleted.paymentLinkId, deleted.active], [link.paymentLinkId, false]);
  // (A deleted link leaves the list, but GET still answers it, as an inactive link: no status tells them apart.)
  assert.deepEqual(await all(flint.paymentLinks.list()), []);
  assert.equal((await flint.paymentLinks.get(link.paymentLinkId)).active, false);
});

test("webhook endpoints: create, list, update, roll the secret, deliveries and a resend, delete", async () => {
  const received: { type: string; id: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const event = JSON.parse(body);
      received.push({ type: event.type, id: event.id });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const waitFor = async (n: number) => {
    for (let i = 0; i < 300 && received.length < n; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(received.length >= n, `${n} deliveries expected, ${received.length} arrived`);
  };
  try {
    const { flint } = await newClient();
    const endpoint = await flint.webhookEndpoints.create({ url, enabledEvents: ["customer.created"], description: "Shop backend" });
    assert.match(endpoint.webhookEndpointId, /^we_/);
    assert.match(endpoint.secret ?? "", /^whsec_/);
    assert.deepEqual([endpoint.status, endpoint.url, endpoint.enabledEvents], ["enabled", url, ["customer.created"]]);
    const listed = await all(flint.webhookEndpoints.list());
    assert.deepEqual(listed.map((e) => [e.webhookEndpointId, e.secret ?? null]), [[endpoint.webhookEndpointId, null]], "the secret is shown once");
    assert.equal((await flint.webhookEndpoints.get(endpoint.webhookEndpointId)).description, "Shop backend");

    const rolled = await flint.webhookEndpoints.rollSecret(endpoint.webhookEndpointId);
    assert.match(rolled.secret ?? "", /^whsec_/);
    assert.notEqual(rolled.secret, endpoint.secret);

    // An event goes out; its delivery is listed and can be sent again.
    const customer = await flint.customers.create({ name: "Grace" });
    await waitFor(1);
    assert.equal(received[0]!.type, "customer.created");
    let deliveries = await all(flint.webhookEndpoints.listDeliveries(endpoint.webhookEndpointId));
    for (let i = 0; i < 50 && deliveries[0]?.status !== "delivered"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      deliveries = await all(flint.webhookEndpoints.listDeliveries(endpoint.webhookEndpointId));
    }
    assert.deepEqual(deliveries.map((d) => [d.status, d.attempts, d.lastStatusCode]), [["delivered", 1, 200]]);
    const resent = await flint.webhookEndpoints.resendDelivery(endpoint.webhookEndpointId, deliveries[0]!.webhookDeliveryId);
    assert.equal(resent.webhookDeliveryId, deliveries[0]!.webhookDeliveryId);
    await waitFor(2);
    assert.deepEqual(new Set(received.map((r) => r.id)).size, 1, "the same event twice");

    const disabled = await flint.webhookEndpoints.update(endpoint.webhookEndpointId, { status: "disabled", enabledEvents: ["customer.created", "order.paid"] });
    assert.deepEqual([disabled.status, disabled.enabledEvents], ["disabled", ["customer.created", "order.paid"]]);
    await flint.customers.update(customer.customerId, { name: "Grace H." });
    assert.equal((await flint.webhookEndpoints.delete(endpoint.webhookEndpointId)).status, "deleted");
    assert.deepEqual(await all(flint.webhookEndpoints.list()), []);
    await assert.rejects(
      flint.webhookEndpoints.create({ url: "ftp://example.com/x", enabledEvents: ["*"] }),
      (e: unknown) => e instanceof FlintError && e.code === "INVALID_URL" && e.param === "url",
    );
  } finally {
    receiver.close();
  }
});
