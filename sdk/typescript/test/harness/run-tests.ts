/**
 * `npm test`: starts PostgreSQL + Flint (test/harness/flint.ts), runs every compiled test file with node's test
 * runner against it, and tears the stack down. With FLINT_BASE_URL and FLINT_ADMIN_TOKEN set it uses that server
 * instead (each test file makes its own merchant, so any Flint will do).
 * Extra arguments go to `node --test` (e.g. `npm test -- --test-name-pattern=pagination`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStack, type Stack } from "./flint.js";

const testDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = readdirSync(testDir)
  .filter((f) => f.endsWith(".test.js"))
  .sort()
  .map((f) => join(testDir, f));

let stack: Stack | undefined;
let baseUrl = process.env.FLINT_BASE_URL;
let adminToken = process.env.FLINT_ADMIN_TOKEN;
if (!baseUrl || !adminToken) {
  const workDir = mkdtempSync(join(tmpdir(), "flint-sdk-test-"));
  stack = await startStack(workDir);
  baseUrl = stack.baseUrl;
  adminToken = stack.adminToken;
}

let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--test", ...process.argv.slice(2), ...files], {
      stdio: "inherit",
      env: { ...process.env, FLINT_BASE_URL: baseUrl, FLINT_ADMIN_TOKEN: adminToken },
    });
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await stack?.stop(code !== 0);
}
process.exit(code);
