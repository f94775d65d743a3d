// `npm run bench [-- --quick] [-- --only ssr,search]`: every benchmark group generates its own data,
// prints a table with each figure next to its goal, and writes bench-results.json.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import { buildIfNeeded } from "@/server/build";
import { GOALS, type Figures, type RatioPart } from "./figures";

/**
 * `runs`: which runs include the group unasked (--only names any group):
 * - "all": the full run and --quick;
 * - "full": the full run only: its figures are absolute, and their goals hold at full scale only
 *   (10,000 items, 1 M events, three Lighthouse runs), so a shortened run would measure nothing to
 *   compare with a goal;
 * - "quick": --quick only, as the short stand-in for a full group (ingest is half of feedback).
 * --quick measures every ratio goal (decision 022), at reduced sizes.
 */
type Group = { name: string; run: (opts: { quick: boolean }) => Promise<Figures>; runs: "all" | "full" | "quick" };

const GROUPS: Group[] = [
  { name: "ssr", run: async (o) => (await import("./ssr")).benchSsr(o), runs: "all" },
  { name: "publishing", run: async () => (await import("./publishing")).benchPublishing(), runs: "all" },
  { name: "pipeline", run: async (o) => (await import("./pipeline")).benchPipeline(o), runs: "all" },
  { name: "hostile", run: async () => (await import("./hostile")).benchHostile(), runs: "full" },
  { name: "search", run: async (o) => (await import("./search")).benchSearch(o), runs: "all" },
  { name: "offline", run: async () => (await import("./offline")).benchOffline(), runs: "full" },
  { name: "offline-chromium", run: async (o) => (await import("./offline-chromium")).benchOfflineChromium(o), runs: "full" },
  { name: "feedback", run: async (o) => (await import("./feedback")).benchFeedback(o), runs: "full" },
  { name: "ingest", run: async (o) => (await import("./feedback")).benchIngest(o.quick), runs: "quick" },
  { name: "desk", run: async (o) => (await import("./desk")).benchDesk(o), runs: "full" },
  { name: "shares", run: async (o) => (await import("./shares")).benchShares(o), runs: "all" },
  { name: "lighthouse", run: async (o) => (await import("./lighthouse")).benchLighthouse(o), runs: "full" },
];

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only"));
const only = onlyArg ? (onlyArg.includes("=") ? onlyArg.split("=")[1] : args[args.indexOf(onlyArg) + 1]).split(",") : null;

buildIfNeeded();
const results: Figures = {};
const failures: string[] = [];
const chosen = (g: Group) => (only ? only.includes(g.name) : g.runs === "all" || g.runs === (quick ? "quick" : "full"));
const left = GROUPS.filter((g) => !only && g.runs === "full" && !chosen(g)).map((g) => g.name);
if (left.length) {
  process.stdout.write(
    `Quick mode measures the ratio goals; not run: ${left.join(", ")} (absolute figures with goals at full scale: run without --quick, or --only NAME).\n`,
  );
}
for (const group of GROUPS) {
  if (!chosen(group)) continue;
  const started = Date.now();
  process.stdout.write(`\n▶ ${group.name}${quick ? " (quick)" : ""}…\n`);
  try {
    const figures = await group.run({ quick });
    Object.assign(results, figures);
    process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failures.push(`${group.name}: ${(error as Error).message.split("\n")[0]}`);
    process.stdout.write(`  FAILED: ${(error as Error).stack}\n`);
  }
}

const verdict = (name: string, value: number) => {
  const g = GOALS[name];
  if (!g) return "";
  if (g.now) return `was ${g.kind === "min" ? "≥" : "≤"} ${g.goal}; now ${g.now}`;
  const ok = g.kind === "min" ? value >= g.goal : value <= g.goal;
  return `${g.kind === "min" ? "≥" : "≤"} ${g.goal}  ${ok ? "met" : "NOT MET"}`;
};
// Ratios first (the goals that hold on any machine), then the absolute figures.
const part = (p: RatioPart) => `${p.value} ${p.unit} ${p.label}`;
const rows = Object.entries(results)
  .sort(([, a], [, b]) => Number(!a.ratio) - Number(!b.ratio))
  .map(([name, f]) => [
    name,
    `${f.value} ${f.unit}`,
    verdict(name, f.value),
    f.ratio ? `${part(f.ratio.measured)} ÷ ${part(f.ratio.baseline)}; ${f.conditions}` : f.conditions,
  ]);
const widths = [0, 1, 2].map((i) =>
  Math.max(...[["figure", "value", "goal", "conditions"][i], ...rows.map((r) => r[i])].map((s) => s.length)),
);
const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join("  ");
console.log(
  `\nFieldkit benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}${quick ? ", quick" : ""}`,
);
console.log(line(["figure", "value", "goal", "conditions"]));
for (const r of rows) console.log(line(r));
for (const f of failures) console.log(`not measured — ${f}`);

// Keep figures from earlier runs of other groups (e.g. `--only ssr`), replacing what was measured now.
const previous = existsSync("bench-results.json") ? JSON.parse(readFileSync("bench-results.json", "utf8")) : {};
writeFileSync("bench-results.json", JSON.stringify({ ...previous, ...results }, null, 2) + "\n");
console.log("\nWrote bench-results.json");
process.exit(failures.length ? 1 : 0);
