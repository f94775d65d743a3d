// `npm test`: the whole suite (unit, integration, search contract, browser) on one database.
// The node project (unit, integration, contract) and the e2e project (browser and fault tests, one file
// at a time) run as two vitest processes side by side: vitest runs a project without file parallelism
// in its own group after the others, and on a 2-core machine the node project gets one worker, so in one
// process each half left a core idle while the other ran. With file arguments, one plain vitest run.
// Writes test-results/vitest-<label>.json (both reports merged) and summary-<label>.json, which .ci/run
// totals over its runs, and prints the totals.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

type Report = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: Assertion[] }[];
};
type Assertion = { status: string; fullName: string; failureMessages?: string[] };

const label = process.env.FIELDKIT_TEST_LABEL ?? (process.env.DATABASE_URL ? "postgres" : "pglite");
const extraArgs = process.argv.slice(2);
mkdirSync("test-results", { recursive: true });
console.log(`Running the suite on ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite"}…`);

const parts = extraArgs.length ? [{ name: "", args: extraArgs }] : ["node", "e2e"].map((p) => ({ name: p, args: ["--project", p] }));
// FIELDKIT_TEST_SEQUENTIAL=1: one project after the other, for a caller running another suite beside
// this one (.ci/run runs both databases' suites at once: two lanes for two cores, not four).
const runs = [];
if (process.env.FIELDKIT_TEST_SEQUENTIAL === "1") for (const part of parts) runs.push(await runVitest(part.name, part.args));
else runs.push(...(await Promise.all(parts.map((part) => runVitest(part.name, part.args)))));

const merged: Report = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [] };
// No report, or a failed run whose report holds no failure (a global setup that threw writes an empty
// report), means the run itself broke: it counts as a failure, named at the end.
const brokenRuns: string[] = [];
for (const [i, { report: r, status }] of runs.entries()) {
  const name = parts[i]?.name || "vitest";
  if (!r) {
    brokenRuns.push(`${name}: no report (exit code ${status})`);
    continue;
  }
  if (status !== 0 && r.numFailedTests === 0 && suitesThatFailedToRun(r) === 0)
    brokenRuns.push(`${name}: exit code ${status} with no failing test (a setup error: see its output above)`);
  merged.numPassedTests += r.numPassedTests;
  merged.numFailedTests += r.numFailedTests;
  merged.numPendingTests += r.numPendingTests;
  merged.numTodoTests += r.numTodoTests;
  merged.testResults.push(...r.testResults);
}
const summary = {
  passed: merged.numPassedTests,
  failed: merged.numFailedTests + suitesThatFailedToRun(merged) + brokenRuns.length,
  skipped: merged.numPendingTests + merged.numTodoTests,
};
writeFileSync(`test-results/vitest-${label}.json`, JSON.stringify(merged));
writeFileSync(`test-results/summary-${label}.json`, JSON.stringify(summary));
printFailures(merged);
if (brokenRuns.length) console.log(`\n${label}: runs that broke\n${brokenRuns.map((b) => `✗ ${b}`).join("\n")}`);
console.log(`\n${label}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exit(runs.every((r) => r.status === 0) && summary.failed === 0 ? 0 : 1);

/** One vitest process; with a name, its lines are prefixed (`[pglite e2e]`) so interleaved outputs stay readable. */
function runVitest(name: string, args: string[]) {
  const file = `test-results/vitest-${label}${name ? `-${name}` : ""}.json`;
  rmSync(file, { force: true }); // a run that dies must not be read as the last run's report
  const child = spawn("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`, ...args], {
    stdio: ["ignore", name ? "pipe" : "inherit", name ? "pipe" : "inherit"],
    env: process.env,
  });
  if (name) {
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      let rest = "";
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) out.write(`[${label} ${name}] ${line}\n`);
      });
      stream?.on("end", () => rest && out.write(`[${label} ${name}] ${rest}\n`));
    }
  }
  return new Promise<{ status: number | null; report: Report | null }>((resolve) =>
    child.on("close", (status) => resolve({ status, report: readReport(file) })),
  );
}

function readReport(file: string): Report | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Report;
  } catch {
    return null;
  }
}

/** A file that failed without a failing test (it did not load, a hook threw) counts as one failure. */
function suitesThatFailedToRun(json: Report) {
  return json.testResults.filter(failedToRun).length;
}

function failedToRun(file: Report["testResults"][number]) {
  return file.status === "failed" && !file.assertionResults.some((a) => a.status === "failed");
}

/**
 * Failures again at the very end, where a reader of a long (or cut) log looks first: file, test, first
 * lines of the error. Then the tests that passed only on their retry, with what their first attempt
 * said: a flake stays in view instead of hiding behind the retry.
 */
function printFailures(json: Report) {
  const failures: string[] = [];
  const flakes: string[] = [];
  for (const file of json.testResults) {
    const where = file.name.replace(`${process.cwd()}/`, "");
    if (failedToRun(file)) failures.push(`✗ ${where}: ${firstLines(file.message ?? "the file failed to run")}`);
    for (const a of file.assertionResults) {
      const said = `${where} > ${a.fullName}: ${firstLines(a.failureMessages?.join("\n") ?? "")}`;
      if (a.status === "failed") failures.push(`✗ ${said}`);
      else if (a.status === "passed" && a.failureMessages?.length) flakes.push(`↻ ${said}`);
    }
  }
  if (failures.length) console.log(`\n${label}: what failed\n${failures.join("\n")}`);
  if (flakes.length) console.log(`\n${label}: passed only on their retry\n${flakes.join("\n")}`);
}

function firstLines(text: string) {
  const ours = text.split("\n").filter((line) => !/node_modules|\(<anonymous>\)/.test(line));
  return ours.slice(0, 5).join("\n    ");
}
