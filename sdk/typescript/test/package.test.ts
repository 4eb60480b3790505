// The package as a user gets it: `npm pack` (whose prepack builds dist afresh), installed from the tarball alone into a
// brand-new project outside this repository, running the product page's snippet against a real Flint, and its
// published .d.ts compiled by a TypeScript consumer.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { newClient } from "./helpers.js";
import { repoRoot } from "./harness/flint.js";

/** sdk/typescript: this file runs as build/test/package.test.js. */
const packageDir = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The environment for the npm and node children: without what `npm test` exported for its own script (npm_package_*,
 * npm_lifecycle_*, npm_config_prefix/local_prefix pointing at this package…), so the new project is its own.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && (!/^npm_config_/i.test(k) || /^npm_config_(local_prefix|prefix|global_prefix|globalconfig)$/i.test(k))) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnv(), timeoutMs = 180_000): Promise<RunResult> {
  return new Promise((res, rej) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) rej(new Error(`${file} ${args.join(" ")} (in ${cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      else res({ stdout, stderr });
    });
  });
}

/** src/**\/*.ts, relative to src, with / separators. */
function sourceFiles(dir = join(packageDir, "src"), prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith(".ts") ? [`${prefix}${e.name}`] : [],
  );
}

const snippet = `import { Flint } from "@flint/sdk";

const flint = new Flint({ apiKey: process.env.FLINT_API_KEY, baseUrl: process.env.FLINT_BASE_URL });

const item = await flint.items.create({ name: "Organic Coffee Beans", type: "ITEM_TYPE_PRODUCT", unitPriceMoney: { amount: 1999, currency: "USD" }, sku: "BEANS-1", inventoryCount: 10 });
const order = await flint.orders.create({ lineItems: [{ itemId: item.itemId, quantity: 2 }], taxLocation: { country: "US" } });
const discounted = await flint.orders.applyCoupon(order.orderId, { couponCode: "SPRING20" });
const paid = await flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_visa"], buyerEmail: "ada@example.com" });
console.log(paid.order.netAmounts.subtotalMoney, paid.order.netAmounts.totalMoney);

const n = paid.order.netAmounts;
console.log(JSON.stringify({ subtotal: n.subtotalMoney.amount, discount: n.discountMoney.amount, tax: n.taxMoney.amount, total: n.totalMoney.amount, couponTotal: discounted.netAmounts.totalMoney.amount, status: paid.order.status }));
`;

// Uses the package's exported types the way a TypeScript user would; `tsc --strict` (library checks on) must accept it,
// and the @ts-expect-error proves the types are real (were Order `any`, the line would compile and the directive fail).
const consumer = `import { Flint, FlintError, type Money, type Order } from "@flint/sdk";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const moneyIsExact: Equal<Money, { amount: number; currency: string }> = true;
export const totalIsMoney: Equal<Order["netAmounts"]["totalMoney"], Money> = true;

export async function checkout(flint: Flint, itemId: string): Promise<Money> {
  const order: Order = await flint.orders.create({ lineItems: [{ itemId, quantity: 2 }], taxLocation: { country: "US" } });
  const paid = await flint.orders.pay(order.orderId, { paymentSourceTokens: ["tok_visa"], buyerEmail: "ada@example.com" });
  const total: Money = paid.order.netAmounts.totalMoney;
  return { amount: total.amount * 1, currency: total.currency };
}

export const describeError = (e: unknown): string => (e instanceof FlintError ? \`\${e.statusCode} \${e.code}\` : String(e));

// @ts-expect-error the SDK's objects are camelCase
export const snake = (o: Order) => o.net_amounts;
`;

let work: string;
let app: string;
let tarballFiles: string[];
let tarball: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "flint-sdk-package-"));
  const fromRepo = relative(repoRoot, resolve(work));
  assert.ok(fromRepo.startsWith("..") || isAbsolute(fromRepo), `the temp directory ${work} is inside the repository (set TMPDIR elsewhere)`);

  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], packageDir);
  let info: { filename: string; files: { path: string }[] }[];
  try {
    info = JSON.parse(packed.stdout);
  } catch (e) {
    throw new Error(`npm pack --json printed no JSON (${e}):\n${packed.stdout}\n${packed.stderr}`);
  }
  assert.equal(info.length, 1);
  tarballFiles = info[0]!.files.map((f) => f.path).sort();
  tarball = join(work, info[0]!.filename);

  app = join(work, "shop");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "flint-sdk-consumer", version: "1.0.0", private: true, type: "module" }, null, 2));
  // A private npm cache, so nothing can come from an earlier build of the same version; the package has no
  // dependencies, so it must install offline from the tarball alone.
  const install = ["install", tarball, "--no-audit", "--no-fund", "--cache", join(work, "npm-cache")];
  try {
    await run("npm", [...install, "--offline"], app);
  } catch (e) {
    process.stderr.write(`[package.test] offline install failed, retrying online: ${e}\n`);
    await run("npm", install, app);
  }
});

