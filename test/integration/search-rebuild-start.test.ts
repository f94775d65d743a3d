// A search rebuild queues again what changed while it built its copy (search/service.ts). A change by a
// transaction begun before the rebuild and committed after it read the item carries that transaction's
// start as its updated_at: the rebuild's start must be no later, or the change is missed and an item
// archived meanwhile stays in sellers' searches.
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "@/db/schema";
import { changedSince, rebuildStart } from "@/search/service";
import { createTestApp, type TestApp } from "../setup/app";
import { createTestDatabase } from "../setup/databases";
import { createItem } from "../contract/search-fixtures";

const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)(
  `a search rebuild's start${onPostgres ? "" : " (skipped: PGlite has one connection, so no transaction is open beside the rebuild's)"}`,
  () => {
    let app: TestApp;
    let url: string;
    beforeAll(async () => {
      const handle = await createTestDatabase();
      url = handle.url!;
      app = await createTestApp({ db: handle });
    });
    afterAll(() => app?.close());

    it("goes back to the oldest open transaction, so its change committed after the rebuild read the item is queued again", async () => {
      const itemId = await createItem(app.db, { title: "Archived while the index was rebuilt" });
      const other = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const committed = await other.begin(async (tx) => {
          // The transaction has begun (its now() is fixed) before the rebuild starts.
          await tx`select 1`;
          await new Promise((r) => setTimeout(r, 50));
          const started = await rebuildStart(app.db);
          await tx`update items set status = 'archived', updated_at = now() where id = ${itemId}`;
          return started;
        });
        const [row] = await app.db.select({ updatedAt: items.updatedAt }).from(items).where(eq(items.id, itemId));
        expect(new Date(committed).getTime()).toBeLessThanOrEqual(row.updatedAt.getTime());
        expect(await changedSince(app.db, committed)).toContain(itemId);
      } finally {
        await other.end();
      }
    });

    it("is now when no other transaction is open", async () => {
      const [{ now }] = (await app.db.execute(sql`select now()::text as now`)) as unknown as { now: string }[];
      const started = await rebuildStart(app.db);
      expect(new Date(started).getTime()).toBeGreaterThanOrEqual(new Date(now).getTime());
    });
  },
);
