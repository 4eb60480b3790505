import assert from "node:assert/strict";
import { test } from "node:test";
import type { Customer } from "../src/index.js";
import { newClient } from "./helpers.js";

test("list iterates across pages (pageSize 2 over 5 customers)", async () => {
  const pages: string[] = [];
  const { flint } = await newClient({
    fetch: (url, init) => {
      if (init.method === "GET") pages.push(new URL(url).search);
      return fetch(url, init);
    },
  });
  const created: Customer[] = [];
  for (let i = 1; i <= 5; i++) created.push(await flint.customers.create({ name: `Customer ${i}`, email: `c${i}@example.com` }));

  const seen = [];
  for await (const c of flint.customers.list({ pageSize: 2 })) seen.push(c);

  assert.equal(seen.length, 5);
  assert.deepEqual(new Set(seen.map((c) => c.customerId)), new Set(created.map((c) => c.customerId)));
  assert.equal(pages.length, 3, `three pages of 2, 2 and 1: ${pages.join(" ")}`);
  assert.ok(pages.every((q) => q.includes("page_size=2")));
  assert.ok(!pages[0]!.includes("page_token"));
  assert.ok(pages[1]!.includes("page_token=") && pages[2]!.includes("page_token="));
  // camelCase out: the customer's fields.
  const first = seen.find((c) => c.customerId === created[0]!.customerId)!;
  assert.equal(first.name, "Customer 1");
  assert.equal(typeof first.createdAt, "string");

  // Breaking out early stops fetching.
  pages.length = 0;
  for await (const _ of flint.customers.list({ pageSize: 2 })) break;
  assert.equal(pages.length, 1);
});
