// Offline search where sellers type: the app's own search code (app/offline/search.ts, bundled as the
// browser gets it) inside Debian's Chromium with 4× CPU throttling (DevTools Emulation.setCPUThrottlingRate,
// what Lighthouse uses for a mid-range phone) over a 10,000-item generated catalog.
// `npm run bench -- --only offline-chromium`; FIELDKIT_BENCH_OFFLINE_N=200 makes a smoke run.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS } from "../setup/chromium";
import type { Figures } from "./figures";
import { generateCatalog, queries } from "./offline";

const THROTTLE = 4;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** app/offline/search.ts and MiniSearch as one script that puts `fkSearch` on window. */
async function searchBundle(): Promise<string> {
  const out = await build({
    stdin: {
      contents: `import { buildIndex, searchOffline } from "./app/offline/search"; (window as any).fkSearch = { buildIndex, searchOffline };`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome109"],
    minify: true,
    write: false,
  });
  return out.outputFiles[0].text;
}

export async function benchOfflineChromium(opts: { quick: boolean }): Promise<Figures> {
  const n = Number(process.env.FIELDKIT_BENCH_OFFLINE_N) || 10_000;
  const queryCount = opts.quick ? 300 : 1_000;
  const catalog = generateCatalog(n);
  const qs = queries(queryCount);
  const profile = mkdtempSync(path.join(os.tmpdir(), "fieldkit-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = await context.newPage();
    await page.setContent("<!doctype html><title>offline search bench</title>");
    await page.evaluate(await searchBundle());
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
    const result = await page.evaluate(
      ({ catalog, qs }) => {
        type Api = { buildIndex(items: unknown[]): unknown; searchOffline(index: unknown, q: unknown, saved: Set<string>): unknown[] };
        const api = (window as unknown as { fkSearch: Api }).fkSearch;
        const t0 = performance.now();
        const index = api.buildIndex(catalog);
        const buildMs = performance.now() - t0;
        const saved = new Set(catalog.slice(0, 200).map((c) => c.id));
        for (const q of qs.slice(0, 100)) api.searchOffline(index, q, saved); // warm-up (JIT)
        const times: number[] = [];
        let hits = 0;
        for (const q of qs) {
          const s = performance.now();
          hits += api.searchOffline(index, { ...q, limit: 30 }, saved).length;
          times.push(performance.now() - s);
        }
        return { times, buildMs, hits };
      },
      { catalog, qs },
    );
    const times = result.times.sort((a, b) => a - b);
    const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
    const size = n === 10_000 ? "10k" : `${n} (smoke run, not the 10k figure)`;
    return {
      [n === 10_000 ? "offline_search_chromium_p95_ms_10k" : "offline_search_chromium_p95_ms_smoke"]: {
        value: Math.round(percentile(times, 95) * 100) / 100,
        unit: "ms",
        conditions: `Chromium ${version} headless, CPU throttled ${THROTTLE}× (Emulation.setCPUThrottlingRate); app/offline/search.ts bundled by esbuild; ${size} generated catalog entries (test/bench/offline.ts); ${qs.length} queries, top 30; p50 ${percentile(times, 50).toFixed(2)} ms; index build ${Math.round(result.buildMs)} ms (throttled); ${(result.hits / qs.length).toFixed(1)} hits/query; performance.now() resolution in the page is coarsened (≥0.1 ms)`,
      },
    };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
