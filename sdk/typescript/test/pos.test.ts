// A register end to end against a real Flint: a location, a pairing code, Flint.pairDevice, the device's own client
// opening an order and reading its event stream (through a dropped connection), a terminal checkout sent by the
// merchant and paid in cash on the device with change, and unpairing ending the stream.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Flint, FlintError, type DeviceEvent, type FetchLike } from "../src/index.js";
import { newClient } from "./helpers.js";

const usd = (amount: number) => ({ amount, currency: "USD" });

/** Reads an event iterator: the next event of a type (others are kept in `seen`), within a time limit. */
function reader(it: AsyncIterator<DeviceEvent>) {
  const seen: DeviceEvent[] = [];
  return {
    seen,
    async next(type: string, ms = 15_000): Promise<DeviceEvent> {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const r = await Promise.race([
          it.next(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms; seen: ${seen.map((e) => `${e.id} ${e.event}`).join(", ")}`)), ms);
          }),
        ]).finally(() => clearTimeout(timer));
        if (r.done) throw new Error(`the stream ended before ${type}; seen: ${seen.map((e) => `${e.id} ${e.event}`).join(", ")}`);
        seen.push(r.value);
        if (r.value.event === type) return r.value;
      }
    },
  };
}

/**
 * A fetch whose first event-stream connection breaks (as a reset connection does) right after it delivered the
 * chunk holding `cutAfter`; it records the Last-Event-ID of every stream connection.
 */
function droppingFirstStream(cutAfter: string) {
  const lastEventIds: (string | null)[] = [];
  const f: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (new URL(url).pathname !== "/v1/devices/me/events" || !response.ok) return response;
    lastEventIds.push(new Headers(init.headers).get("last-event-id"));
    if (lastEventIds.length > 1) return response;
    const upstream = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let cut = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (cut) {
          await upstream.cancel();
          controller.error(new TypeError("terminated", { cause: new Error("connection reset (simulated)") }));
          return;
        }
        const { done, value } = await upstream.read();
        if (done) return controller.close();
        controller.enqueue(value);
        text += decoder.decode(value, { stream: true });
        cut = text.includes(`event: ${cutAfter}\n`);
      },
      cancel: (reason) => upstream.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: f, lastEventIds };
}

test("POS: pair a device, open an order on it, hear it on the stream, take a terminal checkout in cash with change", async () => {
  const { flint, baseUrl } = await newClient();
  await flint.taxRates.create({ name: "CA sales tax", percentage: "10", jurisdiction: { country: "US", region: "CA" } });
  const location = await flint.locations.create({ name: "Front store", taxLocation: { country: "US", region: "CA" } });
  assert.match(location.locationId, /^loc_/);
  assert.deepEqual(await flint.locations.get(location.locationId), location);

  const code = await flint.devices.createCode({ name: "Till 1", locationId: location.locationId });
  assert.equal(code.status, "pairing");
  assert.equal(code.locationId, location.locationId);
  assert.match(code.code ?? "", /^[A-Z2-9]{6}$/);

  // The device has no key: the code (any case) pairs it, without Authorization.
  const paired = await Flint.pairDevice({ baseUrl, code: code.code!.toLowerCase(), appVersion: "pos-sdk 1.0" });
  assert.equal(paired.device.deviceId, code.deviceId);
  assert.equal(paired.device.status, "paired");
  assert.equal(paired.environment, "test");
  assert.match(paired.deviceToken, /^fdt_test_/);
  await assert.rejects(Flint.pairDevice({ baseUrl, code: code.code! }), (e: unknown) => e instanceof FlintError && e.statusCode === 400 && e.code === "INVALID_CODE");

  const drop = droppingFirstStream("order.opened");
  const register = new Flint({ apiKey: paired.deviceToken, baseUrl, fetch: drop.fetch });
  const me = await register.devices.me();
  assert.deepEqual([me.deviceId, me.locationId, me.appVersion, me.liveOrderIds], [code.deviceId, location.locationId, "pos-sdk 1.0", []]);
  await assert.rejects(register.devices.list().next(), (e: unknown) => e instanceof FlintError && e.statusCode === 403 && e.code === "INSUFFICIENT_SCOPE");

  // The stream, from the device's first event on (so nothing depends on when the connection is made).
  const stop = new AbortController();
  const stream = reader(register.devices.events({ lastEventId: 0, signal: stop.signal })[Symbol.asyncIterator]());
  try {
    // The register opens an order (its location, so 10 % tax) and puts it on its screen.
    const order = await register.orders.create({ lineItems: [{ name: "Latte", unitPriceMoney: usd(450), quantity: 2 }] });
    assert.deepEqual([order.locationId, order.source, order.createdBy], [location.locationId, "pos", `device:${code.deviceId}`]);
    assert.deepEqual([order.netAmounts.subtotalMoney, order.netAmounts.taxMoney, order.netAmounts.totalMoney], [usd(900), usd(90), usd(990)]);
    const onScreen = await register.devices.addOrder({ orderId: order.orderId });
    assert.deepEqual(onScreen.liveOrderIds, [order.orderId]);

    const opened = await stream.next("order.opened");
    assert.equal(opened.data.data?.object.orderId, order.orderId);
    assert.deepEqual(opened.data.data?.object.netAmounts.totalMoney, usd(990));

    // The merchant sends the balance to the device, with tip options worked out of 990.
    const sent = await flint.terminalCheckouts.create({ deviceId: code.deviceId, orderId: order.orderId, tipOptions: ["10", "20"], note: "Table 4" });
    assert.match(sent.terminalCheckoutId, /^tmc_/);
    assert.deepEqual([sent.status, sent.amountMoney, sent.deviceId, sent.orderId, sent.paymentId ?? null], ["pending", usd(990), code.deviceId, order.orderId, null]);
    assert.deepEqual(sent.tipOptions.map((t) => [t.percentage, t.tipMoney]), [["10", usd(99)], ["20", usd(198)]]);

    // (The first connection broke after order.opened: the stream reconnected with its id and goes on.)
    const heard = await stream.next("terminal_checkout.created");
    assert.equal(heard.data.data?.object.terminalCheckoutId, sent.terminalCheckoutId);
    assert.equal(heard.data.data?.object.note, "Table 4");

    const started = await register.terminalCheckouts.start(sent.terminalCheckoutId);
    assert.equal(started.status, "in_progress");
    // The buyer tips 10 % (99) and hands over 15.00: 10.89 due, 4.11 back.
    const done = await register.terminalCheckouts.complete(sent.terminalCheckoutId, { type: "cash", tenderedMoney: usd(1500), tipMoney: usd(99) });
    assert.deepEqual(
      [done.status, done.amountMoney, done.tipMoney, done.tenderedMoney, done.changeBackMoney],
      ["completed", usd(990), usd(99), usd(1500), usd(411)],
    );
    const completedEvent = await stream.next("terminal_checkout.completed");
    assert.deepEqual(completedEvent.data.data?.object.changeBackMoney, usd(411));

    const payment = await flint.payments.get(done.paymentId!);
    assert.deepEqual(
      [payment.status, payment.source, payment.sourceType, payment.deviceId, payment.locationId, payment.orderId],
      ["succeeded", "pos", "cash", code.deviceId, location.locationId, order.orderId],
    );
    assert.deepEqual([payment.amountMoney, payment.tipMoney, payment.tenderedMoney, payment.changeBackMoney], [usd(1089), usd(99), usd(1500), usd(411)]);
    const paid = await flint.orders.get(order.orderId);
    assert.equal(paid.status, "paid");
    assert.deepEqual(
      [paid.netAmounts.subtotalMoney, paid.netAmounts.taxMoney, paid.netAmounts.tipMoney, paid.netAmounts.totalMoney, paid.netAmounts.paidMoney, paid.netAmounts.balanceMoney],
      [usd(900), usd(90), usd(99), usd(1089), usd(1089), usd(0)],
    );

    const listed = [];
    for await (const c of flint.terminalCheckouts.list({ status: "completed" })) listed.push(c.terminalCheckoutId);
    assert.deepEqual(listed, [sent.terminalCheckoutId]);
    assert.equal((await flint.terminalCheckouts.get(sent.terminalCheckoutId)).paymentId, done.paymentId);

    // Off the screen, then unpaired: the stream says so and ends.
    assert.deepEqual((await register.devices.removeOrder(order.orderId)).liveOrderIds, []);
    assert.equal((await stream.next("order.closed")).data.data?.object.orderId, order.orderId);
    const devices = [];
    for await (const d of flint.devices.list()) devices.push([d.deviceId, d.status]);
    assert.deepEqual(devices, [[code.deviceId, "paired"]]);
    assert.equal((await flint.devices.delete(code.deviceId)).status, "unpaired");
    await stream.next("device.unpaired");
    assert.deepEqual(await stream.next("never").catch((e: Error) => e.message.startsWith("the stream ended")), true);
    await assert.rejects(register.devices.me(), (e: unknown) => e instanceof FlintError && e.statusCode === 401);

    // One unbroken sequence across both connections: the second resumed after the first's last event.
    const numbered = stream.seen.filter((e) => e.event !== "device.unpaired");
    const ids = numbered.map((e) => Number(e.id));
    assert.deepEqual(ids, ids.map((_, i) => ids[0]! + i), `consecutive ids, none twice: ${numbered.map((e) => `${e.id} ${e.event}`).join(", ")}`);
    assert.equal(drop.lastEventIds.length, 2, `two connections: ${drop.lastEventIds.join(", ")}`);
    assert.deepEqual(drop.lastEventIds, ["0", opened.id]);
  } finally {
    stop.abort();
  }
});

test("devices.events: errors before the stream are FlintErrors; aborting or breaking out ends it quietly", async () => {
  const { flint, baseUrl } = await newClient();
  // A merchant key is not a device: 403 on the first connection, thrown.
  await assert.rejects(flint.devices.events().next(), (e: unknown) => e instanceof FlintError && e.statusCode === 403);
  const badId = new Flint({ apiKey: "fdt_test_nope", baseUrl }).devices.events();
  await assert.rejects(badId.next(), (e: unknown) => e instanceof FlintError && e.statusCode === 401);

  const location = await flint.locations.create({ name: "Back store" });
  const code = await flint.devices.createCode({ name: "Till 2", locationId: location.locationId });
  const paired = await flint.devices.pair({ code: code.code! });
  const register = new Flint({ apiKey: paired.deviceToken, baseUrl });
  await assert.rejects(register.devices.events({ lastEventId: "yesterday" }).next(), (e: unknown) => e instanceof FlintError && e.code === "INVALID_LAST_EVENT_ID");

  // Abort while waiting for an event: the iterator ends (done), no error.
  const stop = new AbortController();
  const pending = register.devices.events({ signal: stop.signal }).next();
  setTimeout(() => stop.abort(), 300);
  assert.deepEqual(await pending, { done: true, value: undefined });

  // Breaking out of for-await closes the connection.
  const order = await register.orders.create({ lineItems: [{ name: "Tea", unitPriceMoney: usd(300), quantity: 1 }] });
  const events = register.devices.events({ lastEventId: 0 });
  await register.devices.addOrder({ orderId: order.orderId });
  for await (const e of events) {
    assert.equal(e.event, "order.opened");
    break;
  }
  assert.deepEqual(await events.next(), { done: true, value: undefined });
});