after(() => {
  if (!work) return;
  if (process.env.FLINT_KEEP_LOGS) process.stderr.write(`[package.test] kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
});

test("the tarball holds the compiled library, README.md and package.json, and nothing else", () => {
  for (const f of ["dist/index.js", "dist/index.d.ts", "dist/generated/openapi.d.ts", "README.md", "package.json"]) {
    assert.ok(tarballFiles.includes(f), `${f} missing from the tarball: ${tarballFiles.join(", ")}`);
  }
  const forbidden = tarballFiles.filter((f) => /^(test|build|scripts|src|node_modules)\//.test(f) || f.endsWith(".map") || f.endsWith(".tsbuildinfo"));
  assert.deepEqual(forbidden, []);
  // dist is exactly src compiled (prepack empties it first, so no stale files from a removed source).
  const expected = sourceFiles().flatMap((f) => [`dist/${f.replace(/\.ts$/, ".js")}`, `dist/${f.replace(/\.ts$/, ".d.ts")}`]).sort();
  assert.deepEqual(tarballFiles.filter((f) => f.startsWith("dist/")), expected);
  assert.deepEqual(tarballFiles.filter((f) => !f.startsWith("dist/")), ["README.md", "package.json"]);
});

test("installed from the tarball into a new project, the product page's snippet prints the amounts", async () => {
  const installed = join(app, "node_modules/@flint/sdk");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(manifest.name, "@flint/sdk");
  assert.equal(manifest.version, "0.1.0");
  assert.ok(!lstatSync(installed).isSymbolicLink(), "the package is a copy from the tarball, not a link to the repository");
  assert.deepEqual(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies, { "@flint/sdk": `file:${relative(app, tarball)}` });

  // Same setup as test/snippet.test.ts: a new merchant with a 9 % US tax rate and the SPRING20 coupon.
  const { flint, apiKey, baseUrl } = await newClient();
  await flint.taxRates.create({ name: "Sales tax", percentage: "9", jurisdiction: { country: "US" } });
  await flint.coupons.create({ code: "SPRING20", discountType: "percentage", percentOff: "20" });

  writeFileSync(join(app, "index.mjs"), snippet);
  const { stdout } = await run(process.execPath, ["index.mjs"], app, childEnv({ FLINT_API_KEY: apiKey, FLINT_BASE_URL: baseUrl }), 60_000);
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 2, stdout);
  // What the README's snippet says it prints, byte for byte.
  assert.equal(lines[0], "{ amount: 3998, currency: 'USD' } { amount: 3486, currency: 'USD' }");
  assert.deepEqual(JSON.parse(lines[1]!), { subtotal: 3998, discount: 800, tax: 288, total: 3486, couponTotal: 3486, status: "paid" });
});

test("a strict TypeScript consumer compiles against the published .d.ts (Order, Money)", async () => {
  writeFileSync(join(app, "index.ts"), consumer);
  const tsc = join(packageDir, "node_modules/.bin/tsc");
  await run(tsc, ["--module", "nodenext", "--moduleResolution", "nodenext", "--strict", "--noEmit", "index.ts"], app);
});
