import assert from "node:assert/strict";
import { test } from "node:test";
import { FlintError, type FetchLike } from "../src/index.js";
import { newClient } from "./helpers.js";

type Seen = { method: string; path: string; key: string | null; status?: number; replayed?: string | null };

function recorder(inner: (url: string, init: RequestInit, n: number) => Promise<Response>) {
  const seen: Seen[] = [];
  const f: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    const entry: Seen = { method: init.method ?? "GET", path: new URL(url).pathname, key: headers.get("idempotency-key") };
    seen.push(entry);
    const r = await inner(url, init, seen.length);
    entry.status = r.status;
    entry.replayed = r.headers.get("idempotent-replayed");
    return r;
  };
  return { seen, fetch: f };
}

/** Lets the first matching request reach the server and complete, then loses its answer. */
function dropFirstAnswer(method: string, path: string) {
  let dropped = false;
  return async (url: string, init: RequestInit) => {
    const r = await fetch(url, init);
    if (!dropped && init.method === method && new URL(url).pathname === path) {
      dropped = true;
      await r.arrayBuffer();
      throw new TypeError("fetch failed", { cause: new Error("socket hang up (simulated)") });
    }
    return r;
  };
}

test("a dropped connection is retried with the same Idempotency-Key; one customer is made", async () => {
  const rec = recorder(dropFirstAnswer("POST", "/v1/customers"));
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 50 });
  const customer = await flint.customers.create({ name: "Once", email: "once@example.com" });

  const posts = rec.seen.filter((s) => s.method === "POST");
  assert.equal(posts.length, 2);
  assert.ok(posts[0]!.key && posts[0]!.key === posts[1]!.key, "same key on the retry");
  assert.equal(posts[1]!.replayed, "true", "the retry gets the stored answer");
  assert.equal(customer.name, "Once");
  const all = [];
  for await (const c of flint.customers.list()) all.push(c);
  assert.deepEqual(all.map((c) => c.customerId), [customer.customerId]);
});

test("a dropped connection on orders.create makes one order; the caller's idempotencyKey is used", async () => {
  const rec = recorder(dropFirstAnswer("POST", "/v1/orders"));
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 50 });
  const item = await flint.items.create({ name: "Mug", type: "ITEM_TYPE_PRODUCT", unitPriceMoney: { amount: 2400, currency: "USD" }, sku: "MUG-1", inventoryCount: 5 });
  const order = await flint.orders.create({ lineItems: [{ itemId: item.itemId, quantity: 1 }] }, { idempotencyKey: "order-key-1" });

  const posts = rec.seen.filter((s) => s.path === "/v1/orders");
  assert.deepEqual(posts.map((p) => p.key), ["order-key-1", "order-key-1"]);
  assert.equal(posts[1]!.replayed, "true");
  assert.equal(order.lineItems[0]!.variantId, item.variantId);
  const orders = [];
  for await (const o of flint.orders.list({ pageSize: 50 })) orders.push(o);
  assert.deepEqual(orders.map((o) => o.orderId), [order.orderId]);
  // Reads carry no key.
  assert.ok(rec.seen.filter((s) => s.method === "GET").every((s) => s.key === null));
});

test("429 waits Retry-After seconds and retries with the same key", async () => {
  const rec = recorder((url, init, n) =>
    n === 1
      ? Promise.resolve(
          new Response(JSON.stringify({ error: { type: "rate_limit_error", code: "RATE_LIMITED", message: "slow down", param: null }, request_id: "req_x" }), {
            status: 429,
            headers: { "Content-Type": "application/json", "Retry-After": "1" },
          }),
        )
      : fetch(url, init),
  );
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 10 });
  const started = Date.now();
  const customer = await flint.customers.create({ name: "Patient" });
  const waited = Date.now() - started;
  assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
  assert.equal(rec.seen.length, 2);
  assert.equal(rec.seen[0]!.status, 429);
  assert.equal(rec.seen[0]!.key, rec.seen[1]!.key);
  assert.equal(customer.name, "Patient");
});

test("503 is retried with backoff, then surfaces as FlintError after 4 attempts", async () => {
  const rec = recorder(() =>
    Promise.resolve(
      new Response(JSON.stringify({ error: { type: "api_error", code: "SERVICE_UNAVAILABLE", message: "try again", param: null }, request_id: "req_503" }), {
        status: 503,
        headers: { "Content-Type": "application/json" },
      }),
    ),
  );
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 10 });
  await assert.rejects(
    flint.customers.create({ name: "Never" }),
    (e: unknown) => e instanceof FlintError && e.statusCode === 503 && e.code === "SERVICE_UNAVAILABLE" && e.requestId === "req_503",
  );
  assert.equal(rec.seen.length, 4);
  assert.equal(new Set(rec.seen.map((s) => s.key)).size, 1);
});

test("network failures give up after 4 attempts as a connection_error", async () => {
  const rec = recorder(() => Promise.reject(new TypeError("fetch failed")));
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 10 });
  await assert.rejects(flint.customers.create({}), (e: unknown) => e instanceof FlintError && e.type === "connection_error" && e.statusCode === 0);
  assert.equal(rec.seen.length, 4);
});

test("a 4xx is not retried", async () => {
  const rec = recorder((url, init) => fetch(url, init));
  const { flint } = await newClient({ fetch: rec.fetch, retryBaseDelayMs: 10 });
  await assert.rejects(flint.coupons.create({ code: "X", discountType: "percentage" }), FlintError);
  assert.equal(rec.seen.length, 1);
});
