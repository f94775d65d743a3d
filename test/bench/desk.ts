// Desk pages at scale: the library table, the feedback inbox, the insights page and the admin's people
// list, server-rendered by the production server over the scale seed (10,000 items, 1 M events and
// 10,000 people; 2,000, 200,000 and 2,000 in quick mode). Each figure is the p95 of sequential full-page GETs (request to last byte, on the same
// machine), with the page's HTML size beside it.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import os from "node:os";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { startAppServer } from "../setup/server-process";
import { benchDatabase } from "./bench-database";
import type { Figures } from "./figures";

/** The demo library and the scale seed on a database of the group's own, closed for the server to open. */
async function scaledDatabase(items: number) {
  const started = performance.now();
  const db = await benchDatabase("desk");
  try {
    await seedDemo(db.handle.db);
    const added = await seedScale(db.handle.db, { items });
    // A sales org of as many people as items, spread over the teams, one in twenty deactivated.
    await db.handle.db.execute(sql`
      insert into users (email, name, role, team_id, active, password_hash)
      select 'person' || i || '@org.test', 'Org Person ' || i, case when i % 25 = 0 then 'manager' else 'seller' end,
             (select id from teams order by name offset (i % (select count(*) from teams)) limit 1), i % 20 <> 0, 'x'
      from generate_series(1, ${items}) i`);
    return { ...db, added, seedS: (performance.now() - started) / 1000 };
  } finally {
    // The server opens the database itself (PGlite allows one process).
    await db.handle.close();
  }
}

async function signIn(baseURL: string, email: string) {
  const res = await fetch(`${baseURL}/api/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "fieldkit-demo" }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0];
}

async function timePage(baseURL: string, cookie: string, pathname: string, runs: number) {
  const get = async () => {
    const started = performance.now();
    const res = await fetch(`${baseURL}${pathname}`, { headers: { cookie, accept: "text/html" } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}: ${body.slice(0, 200)}`);
    return { ms: performance.now() - started, bytes: Buffer.byteLength(body) };
  };
  for (let i = 0; i < 3; i++) await get(); // JIT, pool, plan caches
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await get();
    samples.push(r.ms);
    bytes = r.bytes;
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(runs - 1, Math.ceil(runs * q) - 1)];
  return { p50: at(0.5), p95: at(0.95), kb: bytes / 1024 };
}

/**
 * The insights page memoises its costly aggregates per scope and range for a minute, so the sequential
 * GETs above measure mostly the memo. This measures the computation: each GET asks for a range not
 * asked before (a new key), as the first visitor of a scope and range does.
 */
async function timeUncached(baseURL: string, cookie: string, pathname: string, runs: number) {
  const samples: number[] = [];
  const to = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < runs; i++) {
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - (29 + i + 1) * 86_400_000).toISOString().slice(0, 10);
    const started = performance.now();
    const res = await fetch(`${baseURL}${pathname}?from=${from}&to=${to}`, { headers: { cookie, accept: "text/html" } });
    await res.text();
    if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(runs / 2)], max: samples[runs - 1] };
}

/** The page of the seller with the most views in the default range: the longest list of items used. */
async function mostActiveSeller(baseURL: string, cookie: string): Promise<string> {
  const html = await (await fetch(`${baseURL}/insights/sellers?sort=views`, { headers: { cookie } })).text();
  const id = /href="\/insights\/sellers\/([0-9a-f-]{36})/.exec(html)?.[1];
  if (!id) throw new Error("no seller listed on /insights/sellers");
  return `/insights/sellers/${id}`;
}

export async function benchDesk(opts: { quick: boolean }): Promise<Figures> {
  const items = opts.quick ? 2_000 : 10_000;
  const runs = opts.quick ? 20 : 60;
  const db = await scaledDatabase(items);
  const secret = randomBytes(24).toString("hex");
  const server = await startAppServer({
    NODE_ENV: "production",
    SESSION_SECRET: secret,
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.url,
    DEMO_SEED: "false",
  });
  try {
    const marketer = await signIn(server.baseURL, "marketer@demo.test");
    const admin = await signIn(server.baseURL, "admin@demo.test");
    const pages = [
      { name: "library", who: "marketer", cookie: marketer, path: "/library" },
      { name: "inbox", who: "marketer", cookie: marketer, path: "/feedback" },
      { name: "insights", who: "admin", cookie: admin, path: "/insights" },
      { name: "people", who: "admin", cookie: admin, path: "/admin" },
      { name: "people_search", who: "admin", cookie: admin, path: "/admin?q=person%2042&status=active" },
      { name: "sellers", who: "admin", cookie: admin, path: "/insights/sellers" },
      { name: "seller", who: "admin", cookie: admin, path: await mostActiveSeller(server.baseURL, admin) },
    ];
    const engine = db.url ? "PostgreSQL 15" : "PGlite";
    const load = os.loadavg()[0].toFixed(1);
    const figures: Figures = {};
    for (const p of pages) {
      const t = await timePage(server.baseURL, p.cookie, p.path, runs);
      const suffix = opts.quick ? "_quick" : "_10k";
      const uncached = p.name === "insights" ? await timeUncached(server.baseURL, p.cookie, p.path, 7) : null;
      const conditions =
        `${engine}, production server, GET ${p.path} as the demo ${p.who}, ${runs} sequential requests after 3 warm-ups, request to last byte on the same machine; ` +
        (uncached
          ? `aggregates memoised 60 s per scope and range (the first request computes them); uncached (7 new ranges) p50 ${uncached.p50.toFixed(1)} ms, max ${uncached.max.toFixed(1)} ms; `
          : "") +
        `p50 ${t.p50.toFixed(1)} ms; HTML ${t.kb.toFixed(1)} KB; scale seed ${db.added.items} items, ${db.added.events} events, ${db.added.ratings} ratings, ${items} more people` +
        `${opts.quick ? " (quick mode: not 10,000 items)" : ""}; 1-min load average ${load} on ${os.cpus().length} cores`;
      figures[`${p.name}_page_p95_ms${suffix}`] = { value: Math.round(t.p95 * 10) / 10, unit: "ms", conditions };
      figures[`${p.name}_page_html_kb${suffix}`] = {
        value: Math.round(t.kb * 10) / 10,
        unit: "KB",
        conditions: `${engine}, GET ${p.path} as the demo ${p.who}, at the scale above`,
      };
    }
    console.log(`  scale seed in ${db.seedS.toFixed(1)} s`);
    return figures;
  } finally {
    await server.stop();
    await db.drop();
  }
}
