// The audit page's action filter lists every action the code records: an action missing from it could
// only be found by scrolling. Scans app/modules for `action: "…"` in recordAudit calls.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ITEM_ACTIONS, OTHER_ACTIONS } from "~/modules/audit/audit.server";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

it("offers every recorded audit action in the audit page's filter", () => {
  const recorded = new Set<string>();
  for (const file of sources("app/modules")) {
    for (const m of readFileSync(file, "utf8").matchAll(/\baction: "([a-z_]+\.[a-z_]+)"/g)) recorded.add(m[1]);
  }
  expect(recorded.size).toBeGreaterThan(10);
  const offered = new Set<string>([...Object.keys(ITEM_ACTIONS), ...OTHER_ACTIONS]);
  expect([...recorded].filter((a) => !offered.has(a)).sort()).toEqual([]);
});
