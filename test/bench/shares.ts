// Buyer-share benchmarks (decision 021).
// share_page_p95_ms: server time of the buyer's page (/s/<token>: token and seller lookup, the items
//   re-checked against the seller's audience, and the HTML) for a share of a 20-page deck and a one-pager,
//   measured in-process around the route's own calls, one request at a time.
// share_events_per_s: buyer tracking events stored (idempotent by id, bots filtered), batches of 50 as the
//   page sends them, 3 at once; reported next to the ingest bench's rate.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { loadBuyerShare, recordBuyerEvents } from "~/modules/shares/buyer.server";
import { sharePage } from "~/modules/shares/page.server";
import { createDb } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { itemAudiences, itemVersions, items, shareItems, shares, teams, users } from "@/db/schema";
import { withDatabase } from "../setup/databases";
import type { Figures } from "./figures";

const UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export async function benchShares(opts: { quick: boolean }): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-bench-shares-"));
  const adminUrl = process.env.DATABASE_URL;
  const dbName = `fieldkit_bench_shares_${randomBytes(4).toString("hex")}`;
  let url = "";
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
    url = withDatabase(adminUrl, dbName);
  }
  const handle = await createDb(url ? { url, max: 4 } : { dataDir: path.join(dataDir, "pglite") });
  try {
    await migrateDb(handle);
    const db = handle.db;
    const [team] = await db.insert(teams).values({ name: "Bench East" }).returning();
    const [other] = await db.insert(teams).values({ name: "Bench West" }).returning();
    const [seller] = await db
      .insert(users)
      .values({ email: "bench-seller@bench.test", name: "Bench Seller", role: "seller", teamId: team.id, passwordHash: "x" })
      .returning();
    // A library around it, so the lookups are not against empty tables.
    const filler = await db
      .insert(items)
      .values(
        Array.from({ length: 2_000 }, (_, i) => ({
          type: "document" as const,
          title: `Filler ${i}`,
          status: "published" as const,
          publishedAt: new Date(),
        })),
      )
      .returning({ id: items.id });
    await db.insert(itemAudiences).values(filler.slice(0, 500).map((f) => ({ itemId: f.id, teamId: other.id })));
    const widths = (n: number) =>
      [320, 640, 1280].map((w) => ({ width: w, height: Math.round(w * 1.414), key: `${n}-${w}-${"a".repeat(52)}` }));
    const [deck] = await db
      .insert(items)
      .values({ type: "deck", title: "Bench 20-page deck", summary: "The deck", status: "published", publishedAt: new Date() })
      .returning();
    const [onePager] = await db
      .insert(items)
      .values({ type: "one_pager", title: "Bench one-pager", status: "published", publishedAt: new Date() })
      .returning();
    await db.insert(itemAudiences).values({ itemId: deck.id, teamId: team.id });
    await db.insert(itemVersions).values([
      {
        itemId: deck.id,
        number: 1,
        fileKey: "f".repeat(64),
        filename: "deck.pdf",
        mime: "application/pdf",
        size: 1e6,
        pageCount: 20,
        previewStatus: "ready",
        previews: Array.from({ length: 20 }, (_, i) => ({ n: i + 1, widths: widths(i + 1) })),
      },
      {
        itemId: onePager.id,
        number: 1,
        fileKey: "e".repeat(64),
        filename: "one.pdf",
        mime: "application/pdf",
        size: 1e5,
        pageCount: 1,
        previewStatus: "ready",
        previews: [{ n: 1, widths: widths(1) }],
      },
    ]);
    // Many shares, so the token lookup runs against a real index.
    const tokens = Array.from({ length: 5_000 }, () => randomBytes(32).toString("base64url"));
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const rows = await db
      .insert(shares)
      .values(tokens.map((token) => ({ token, userId: seller.id, teamId: team.id, expiresAt, allowDownload: true, note: "Bench note" })))
      .returning({ id: shares.id, token: shares.token });
    await db.insert(shareItems).values(
      rows.flatMap((r) => [
        { shareId: r.id, position: 1, itemId: deck.id },
        { shareId: r.id, position: 2, itemId: onePager.id },
      ]),
    );

    const render = async (token: string) => sharePage("bench-nonce", await loadBuyerShare(db, token), null);
    for (let i = 0; i < 100; i++) await render(rows[i % rows.length].token);
    const n = opts.quick ? 500 : 2_000;
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const t = rows[(i * 7919) % rows.length].token;
      const started = performance.now();
      bytes = (await render(t)).length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const engine = url ? "PostgreSQL 15" : "PGlite";

    // Tracking events: batches of 50 (what the page sends at most), 3 batches at once, spread over shares.
    const batches = opts.quick ? 120 : 400;
    const bodies = Array.from({ length: batches }, (_, b) => ({
      token: rows[b % rows.length].token,
      body: {
        viewer: randomUUID(),
        events: Array.from({ length: 50 }, (_, i) => ({
          id: randomUUID(),
          type: i === 0 ? "open" : "page",
          position: 1,
          page: (i % 20) + 1,
          ms: 1500,
        })),
      },
    }));
    let next = 0;
    const startedEvents = performance.now();
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < bodies.length) {
          const b = bodies[next++];
          await recordBuyerEvents(db, { token: b.token, body: b.body, userAgent: UA });
        }
      }),
    );
    const seconds = (performance.now() - startedEvents) / 1000;
    return {
      share_page_p95_ms: {
        value: Math.round(percentile(times, 95) * 100) / 100,
        unit: "ms",
        conditions: `${engine}, in-process (token + seller lookup, items re-checked against the seller's audience, HTML), 20-page deck + one-pager, 5,000 shares, ${n} sequential requests, p50 ${percentile(times, 50).toFixed(2)} ms, ${Math.round(bytes / 1024)} kB of HTML`,
      },
      share_events_per_s: {
        value: Math.round((batches * 50) / seconds),
        unit: "events/s",
        conditions: `${engine}, in-process, ${batches} batches of 50 (1 open + 49 page events), 3 at once, idempotent by id; compare ingest_events_per_s`,
      },
    };
  } finally {
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin
        .unsafe(`drop database if exists "${dbName}" with (force)`)
        .catch((error: Error) => console.warn(`  could not drop ${dbName}: ${error.message}`))
        .finally(() => admin.end());
    }
  }
}
