// Every /v1 operation of the server's OpenAPI document has a client method, and every method calls an operation
// of the document: each method of each resource is called once against a recording fake fetch, and the recorded
// requests are matched against the document's operations. A new endpoint without a method turns this red.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Flint, Resource } from "../src/client.js";
import type { FetchLike } from "../src/index.js";
import { env } from "./helpers.js";

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments: a route with more of them wins (`/v1/devices/me` over `/v1/devices/{device_id}`). */
  literals: number;
}

interface Recorded {
  method: string;
  path: string;
  headers: Headers;
  by: string;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

async function operations(): Promise<Operation[]> {
  const r = await fetch(`${env().baseUrl}/openapi/v1.json`);
  assert.equal(r.status, 200);
  const doc = (await r.json()) as { paths: Record<string, Record<string, unknown>> };
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    if (!template.startsWith("/v1/")) continue;
    const segments = template.split("/").slice(1);
    const pattern = new RegExp(
      "^/" + segments.map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/") + "$",
    );
    const literals = segments.filter((s) => !s.startsWith("{")).length;
    for (const method of METHODS) if (item[method]) ops.push({ method: method.toUpperCase(), template, pattern, literals });
  }
  return ops;
}

function match(ops: Operation[], method: string, path: string): Operation | undefined {
  return ops
    .filter((o) => o.method === method && o.pattern.test(path))
    .sort((a, b) => b.literals - a.literals)[0];
}

/** The parameter names of a compiled method (`get(productId, variantId, options)`), defaults stripped. */
function parameterNames(fn: Function): string[] {
  const source = fn.toString();
  const open = source.indexOf("(");
  let depth = 0;
  let close = open;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "(") depth++;
    if (source[i] === ")" && --depth === 0) {
      close = i;
      break;
    }
  }
  return source
    .slice(open + 1, close)
    .split(",")
    .map((p) => p.split("=")[0]!.trim())
    .filter((p) => p !== "");
}

/** Dummy arguments: `{}` for params/options, "x1", "x2", … for everything else (ids, codes, SKUs). */
function dummyArguments(fn: Function): unknown[] {
  let n = 0;
  return parameterNames(fn).map((name) => (name === "params" || name === "options" ? {} : `x${++n}`));
}

function methodsOf(resource: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(resource); proto && proto !== Resource.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== "constructor" && typeof proto[name] === "function") names.add(name);
    }
  }
  return [...names];
}

async function exercise(result: unknown): Promise<void> {
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    const it = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    try {
      await it.next();
    } finally {
      await it.return?.();
    }
  } else {
    await result;
  }
}

test("every /v1 operation of the OpenAPI document has a client method, and every method calls one", async () => {
  const ops = await operations();
  assert.ok(ops.length > 100, `the document lists ${ops.length} /v1 operations`);

  const recorded: Recorded[] = [];
  let current = "";
  const fakeFetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    recorded.push({ method: init.method ?? "GET", path, headers: new Headers(init.headers), by: current });
    if (path === "/v1/devices/me/events") {
      // The stream ends after device.unpaired.
      return new Response("retry: 1000\n: test\n\nevent: device.unpaired\ndata: {}\n\n", { status: 200, headers: { "content-type": "text/event-stream" } });
    }
    return new Response('{"data":[]}', { status: 200, headers: { "content-type": "application/json" } });
  };

  const flint = new Flint({ apiKey: "sk_test_coverage", baseUrl: "http://flint.test", fetch: fakeFetch, maxRetries: 0 });
  const resources = Object.entries(flint).filter(([, value]) => value instanceof Resource) as [string, Record<string, Function>][];
  assert.ok(resources.length >= 25, `${resources.length} resources`);
  let called = 0;
  for (const [name, resource] of resources) {
    for (const method of methodsOf(resource)) {
      current = `${name}.${method}`;
      const fn = resource[method]!;
      called++;
      try {
        await exercise(fn.apply(resource, dummyArguments(fn)));
      } catch {
        // Dummy arguments may be refused by the method itself (items.create's type check); what it sent is recorded.
      }
    }
  }
  current = "Flint.pairDevice";
  await Flint.pairDevice({ baseUrl: "http://flint.test", code: "ABC234", fetch: fakeFetch });

  const reached = new Set<Operation>();
  const unknown: string[] = [];
  for (const r of recorded) {
    const op = match(ops, r.method, r.path);
    if (op) reached.add(op);
    else unknown.push(`${r.method} ${r.path} (from ${r.by})`);
  }
  const missing = ops.filter((o) => !reached.has(o)).map((o) => `${o.method} ${o.template}`);
  assert.deepEqual(missing, [], `operations of /openapi/v1.json without a client method:\n  ${missing.join("\n  ")}`);
  assert.deepEqual(unknown, [], `requests that match no operation of /openapi/v1.json:\n  ${unknown.join("\n  ")}`);
  console.log(`coverage: ${called} methods of ${resources.length} resources + Flint.pairDevice reached all ${ops.length} /v1 operations`);

  // Pairing is anonymous; every other call carries the key, and every other mutation an Idempotency-Key.
  const pairs = recorded.filter((r) => r.path === "/v1/devices/pair");
  assert.deepEqual(new Set(pairs.map((r) => r.by)), new Set(["devices.pair", "Flint.pairDevice"]));
  for (const r of pairs) {
    assert.equal(r.headers.get("authorization"), null, `${r.by} sends no Authorization`);
    assert.equal(r.headers.get("idempotency-key"), null, `${r.by} sends no Idempotency-Key`);
  }
  for (const r of recorded.filter((x) => x.path !== "/v1/devices/pair")) {
    assert.equal(r.headers.get("authorization"), "Bearer sk_test_coverage", `${r.method} ${r.path}`);
    assert.equal(r.headers.get("idempotency-key") !== null, r.method !== "GET", `${r.method} ${r.path}: Idempotency-Key on mutations only`);
  }
});
