// Changing a live link's items while the link is revoked in another request: whichever commits first wins,
// and a change that waited for the link's lock sees the revoke, instead of adding to a revoked link.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShare } from "~/modules/shares/shares.server";
import { addShareItems, removeShareItem } from "~/modules/shares/share-items.server";
import { auditLog, items, itemVersions, shareItems, shares } from "@/db/schema";
import { createTestApp, createUser, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";

const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)(
  `a change to a link's items waiting on a revoke${onPostgres ? "" : " (skipped: PGlite has one connection, so no transaction holds the link beside the change's)"}`,
  () => {
    let app: TestApp;
    let seller: ReturnType<typeof sessionUser>;
    const itemIds: string[] = [];

    beforeAll(async () => {
      app = await createTestApp();
      seller = sessionUser(await createUser(app));
      const rows = await app.db
        .insert(items)
        .values(
          ["Lock deck", "Lock one-pager", "Lock price sheet"].map((title) => ({
            type: "one_pager" as const,
            title,
            status: "published" as const,
            publishedAt: new Date(Date.now() - 86_400_000),
          })),
        )
        .returning();
      await app.db.insert(itemVersions).values(rows.map((r) => ({ itemId: r.id, number: 1 })));
      itemIds.push(...rows.map((r) => r.id));
    });
    afterAll(() => app.close());

    /** Revokes the link in a transaction that holds its row until `change` has had time to queue behind it. */
    async function revokeWhile<T>(shareId: string, change: () => Promise<T>): Promise<T | { code: string }> {
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const revoking = app.db.transaction(async (tx) => {
        await tx.update(shares).set({ revokedAt: new Date() }).where(eq(shares.id, shareId));
        locked();
        await held;
      });
      await isLocked;
      const changing = change().catch((error: { code: string }) => error);
      // Long enough for the change to read the link (still open: the revoke has not committed) and to wait
      // for its lock.
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await revoking;
      return changing;
    }

    it("adds nothing to a link revoked while the add waited", async () => {
      const { share } = await createShare(app, { user: seller, input: { itemIds: [itemIds[0]] } });
      const result = await revokeWhile(share.id, () => addShareItems(app, { user: seller, id: share.id, itemIds: [itemIds[1]] }));
      expect(result).toMatchObject({ code: "conflict" });
      expect(await app.db.select().from(shareItems).where(eq(shareItems.shareId, share.id))).toHaveLength(1);
      expect((await app.db.select().from(auditLog).where(eq(auditLog.targetId, share.id))).map((a) => a.action)).not.toContain(
        "share.items_added",
      );
    });

    it("takes nothing off a link revoked while the change waited", async () => {
      const { share } = await createShare(app, { user: seller, input: { itemIds: [itemIds[0], itemIds[2]] } });
      const result = await revokeWhile(share.id, () => removeShareItem(app.db, { user: seller, id: share.id, position: 1 }));
      expect(result).toMatchObject({ code: "conflict" });
      const rows = await app.db.select().from(shareItems).where(eq(shareItems.shareId, share.id));
      expect(rows.map((r) => r.removedAt)).toEqual([null, null]);
    });
  },
);
