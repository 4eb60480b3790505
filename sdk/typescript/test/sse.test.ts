// The text/event-stream parser, and devices.events' reconnects, against scripted answers (no server needed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Flint, FlintError, type DeviceEvent, type FetchLike } from "../src/index.js";
import { SseParser, type SseItem } from "../src/sse.js";

test("the parser: fields, comments, retry, multi-line data, ids carried over, any line ending, chunks split anywhere", () => {
  const text =
    "retry: 1000\r\n: flint device dev_1, after event 7\r\n\r\n" +
    "id: 8\nevent: order.opened\ndata: {\"a\":1}\n\n" +
    "event: note\ndata: first\ndata:second\nunknown: x\n\n" + // no id: the last one (8) carries over
    "id: 9\rdata: plain\r\r" +
    "id: 10\nevent: empty\n\n" + // no data: not dispatched, but the id is kept
    "data: after\n\n";
  const expected: SseItem[] = [
    { kind: "retry", ms: 1000 },
    { kind: "comment", text: "flint device dev_1, after event 7" },
    { kind: "event", id: "8", event: "order.opened", data: '{"a":1}' },
    { kind: "event", id: "8", event: "note", data: "first\nsecond" },
    { kind: "event", id: "9", event: "message", data: "plain" },
    { kind: "event", id: "10", event: "message", data: "after" },
  ];
  const whole = new SseParser().push(text);
  assert.deepEqual(whole, expected);
  // Every split point, CRLF halves included, gives the same.
  for (let cut = 1; cut < text.length; cut++) {
    const p = new SseParser();
    assert.deepEqual([...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))], expected, `split at ${cut}`);
  }
  // One character at a time.
  const p = new SseParser();
  assert.deepEqual([...text].flatMap((c) => p.push(c)), expected);
});

const sse = (body: string) => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A fetch answering the event stream from a script, one answer per connection; records each Last-Event-ID. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const lastEventIds: (string | null)[] = [];
  const f: FetchLike = async (_url, init) => {
    lastEventIds.push(new Headers(init.headers).get("last-event-id"));
    const next = answers.shift();
    if (!next) throw new Error("no more answers scripted");
    return next();
  };
  return { fetch: f, lastEventIds };
}

async function take(it: AsyncIterable<DeviceEvent>): Promise<DeviceEvent[]> {
  const out: DeviceEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

test("devices.events reconnects after a drop with Last-Event-ID, rides out 503s and network failures, ends on device.unpaired", async () => {
  const s = scripted([
    // First connection: the start point (event 4), one event, then the connection ends.
    () => sse('retry: 10\n: flint device dev_1, after event 4\n\nid: 5\nevent: order.opened\ndata: {"data":{"object":{"order_id":"ord_1","net_amounts":{"total_money":{"amount":990,"currency":"USD"}},"metadata":{"table_no":"4"}}}}\n\nid: 6\nevent: order.upd'),
    () => json(503, { error: { type: "internal", code: "UNAVAILABLE", message: "restarting" } }),
    () => Promise.reject(new TypeError("fetch failed")),
    () => sse("retry: 10\n\nid: 6\nevent: order.updated\ndata: {}\n\nevent: device.unpaired\ndata: {}\n\n"),
  ]);
  const device = new Flint({ apiKey: "fdt_test_x", baseUrl: "http://flint.test", fetch: s.fetch, maxRetries: 0 });
  const events = await take(device.devices.events());
  assert.deepEqual(events.map((e) => [e.id, e.event]), [["5", "order.opened"], ["6", "order.updated"], ["6", "device.unpaired"]]);
  // camelCased data, metadata keys as sent.
  assert.deepEqual(events[0]!.data, { data: { object: { orderId: "ord_1", netAmounts: { totalMoney: { amount: 990, currency: "USD" } }, metadata: { table_no: "4" } } } });
  // The half-received event 6 was not taken: the reconnects asked for what came after 5.
  assert.deepEqual(s.lastEventIds, [null, "5", "5", "5"]);
});

test("devices.events: a drop before any event resumes from where the connection started; a 401 on reconnect is thrown", async () => {
  const s = scripted([
    () => sse("retry: 10\n: flint device dev_1, after event 12\n\n"),
    () => json(401, { error: { type: "authentication", code: "UNAUTHENTICATED", message: "Unknown key." } }),
  ]);
  const device = new Flint({ apiKey: "fdt_test_x", baseUrl: "http://flint.test", fetch: s.fetch, maxRetries: 0 });
  await assert.rejects(take(device.devices.events()), (e: unknown) => e instanceof FlintError && e.statusCode === 401);
  assert.deepEqual(s.lastEventIds, [null, "12"]);

  // The caller's lastEventId wins over the server's start point; a JSON answer instead of a stream is an error.
  const t = scripted([() => json(200, { data: [] })]);
  const other = new Flint({ apiKey: "fdt_test_x", baseUrl: "http://flint.test", fetch: t.fetch, maxRetries: 0 });
  await assert.rejects(take(other.devices.events({ lastEventId: 3 })), (e: unknown) => e instanceof FlintError && e.code === "UNEXPECTED_CONTENT_TYPE");
  assert.deepEqual(t.lastEventIds, ["3"]);
});

test("devices.events: a connection silent past idleTimeoutMs is dropped and reconnected", async () => {
  let opened = 0;
  const f: FetchLike = async (_url, init) => {
    opened++;
    if (opened === 1) {
      // Sends its first event, then nothing (as a half-open connection does), until aborted.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("retry: 10\n\nid: 1\nevent: order.opened\ndata: {}\n\n"));
          init.signal?.addEventListener("abort", () => controller.error(init.signal!.reason));
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    }
    assert.equal(new Headers(init.headers).get("last-event-id"), "1");
    return sse("id: 2\nevent: order.closed\ndata: {}\n\nevent: device.unpaired\ndata: {}\n\n");
  };
  const device = new Flint({ apiKey: "fdt_test_x", baseUrl: "http://flint.test", fetch: f });
  const events = await take(device.devices.events({ idleTimeoutMs: 200 }));
  assert.deepEqual(events.map((e) => e.event), ["order.opened", "order.closed", "device.unpaired"]);
  assert.equal(opened, 2);
});
