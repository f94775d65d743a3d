// SSR throughput of a seller's item page: the real server (production mode) in its own process,
// autocannon on loopback, a signed-in seller requesting a published item.
import { randomBytes } from "node:crypto";
import os from "node:os";
import autocannon from "autocannon";
import { prepareDemoDeployment, signInDemoSeller } from "../setup/demo-deployment";
import type { Figures } from "./figures";

export async function benchSsr(opts: { quick: boolean }): Promise<Figures> {
  const deployment = await prepareDemoDeployment("bench-ssr");
  const adminUrl = deployment.databaseUrl;
  // One server process per core on PostgreSQL, as the README recommends for production (decision 013).
  const processes = adminUrl ? os.cpus().length : 1;
  const server = await deployment.startServer({
    WEB_CONCURRENCY: String(processes),
    SESSION_SECRET: randomBytes(24).toString("hex"),
  });
  try {
    const cookie = await signInDemoSeller(server.baseURL);
    const hits = (await (
      await fetch(`${server.baseURL}/api/v1/search?q=battle`, { headers: { cookie } })
    ).json().catch(() => ({ hits: [] }))) as { hits?: { id: string }[] };
    let itemId = hits.hits?.[0]?.id;
    if (!itemId) {
      const html = await (await fetch(`${server.baseURL}/home`, { headers: { cookie } })).text();
      itemId = html.match(/href="\/items\/([0-9a-f-]{36})"/)![1];
    }
    const url = `${server.baseURL}/items/${itemId}`;
    const warm = await fetch(url, { headers: { cookie } });
    if (warm.status !== 200) throw new Error(`item page answered ${warm.status}`);
    await autocannon({ url, connections: 8, duration: 2, headers: { cookie } });
    const result = await autocannon({ url, connections: 16, duration: opts.quick ? 5 : 15, headers: { cookie } });
    if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors during the SSR run`);
    const conditions = `${deployment.engine}, NODE_ENV=production, ${processes} server process(es), 16 connections, ${opts.quick ? 5 : 15} s, seller item page, ${os.cpus().length} cores shared with the load generator`;
    return {
      ssr_item_rps: { value: Math.round(result.requests.average), unit: "req/s", conditions },
      ssr_item_p99_ms: { value: result.latency.p99, unit: "ms", conditions },
    };
  } finally {
    await server.stop();
    await deployment.destroy();
  }
}
