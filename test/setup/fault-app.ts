// Fault tests run their own app processes (they kill and restart them), so they prepare their own
// database first: migrated, with a marketer, a seller and a published item, and session cookies
// signed with the secret the server will use. PGlite lives in the app's DATA_DIR and is single-process,
// so `open()` is only for while the server is stopped; on PostgreSQL it works at any time.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { AppContext } from "~/modules/context.server";
import { createDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { items, itemVersions, teams } from "@/db/schema";
import { loadEnv } from "~/env.server";
import { cookieFor, createUser } from "./app";
import { dropDatabase as dropServerDatabase, pgliteDataDirFromTemplate, withDatabase } from "./databases";
import { startAppServer, type AppServer } from "./server-process";

export type FaultApp = {
  /** Env for startAppServer: production mode (what users run), no demo seed. */
  env: Record<string, string>;
  dataDir: string;
  marketer: { id: string; cookie: string };
  seller: { id: string; cookie: string };
  /** A published item visible to the seller. */
  itemId: string;
  /** Opens the app's database from the test (PGlite: only while no server runs on it). */
  open(): Promise<DbHandle>;
  start(extra?: Record<string, string>): Promise<AppServer>;
  destroy(): Promise<void>;
};

/**
 * `databaseUrl`: a server of the test's own; otherwise PostgreSQL at DATABASE_URL (a fresh database)
 * when set, else PGlite in the app's data directory — the same engine the rest of the CI pass uses.
 */
export async function prepareFaultApp(options: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<FaultApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-fault-"));
  const secret = randomBytes(24).toString("hex");
  let url = options.databaseUrl ?? "";
  let dropDatabase: (() => Promise<void>) | undefined;
  const adminUrl = process.env.DATABASE_URL;
  if (!url && adminUrl) {
    const name = `fieldkit_e2e_fault_${randomBytes(4).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`).finally(() => admin.end());
    url = withDatabase(adminUrl, name);
    dropDatabase = async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropServerDatabase(a, name).finally(() => a.end());
    };
  }
  const open = () => createDb(url ? { url, max: 4 } : { dataDir: path.join(dataDir, "pglite") });

  const handle = (url ? undefined : await pgliteDataDirFromTemplate(dataDir)) ?? (await open());
  let prepared: Pick<FaultApp, "marketer" | "seller" | "itemId">;
  try {
    await migrateDb(handle);
    const ctx = {
      env: loadEnv({ NODE_ENV: "test", DATA_DIR: dataDir, SESSION_SECRET: secret }),
      db: handle.db,
      dbHandle: handle,
      services: {},
    } satisfies AppContext;
    const [team] = await handle.db.insert(teams).values({ name: "Fault team", region: "East" }).returning();
    const marketer = await createUser(ctx, { role: "marketer" });
    const seller = await createUser(ctx, { role: "seller", teamId: team.id });
    const [item] = await handle.db
      .insert(items)
      .values({
        type: "talk_track",
        title: "Fault tolerance talk track",
        status: "published",
        publishedAt: new Date(),
        ownerId: marketer.id,
      })
      .returning({ id: items.id });
    const body = "Open with the **uptime** story: a database restart costs a few 503s, never a lost order.";
    await handle.db.insert(itemVersions).values({ itemId: item.id, number: 1, changelog: "First version", bodyMd: body, text: body });
    prepared = {
      marketer: { id: marketer.id, cookie: await cookieFor(ctx, marketer.id) },
      seller: { id: seller.id, cookie: await cookieFor(ctx, seller.id) },
      itemId: item.id,
    };
  } finally {
    await handle.close();
  }

  const env = { NODE_ENV: "production", SESSION_SECRET: secret, DATA_DIR: dataDir, DATABASE_URL: url, DEMO_SEED: "false", ...options.env };
  return {
    env,
    dataDir,
    ...prepared,
    open,
    start: (extra = {}) => startAppServer({ ...env, ...extra }),
    destroy: async () => {
      await dropDatabase?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
