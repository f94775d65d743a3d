// Accessibility checks for browser tests: axe-core runs inside the page and every violation fails the test
// with its rule, impact, the elements it found and where to read about it.
import axe from "axe-core";
import type { Page } from "playwright-core";

export type AxeViolation = { id: string; impact: string | null; help: string; helpUrl: string; targets: string[] };

type Options = {
  /**
   * CSS selectors axe should skip. Use only for markup the app does not own, and say why at the call site:
   * skipping app markup hides a barrier a real user would hit.
   */
  exclude?: string[];
};

/** axe's default rule set: WCAG 2.0–2.2 A/AA plus its best practices (landmarks, heading order, one h1). */
export async function axeViolations(page: Page, { exclude = [] }: Options = {}): Promise<AxeViolation[]> {
  // NOTE: the app's CSP blocks injected <script> tags (addScriptTag); evaluating the source through the
  // DevTools protocol is not subject to CSP. Once per document: a navigation starts without axe.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  return page.evaluate(async (exclude) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const context = exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
    const result = await run(context as axe.ElementContext, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      // Selector, the element's markup (selectors alone can be as terse as "img"), and axe's reason.
      targets: v.nodes.map((n) =>
        [
          n.target.map(String).join(" "),
          n.html.replace(/\s+/g, " ").slice(0, 160),
          (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 240),
        ]
          .filter(Boolean)
          .join(" — "),
      ),
    }));
  }, exclude);
}

export function formatViolations(screen: string, violations: AxeViolation[]): string {
  const lines = violations.flatMap((v) => [
    `  ${v.id} (${v.impact ?? "no impact"}): ${v.help} — ${v.helpUrl}`,
    ...v.targets.slice(0, 8).map((t) => `      ${t}`),
    ...(v.targets.length > 8 ? [`      … and ${v.targets.length - 8} more`] : []),
  ]);
  return `${violations.length} accessibility violation${violations.length === 1 ? "" : "s"} on ${screen} (${violations.map((v) => v.id).join(", ")}):\n${lines.join("\n")}`;
}

/** Fails with a readable list when axe finds anything on the page as it is now. `screen` names it in the message. */
export async function expectNoAxeViolations(page: Page, screen: string, options?: Options): Promise<void> {
  const violations = await axeViolations(page, options);
  if (violations.length) throw new Error(formatViolations(`${screen} (${page.url()})`, violations));
}
