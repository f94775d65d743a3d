// Fault: STORAGE_DIR is full. The uploader gets a clear 507 that says nothing was saved, no partial
// blob or temp file stays on the disk, no row points at a missing file, and the app keeps serving
// (including an upload that still fits). The disk is a real 4 MB tmpfs, so the kernel says ENOSPC.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { buildMissing } from "../setup/fault-traffic";
import type { AppServer } from "../setup/server-process";
import { mountSmallDisk, type SmallDisk } from "../setup/tmpfs";

const DISK_BYTES = 4 * 1024 * 1024;
const disk = buildMissing() ? { skipped: buildMissing()! } : mountSmallDisk(DISK_BYTES);
const skip = "skipped" in disk ? disk.skipped : null;

function filesUnder(dir: string): { file: string; size: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ file: path.relative(dir, path.join(e.parentPath, e.name)), size: statSync(path.join(e.parentPath, e.name)).size }));
}

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();

describe.skipIf(skip)(`STORAGE_DIR full${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let fault: FaultApp;
  let server: AppServer;
  const storage = () => (disk as SmallDisk).dir;

  beforeAll(async () => {
    fault = await prepareFaultApp({ env: { STORAGE_DIR: storage() } });
    server = await fault.start();
  });
  afterAll(async () => {
    await server?.stop();
    await fault?.destroy();
    if (!("skipped" in disk)) disk.unmount();
  });

  const upload = (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
    return fetch(`${server.baseURL}/api/v1/items`, { method: "POST", headers: { cookie: fault.marketer.cookie }, body: form });
  };

  it("refuses an upload that does not fit with a 507 that says nothing was saved, keeps nothing of it, and keeps serving", async () => {
    const big = await noise(1500, 1200); // ~5.4 MB: larger than the whole disk
    expect(big.length).toBeGreaterThan(DISK_BYTES);
    const res = await upload(big, "too-big-for-the-disk.png");
    expect(res.status).toBe(507);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("insufficient_storage");
    expect(body.error.message).toMatch(/no room left.*nothing was saved/i);

    // Not a byte of it stays: no temp file, no object.
    expect(filesUnder(storage()).filter((f) => f.size > 0)).toEqual([]);

    // The app keeps serving, and a file that fits is still accepted and stored whole.
    expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
    const page = await fetch(`${server.baseURL}/items/${fault.itemId}`, { headers: { cookie: fault.seller.cookie } });
    expect(page.status).toBe(200);
    const small = await noise(300, 200);
    const ok = await upload(small, "fits.png");
    expect(ok.status).toBe(201);
    const item = (await ok.json()) as { id: string };
    const file = await fetch(`${server.baseURL}/api/v1/items/${item.id}/file`, { headers: { cookie: fault.marketer.cookie } });
    expect(Buffer.from(await file.arrayBuffer()).equals(small)).toBe(true);
  });

  it("leaves no row pointing at a missing file", async () => {
    await server.stop();
    const handle = await fault.open();
    try {
      const versions = rowsOf<{ filename: string; file_key: string }>(
        await handle.db.execute(sql`select filename, file_key from item_versions where file_key is not null`),
      );
      expect(versions.map((v) => v.filename)).toEqual(["fits.png"]);
      for (const v of versions) expect(existsSync(path.join(storage(), "objects", v.file_key.slice(0, 2), v.file_key))).toBe(true);
    } finally {
      await handle.close();
    }
    server = await fault.start();
  });
});
