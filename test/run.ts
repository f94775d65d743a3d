// `npm test`: the whole suite (unit, integration, search contract, browser) in one vitest run.
// Writes test-results/summary-<label>.json so .ci/run can total several runs, and prints the totals.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const label = process.env.FIELDKIT_TEST_LABEL ?? (process.env.DATABASE_URL ? "postgres" : "pglite");
mkdirSync("test-results", { recursive: true });
const report = `test-results/vitest-${label}.json`;
const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)];
console.log(`Running the suite on ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite"}…`);
const run = spawnSync("npx", args, { stdio: "inherit", env: process.env });

let summary = { passed: 0, failed: 0, skipped: 0 };
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  summary = {
    passed: json.numPassedTests,
    failed: json.numFailedTests + suitesThatFailedToRun(json),
    skipped: json.numPendingTests + json.numTodoTests,
  };
} catch {
  summary.failed = 1; // no report means the run itself broke
}
writeFileSync(`test-results/summary-${label}.json`, JSON.stringify(summary));
console.log(`\n${label}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exit(run.status === 0 && summary.failed === 0 ? 0 : 1);

/** A file that failed without a failing test (it did not load, a hook threw) counts as one failure. */
function suitesThatFailedToRun(json: { testResults: { status: string; assertionResults: { status: string }[] }[] }) {
  return json.testResults.filter((r) => r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed")).length;
}
