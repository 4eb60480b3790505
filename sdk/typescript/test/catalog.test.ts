// Catalog updates against a real Flint: products, variants, stock adjustments and their history, SKU look-ups,
// bundles and modifier sets.
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

test("catalog: products.update, variants create/get/update/delete, inventory adjust and history, catalog.bySku", async () => {
  const { flint } = await newClient();
  const tee = await flint.products.create({
    name: "Tee",
    productType: "physical",
    options: [{ name: "Size", values: ["S", "M", "L"] }],
    variants: [
      { optionValues: { Size: "S" }, sku: "TEE-S", unitPriceMoney: usd(1500), initialQuantityAvailable: 3, enforceInventoryLimit: true },
      { optionValues: { Size: "M" }, sku: "TEE-M", unitPriceMoney: usd(1500), initialQuantityAvailable: 4, enforceInventoryLimit: true },
    ],
  });
  assert.equal(tee.variants.length, 2);

  const renamed = await flint.products.update(tee.productId, { name: "Organic tee", metadata: { season: "fall" } });
  assert.deepEqual([renamed.name, renamed.metadata], ["Organic tee", { season: "fall" }]);
  const categorized = await flint.products.replaceCategories(tee.productId, { categories: ["apparel", "organic"] });
  assert.deepEqual(categorized.categories, ["apparel", "organic"]);
  assert.deepEqual((await all(flint.products.list({ category: "organic" }))).map((p) => p.productId), [tee.productId]);

  // A new size: its option value is the caller's key, sent as given.
  const large = await flint.variants.create(tee.productId, {
    optionValues: { Size: "L" },
    sku: "TEE-L",
    unitPriceMoney: usd(1700),
    initialQuantityAvailable: 6,
    enforceInventoryLimit: true,
  });
  assert.match(large.variantId, /^var_/);
  assert.deepEqual([large.productId, large.optionValues, large.quantityAvailable], [tee.productId, { Size: "L" }, 6]);
  assert.deepEqual(await flint.variants.get(tee.productId, large.variantId), large);
  const repriced = await flint.variants.update(tee.productId, large.variantId, { name: "Large", unitPriceMoney: usd(1800), sku: "TEE-L2" });
  assert.deepEqual([repriced.name, repriced.unitPriceMoney, repriced.sku], ["Large", usd(1800), "TEE-L2"]);

  const bySku = await flint.catalog.bySku("TEE-L2");
  assert.deepEqual([bySku.objectType, bySku.productId, bySku.variantId], ["variant", tee.productId, large.variantId]);
  await assert.rejects(flint.catalog.bySku("TEE-L"), (e: unknown) => e instanceof FlintError && e.statusCode === 404);

  // Stock: 6, then 2 received (8), then 3 damaged (5); the history has each change, newest first.
  const received = await flint.inventory.adjust(tee.productId, large.variantId, { quantityDelta: 2, changeReason: "received_stock" });
  assert.deepEqual([received.change.quantityBefore, received.change.quantityAfter, received.stock.quantityAvailable], [6, 8, 8]);
  const damaged = await flint.inventory.adjust(tee.productId, large.variantId, { quantityDelta: -3, changeReason: "damage", note: "torn" });
  assert.deepEqual([damaged.change.quantityDelta, damaged.change.note, damaged.stock.quantityOnHand], [-3, "torn", 5]);
  const stock = await flint.inventory.get(tee.productId, large.variantId);
  assert.deepEqual([stock.quantityOnHand, stock.quantityReserved, stock.quantityAvailable, stock.enforceInventoryLimit], [5, 0, 5, true]);
  const history = await all(flint.inventory.history(tee.productId, large.variantId, { pageSize: 1 }));
  assert.deepEqual(
    history.slice(0, 2).map((c) => [c.changeReason, c.quantityDelta, c.quantityBefore, c.quantityAfter]),
    [["damage", -3, 8, 5], ["received_stock", 2, 6, 8]],
  );
  assert.equal(history[0]!.inventoryChangeId, damaged.change.inventoryChangeId);

  const without = await flint.variants.delete(tee.productId, large.variantId);
  assert.deepEqual(without.variants.map((v) => v.sku).sort(), ["TEE-M", "TEE-S"]);
  await assert.rejects(flint.variants.get(tee.productId, large.variantId), (e: unknown) => e instanceof FlintError && e.statusCode === 404);

  // A bundle of two small tees, then one more component; its SKU is found too.
  const [small, medium] = tee.variants;
  const bundle = await flint.bundles.create({ name: "Two tees", sku: "TEE-PAIR", unitPriceMoney: usd(2800), components: [{ variantId: small!.variantId, quantity: 1 }] });
  assert.match(bundle.bundleId, /^bun_/);
  const withMedium = await flint.bundles.addComponent(bundle.bundleId, { variantId: medium!.variantId, quantity: 1 });
  assert.equal(withMedium.components.length, 2);
  const mediumComponent = withMedium.components.find((c) => c.variantId === medium!.variantId)!;
  const two = await flint.bundles.updateComponent(bundle.bundleId, mediumComponent.bundleComponentId, { quantity: 2 });
  assert.equal(two.components.find((c) => c.variantId === medium!.variantId)!.quantity, 2);
  assert.equal((await flint.bundles.removeComponent(bundle.bundleId, mediumComponent.bundleComponentId)).components.length, 1);
  assert.deepEqual((await flint.bundles.update(bundle.bundleId, { unitPriceMoney: usd(2600) })).unitPriceMoney, usd(2600));
  assert.deepEqual((await flint.bundles.replaceCategories(bundle.bundleId, { categories: ["bundles"] })).categories, ["bundles"]);
  assert.equal((await flint.catalog.bySku("TEE-PAIR")).bundleId, bundle.bundleId);
  assert.deepEqual((await all(flint.bundles.list())).map((b) => b.bundleId), [bundle.bundleId]);
  assert.equal((await flint.bundles.get(bundle.bundleId)).name, "Two tees");
  assert.equal((await flint.bundles.delete(bundle.bundleId)).status, "deleted");

  const milk = await flint.modifierSets.create({ name: "Milk", minSelections: 0, maxSelections: 1, options: [{ name: "Oat", priceAdjustmentMoney: usd(50) }] });
  assert.match(milk.modifierSetId, /^mset_/);
  assert.equal((await flint.modifierSets.update(milk.modifierSetId, { name: "Milk choice" })).name, "Milk choice");
  assert.equal((await flint.modifierSets.get(milk.modifierSetId)).options[0]!.name, "Oat");
  assert.deepEqual((await all(flint.modifierSets.list())).map((m) => m.modifierSetId), [milk.modifierSetId]);
  assert.equal((await flint.modifierSets.delete(milk.modifierSetId)).status, "deleted");

  assert.equal((await flint.products.delete(tee.productId)).status, "deleted");
});
