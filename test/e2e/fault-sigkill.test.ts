// Fault: the server is SIGKILLed (no shutdown code runs) in the middle of an upload and in the middle
// of event batches, then started again on the same data. Nothing may be half-published or half-stored,
// every acknowledged event must be there, and a client that retries everything must not create
// duplicates. Runs on the pass's engine: PGlite in the app's data directory, or a fresh database on
// the PostgreSQL server at DATABASE_URL.
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildRollups } from "@/db/usage-rollups";
import { rowsOf } from "@/db/client";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { buildMissing, eventBatch, poll, postEvents, type EventRow } from "../setup/fault-traffic";
import type { AppServer } from "../setup/server-process";

const skip = buildMissing();

/** Every file under `dir`, recursively (relative paths). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function kill9(server: AppServer) {
  process.kill(server.pid, "SIGKILL");
  await poll("the killed server to be gone", async () => {
    try {
      process.kill(server.pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

describe.skipIf(skip)(`server SIGKILLed mid-work${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let fault: FaultApp;
  let server: AppServer | undefined;
  const storageDir = () => path.join(fault.dataDir, "files");

  beforeAll(async () => {
    fault = await prepareFaultApp();
  });
  afterAll(async () => {
    await server?.stop();
    await fault?.destroy();
  });

  /** Runs `fn` on the app's database with no server attached (PGlite allows one process at a time). */
  async function withStoppedServer<T>(fn: (db: Awaited<ReturnType<FaultApp["open"]>>) => Promise<T>): Promise<T> {
    await server?.stop();
    server = undefined;
    const handle = await fault.open();
    try {
      return await fn(handle);
    } finally {
      await handle.close();
    }
  }

  it("leaves no item, blob or temp file behind when killed mid-upload, and a retried upload creates exactly one draft", async () => {
    server = await fault.start();
    const before = await fetch(`${server.baseURL}/api/v1/search?q=noise`, { headers: { cookie: fault.marketer.cookie } });
    expect(before.status).toBe(200);
    const png = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();

    // Stream the multipart body by hand and stop half-way, as a phone on a dying connection would.
    const boundary = `----fieldkit${randomUUID()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nKilled upload\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="killed.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const { port } = new URL(server.baseURL);
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      path: "/api/v1/items",
      method: "POST",
      headers: {
        cookie: fault.marketer.cookie,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(head.length + png.length + 100),
      },
    });
    const answered = new Promise<string>((resolve) => {
      req.on("response", (res) => resolve(`answered ${res.statusCode}`));
      req.on("error", (error) => resolve(`connection error: ${error.message}`));
    });
    req.write(head);
    req.write(png.subarray(0, png.length / 2));
    const temp = path.join(storageDir(), "tmp");
    await poll("the upload to reach a temp file", async () => filesUnder(temp).some((f) => statSync(path.join(temp, f)).size > 0));

    await kill9(server);
    expect(await answered).toMatch(/^connection error/);
    req.destroy();

    server = await fault.start();
    // The restart removed the partial upload; no object was stored and no item points anywhere.
    expect(filesUnder(temp)).toEqual([]);
    expect(filesUnder(path.join(storageDir(), "objects"))).toEqual([]);

    // The client retries the whole upload: one draft, whose file is really there.
    const form = new FormData();
    form.set("title", "Killed upload");
    form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "killed.png");
    const retried = await fetch(`${server.baseURL}/api/v1/items`, {
      method: "POST",
      headers: { cookie: fault.marketer.cookie },
      body: form,
    });
    expect(retried.status).toBe(201);
    const item = (await retried.json()) as { id: string; status: string };
    expect(item.status).toBe("draft");
    const file = await fetch(`${server.baseURL}/api/v1/items/${item.id}/file`, { headers: { cookie: fault.marketer.cookie } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);

    await withStoppedServer(async (handle) => {
      const rows = rowsOf<{ id: string; status: string; file_key: string | null }>(
        await handle.db.execute(
          sql`select i.id, i.status, v.file_key from items i join item_versions v on v.item_id = i.id where i.title = 'Killed upload'`,
        ),
      );
      expect(rows).toEqual([{ id: item.id, status: "draft", file_key: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      // Every version that names a file has it in storage.
      const keys = rowsOf<{ file_key: string }>(
        await handle.db.execute(sql`select file_key from item_versions where file_key is not null`),
      );
      for (const { file_key } of keys)
        expect(existsSync(path.join(storageDir(), "objects", file_key.slice(0, 2), file_key)), file_key).toBe(true);
    });
  });

  it("keeps every acknowledged event batch when killed mid-batch; retrying every batch adds no duplicates and rollups match the raw events", async () => {
    server = await fault.start();
    const batches: EventRow[][] = Array.from({ length: 30 }, () => eventBatch(fault.itemId, 100));
    const acked = new Set<number>();
    const outcomes: string[] = [];
    // Four phones flushing their outboxes at once; the kill lands while batches are in flight.
    let next = 0;
    const live = server;
    const senders = Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const n = next++;
        const r = await postEvents(live.baseURL, fault.seller.cookie, batches[n]);
        outcomes.push(String(r.status));
        if (r.status === 200) acked.add(n);
        else if (r.status === "network") break;
      }
    });
    await poll("some batches to be acknowledged", async () => acked.size >= 4, 20_000, 5);
    await kill9(live);
    await Promise.all(senders);
    expect(
      outcomes.every((o) => o === "200" || o === "network"),
      outcomes.join(","),
    ).toBe(true);
    expect(acked.size).toBeLessThan(batches.length);

    // The retrying client sends every batch again, same ids.
    server = await fault.start();
    let accepted = 0;
    for (const [n, batch] of batches.entries()) {
      const r = await postEvents(server.baseURL, fault.seller.cookie, batch);
      expect(r.status).toBe(200);
      const result = JSON.parse(r.body) as { accepted: number; duplicates: number; rejected: unknown[] };
      expect(result.rejected).toEqual([]);
      expect(result.accepted + result.duplicates).toBe(batch.length);
      // Acknowledged before the kill means stored: none of it is new now.
      if (acked.has(n)) expect(result.accepted, `batch ${n} was acknowledged before the kill`).toBe(0);
      // A batch is stored whole or not at all.
      else expect([0, batch.length]).toContain(result.accepted);
      accepted += result.accepted;
    }
    expect(accepted).toBeGreaterThan(0);

    await withStoppedServer(async (handle) => {
      const ids = batches.flat().map((e) => e.id);
      const [{ n, distinct }] = rowsOf<{ n: number; distinct: number }>(
        await handle.db.execute(
          sql`select count(*)::int as n, count(distinct id)::int as distinct from events where item_id = ${fault.itemId}::uuid`,
        ),
      );
      expect({ n, distinct }).toEqual({ n: ids.length, distinct: ids.length });
      // The rollups the dashboards read equal a rebuild from the raw events (`npm run insights:rebuild`).
      const rollups = async () =>
        rowsOf(
          await handle.db.execute(sql`
            select 'usage' as t, day::text, item_id::text, views::int, dwell_ms::bigint::text as dwell, dwells::int from item_usage_daily
            union all select 'seller', day::text, item_id::text || user_id::text, events::int, dwell_ms::bigint::text, views from item_seller_daily
            union all select 'active', day::text, user_id::text, events::int, views::text, 0 from seller_daily
            order by 1, 2, 3`),
        );
      const incremental = await rollups();
      expect(incremental.length).toBeGreaterThan(0);
      await rebuildRollups(handle.db);
      expect(await rollups()).toEqual(incremental);
    });
  });
});
