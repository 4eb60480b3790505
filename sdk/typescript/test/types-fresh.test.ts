import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fetchDocument, generate, generatedFile } from "../scripts/openapi-types.js";
import { env } from "./helpers.js";

test("src/generated/openapi.ts matches the server's /openapi/v1.json (else: npm run generate-types)", async () => {
  const fresh = await generate(await fetchDocument(`${env().baseUrl}/openapi/v1.json`));
  assert.ok(readFileSync(generatedFile, "utf8") === fresh, "src/generated/openapi.ts is stale: run `npm run generate-types` and commit it");
});
