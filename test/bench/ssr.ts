// SSR of a seller's item page against its same-run baseline (decision 022): the real server
// (production mode, one process) and a bare Remix page of the same HTML size on the same stack
// (test/bench/bare-remix.ts), driven by autocannon on loopback in alternating turns, so both see
// the same machine, noise included.
import { randomBytes } from "node:crypto";
import os from "node:os";
import autocannon from "autocannon";
import { prepareDemoDeployment, signInDemoSeller } from "../setup/demo-deployment";
import { buildBareRemix, fieldkitCss, startBareRemix } from "./bare-remix";
import { median, ratioFigure, type Figures } from "./figures";

const CONNECTIONS = 16;

type Target = { url: string; headers: Record<string, string> };
type Tally = { requests: number; seconds: number; latencies: number[] };

async function pageBytes(target: Target): Promise<number> {
  const res = await fetch(target.url, { headers: { ...target.headers, "accept-encoding": "identity" } });
  if (res.status !== 200) throw new Error(`${target.url} answered ${res.status}`);
  return Buffer.byteLength(await res.text());
}

async function turn(target: Target, seconds: number, tally?: Tally): Promise<void> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, headers: target.headers }, (error, r) =>
      error ? reject(error) : resolve(r),
    );
    // Every response's latency, so the p99 is taken over all turns rather than averaged per turn.
    if (tally) run.on("response", (_client, _status, _bytes, ms) => tally.latencies.push(ms));
  });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  if (tally) {
    tally.requests += result.requests.total;
    tally.seconds += result.duration;
  }
}

const p99 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] * 10) / 10;
};

export async function benchSsr(opts: { quick: boolean }): Promise<Figures> {
  const deployment = await prepareDemoDeployment("bench-ssr");
  // One process for both pages: the ratio compares one Node process's work per page (issue #18).
  const server = await deployment.startServer({ WEB_CONCURRENCY: "1", SESSION_SECRET: randomBytes(24).toString("hex") });
  let bare: Awaited<ReturnType<typeof startBareRemix>> | null = null;
  try {
    const cookie = await signInDemoSeller(server.baseURL);
    const hits = (await (
      await fetch(`${server.baseURL}/api/v1/search?q=battle`, { headers: { cookie } })
    )
      .json()
      .catch(() => ({ hits: [] }))) as { hits?: { id: string }[] };
    let itemId = hits.hits?.[0]?.id;
    if (!itemId) {
      const html = await (await fetch(`${server.baseURL}/home`, { headers: { cookie } })).text();
      itemId = html.match(/href="\/items\/([0-9a-f-]{36})"/)![1];
    }
    const item: Target = { url: `${server.baseURL}/items/${itemId}`, headers: { cookie } };
    const itemHtml = await (await fetch(item.url, { headers: item.headers })).text();
    const itemBytes = Buffer.byteLength(itemHtml);

    buildBareRemix(fieldkitCss(itemHtml));
    bare = await startBareRemix();
    // Grow the bare page (rows of loader data) until its HTML is as big as the item page's.
    const empty = await pageBytes({ url: `${bare.baseURL}/?rows=0`, headers: {} });
    const forty = await pageBytes({ url: `${bare.baseURL}/?rows=40`, headers: {} });
    const rows = Math.max(0, Math.round(((itemBytes - empty) * 40) / (forty - empty)));
    const bareTarget: Target = { url: `${bare.baseURL}/?rows=${rows}`, headers: {} };
    const bareBytes = await pageBytes(bareTarget);

    await turn(item, 2);
    await turn(bareTarget, 2);
    const turns = opts.quick ? 6 : 10;
    const seconds = opts.quick ? 2 : 4;
    const tallies = {
      item: { requests: 0, seconds: 0, latencies: [] } as Tally,
      bare: { requests: 0, seconds: 0, latencies: [] } as Tally,
    };
    const pairRatios: number[] = [];
    const pairP99Ratios: number[] = [];
    // Short turns in alternating order, so neither page always follows the other's garbage or a busy
    // neighbour; each ratio is the median of each pair's, so one turn that met a burst of other work
    // on the machine does not move it. (The p99 ratio over all turns pooled moved 17 % between two runs
    // a few minutes apart, in session 34: one slow turn decided it.)
    for (let i = 0; i < turns; i++) {
      const order = i % 2 === 0 ? (["item", "bare"] as const) : (["bare", "item"] as const);
      const before = { item: tallies.item.requests, bare: tallies.bare.requests };
      const seen = { item: tallies.item.latencies.length, bare: tallies.bare.latencies.length };
      for (const which of order) await turn(which === "item" ? item : bareTarget, seconds, tallies[which]);
      pairRatios.push((tallies.item.requests - before.item) / (tallies.bare.requests - before.bare));
      pairP99Ratios.push(p99(tallies.item.latencies.slice(seen.item)) / p99(tallies.bare.latencies.slice(seen.bare)));
    }
    const rps = (t: Tally) => Math.round(t.requests / t.seconds);
    const itemRps = rps(tallies.item);
    const bareRps = rps(tallies.bare);
    const medianRatio = median(pairRatios);
    const itemP99 = p99(tallies.item.latencies);
    const bareP99 = p99(tallies.bare.latencies);
    const same = `${deployment.engine}, NODE_ENV=production, 1 server process each, ${CONNECTIONS} connections, ${turns} alternating turns of ${seconds} s per page, ${os.cpus().length} cores shared with the load generator`;
    const pages = `seller item page ${(itemBytes / 1024).toFixed(1)} KB of HTML, bare Remix page (Express + compression + Remix handler, loader data, no database) ${(bareBytes / 1024).toFixed(1)} KB`;
    return {
      ssr_item_vs_bare: {
        ...ratioFigure(
          { label: "item page", value: itemRps, unit: "req/s" },
          { label: "bare Remix page", value: bareRps, unit: "req/s" },
          "",
        ),
        value: Number(medianRatio.toPrecision(3)),
        conditions: `median of ${turns} pairs of turns (${pairRatios.map((r) => r.toFixed(2)).join(", ")}); the req/s shown are over all turns; ${same}; ${pages}`,
      },
      ssr_item_p99_vs_bare: {
        ...ratioFigure(
          { label: "item page p99", value: itemP99, unit: "ms" },
          { label: "bare Remix page p99", value: bareP99, unit: "ms" },
          "",
        ),
        value: Number(median(pairP99Ratios).toPrecision(3)),
        conditions: `median of ${turns} pairs of turns (${pairP99Ratios.map((r) => r.toFixed(2)).join(", ")}); the p99s shown, and their ratio ${(itemP99 / bareP99).toFixed(2)}, are over all turns; ${same}`,
      },
      ssr_item_rps: { value: itemRps, unit: "req/s", conditions: `${same}; ${pages}` },
      ssr_item_p99_ms: { value: itemP99, unit: "ms", conditions: same },
    };
  } finally {
    await bare?.stop();
    await server.stop();
    await deployment.destroy();
  }
}
