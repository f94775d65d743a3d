// Lighthouse at its default mobile settings on the seller's home, search (with a query) and an item page:
// the real server in production mode with the demo library, Debian's Chromium, a signed-in seller.
// Method and why: docs/decisions/015-lighthouse-and-axe.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS } from "../setup/chromium";
import { prepareDemoDeployment, signInDemoSeller } from "../setup/demo-deployment";
import { freePort } from "../setup/server-process";
import type { Figures } from "./figures";

const ITEM_TITLE = "Atlas Platform overview deck";

type Run = {
  performance: number;
  accessibility: number;
  bestPractices: number;
  lcpMs: number;
  cls: number;
  failing: string[];
  finalUrl: string;
};

async function startChromium() {
  const port = await freePort();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-lighthouse-chromium-"));
  const child = spawn(
    CHROMIUM,
    ["--headless", ...CHROMIUM_FLAGS, `--remote-debugging-port=${port}`, `--user-data-dir=${userDataDir}`, "about:blank"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-4_000)));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Chromium did not open its DevTools port:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** The scores and metrics of one report, and the audits that cost points (for the printout). */
function summarise(lhr: NonNullable<Awaited<ReturnType<typeof lighthouse>>>["lhr"]): Run {
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const failing: string[] = [];
  for (const id of ["performance", "accessibility", "best-practices"]) {
    for (const ref of lhr.categories[id]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        failing.push(`${id}/${ref.id} ${audit.score.toFixed(2)}${audit.displayValue ? ` (${audit.displayValue})` : ""}`);
      }
    }
  }
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    bestPractices: score("best-practices"),
    lcpMs: Math.round(lhr.audits["largest-contentful-paint"].numericValue ?? NaN),
    cls: Math.round((lhr.audits["cumulative-layout-shift"].numericValue ?? NaN) * 1000) / 1000,
    failing,
    finalUrl: lhr.finalDisplayedUrl,
  };
}

export async function benchLighthouse(opts: { quick: boolean }): Promise<Figures> {
  // Five: Lighthouse's variability guide finds the median of five runs twice as stable as one run.
  const runs = opts.quick ? 1 : 5;
  const reportDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-lighthouse-reports-"));
  const deployment = await prepareDemoDeployment("bench-lighthouse");
  const server = await deployment.startServer({ SESSION_SECRET: randomBytes(24).toString("hex") });
  const browser = await startChromium();
  try {
    const [name, value] = (await signInDemoSeller(server.baseURL)).split(/=(.*)/s);
    const found = (await (
      await fetch(`${server.baseURL}/api/v1/search?q=${encodeURIComponent(ITEM_TITLE)}`, { headers: { cookie: `${name}=${value}` } })
    ).json()) as { hits: { id: string; title: string }[] };
    const itemId = found.hits.find((h) => h.title === ITEM_TITLE)?.id;
    if (!itemId) throw new Error(`"${ITEM_TITLE}" is not in the seller's search results`);

    // The session cookie goes straight into the browser's cookie jar, so no page is visited (and no
    // service worker installed) before Lighthouse's first, cold load.
    const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${browser.port}`);
    await cdp.contexts()[0].addCookies([{ name, value, url: server.baseURL, httpOnly: true, sameSite: "Lax" }]);
    // Disconnects only: Chromium was not launched by Playwright, and the cookie stays in its jar.
    await cdp.close();

    const pages = { home: "/home", search: "/search?q=pricing", item: `/items/${itemId}` };
    const figures: Figures = {};
    const engine = deployment.engine;
    for (const [page, pathname] of Object.entries(pages)) {
      const results: Run[] = [];
      for (let i = 0, attempts = 0; i < runs; i++) {
        const result = await lighthouse(`${server.baseURL}${pathname}`, {
          port: browser.port,
          logLevel: "error",
          output: "json",
          onlyCategories: ["performance", "accessibility", "best-practices"],
          // Defaults otherwise: formFactor mobile, simulated slow 4G and 4× CPU slowdown. NOTE: the storage
          // reset stays on so every load is a first, cold one (no service worker, caches or stored data);
          // Lighthouse 12 leaves cookies out of it, which keeps the seller signed in.
          clearStorageTypes: ["file_systems", "shader_cache", "service_workers", "cache_storage", "indexeddb", "local_storage", "websql"],
        });
        if (!result) throw new Error(`Lighthouse returned nothing for ${pathname}`);
        // A trace Chromium failed to record (NO_NAVSTART and the like) says nothing about the page: run again.
        if (result.lhr.runtimeError && ++attempts <= 3) {
          process.stdout.write(`  ${page}: ${result.lhr.runtimeError.code}, running again\n`);
          i--;
          continue;
        }
        if (result.lhr.runtimeError) throw new Error(`Lighthouse on ${pathname}: ${result.lhr.runtimeError.message}`);
        const run = summarise(result.lhr);
        if (new URL(run.finalUrl).pathname !== new URL(pathname, server.baseURL).pathname) {
          throw new Error(`Lighthouse ended on ${run.finalUrl} instead of ${pathname}: the session cookie was not used`);
        }
        writeFileSync(path.join(reportDir, `${page}-${i + 1}.json`), result.report as string);
        // The trace behind the report, for finding what a long task was (decision 015).
        if (process.env.LIGHTHOUSE_TRACES) {
          writeFileSync(path.join(reportDir, `${page}-${i + 1}.trace.json`), JSON.stringify(result.artifacts.Trace));
        }
        results.push(run);
      }
      // The median run by performance score, as Lighthouse's own guidance on variance suggests.
      results.sort((a, b) => a.performance - b.performance);
      const median = results[Math.floor(results.length / 2)];
      process.stdout.write(
        `  ${page}: performance ${results.map((r) => r.performance).join("/")}, accessibility ${median.accessibility}, best practices ${median.bestPractices}, LCP ${median.lcpMs} ms, CLS ${median.cls}\n` +
          (median.failing.length ? median.failing.map((f) => `    - ${f}\n`).join("") : ""),
      );
      const conditions = `Lighthouse 12.8.2 (default mobile: Moto G Power screen, simulated slow 4G, 4× CPU slowdown), Debian Chromium headless, cold load (no service worker or caches), signed-in demo seller, ${pathname.replace(itemId, ":id")}, NODE_ENV=production, ${engine}, median of ${runs} run${runs > 1 ? "s" : ""} by performance score, ${os.cpus().length} cores`;
      figures[`lighthouse_${page}_performance`] = { value: median.performance, unit: "score", conditions };
      figures[`lighthouse_${page}_accessibility`] = { value: median.accessibility, unit: "score", conditions };
      figures[`lighthouse_${page}_best_practices`] = { value: median.bestPractices, unit: "score", conditions };
      figures[`lighthouse_${page}_lcp_ms`] = { value: median.lcpMs, unit: "ms", conditions };
      figures[`lighthouse_${page}_cls`] = { value: median.cls, unit: "", conditions };
    }
    process.stdout.write(`  reports: ${reportDir}\n`);
    return figures;
  } finally {
    await browser.stop();
    await server.stop();
    await deployment.destroy();
  }
}
