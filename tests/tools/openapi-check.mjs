// Validates an OpenAPI file with two independent validators, swagger-parser
// (the OpenAPI 3.1 JSON Schema, $refs) and redocly lint (recommended rules,
// with redocly.yaml here): prints each problem, exits 1 on any error or warning.
// Usage: node openapi-check.mjs FILE   (tests/api/test_openapi.py runs it)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";

const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error("usage: node openapi-check.mjs FILE");
  process.exit(2);
}
let failed = 0;

try {
  await SwaggerParser.validate(file);
  console.log("swagger-parser: 0 errors");
} catch (e) {
  const details = Array.isArray(e.details) ? e.details : [];
  console.log(`swagger-parser: ${details.length || 1} errors`);
  console.log(e.message);
  failed += details.length || 1;
}

// the CLI, not a library: @redocly/cli ships bundled; JSON output counts
// warnings too, which its exit status ignores
const cli = path.join(here, "node_modules", "@redocly", "cli", "bin", "cli.js");
const r = spawnSync(process.execPath,
  [cli, "lint", file, "--config", path.join(here, "redocly.yaml"), "--format=json", "--max-problems=10000"],
  { encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    maxBuffer: 64 << 20 });
let report;
try {
  report = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
} catch {
  console.log("redocly: no report\n" + r.stdout + r.stderr);
  process.exit(1);
}
const { errors, warnings, ignored } = report.totals;
console.log(`redocly: ${errors} errors, ${warnings} warnings (${ignored} ignored with reasons)`);
for (const p of report.problems) {
  if (p.ignored) continue;
  const at = p.location?.[0];
  console.log(`  ${at?.start?.line ?? "?"}:${at?.start?.col ?? "?"} ${p.severity} ${p.ruleId}: ${p.message} (${at?.pointer ?? ""})`);
}
failed += errors + warnings;
process.exit(failed ? 1 : 0);
