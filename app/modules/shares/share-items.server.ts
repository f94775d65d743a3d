// What a live link holds, changed after it was sent: an item added below the others ("and the pricing
// sheet you asked about"), or one taken off (the wrong deck, last quarter's prices). Only the owner may
// change a link that is still open; every change is audited in the same transaction.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { items, shareItems, shares } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { uuidSchema } from "~/modules/validation.server";
import { isUuid } from "@/vocabulary/ids";
import { MAX_SHARE_ITEMS, MAX_SHARE_POSITIONS } from "@/vocabulary/shares";
import { countAsSellerShare, ownShare, requireShareable, type ShareRow } from "./shares.server";

/** `POST /api/v1/shares/:id/items`: the items to add (or put back). */
export const AddItemsInput = z.object({
  itemIds: z
    .array(uuidSchema(), { message: "itemIds: the items to add, as an array of ids." })
    .min(1, "Choose an item to add.")
    .max(MAX_SHARE_ITEMS, `A link holds at most ${MAX_SHARE_ITEMS} items.`),
});

function requireOpen(share: Pick<ShareRow, "revokedAt" | "expiresAt">, now: Date, doing: string) {
  if (share.revokedAt) throw new AppError("conflict", "This share was revoked; create a new one instead.");
  if (share.expiresAt <= now) throw new AppError("conflict", `This link has expired: extend it first, then ${doing}.`);
}

/**
 * The link's rows, taken off or not, locked: two changes at once (two tabs, a retried tap) go one after the
 * other. The link is checked again once locked: a revoke that committed while this waited wins.
 */
async function lockedRows(tx: Db, shareId: string, now: Date, doing: string) {
  const [locked] = await tx
    .select({ revokedAt: shares.revokedAt, expiresAt: shares.expiresAt })
    .from(shares)
    .where(eq(shares.id, shareId))
    .for("update");
  requireOpen(locked, now, doing);
  return tx
    .select({ position: shareItems.position, itemId: shareItems.itemId, removedAt: shareItems.removedAt })
    .from(shareItems)
    .where(eq(shareItems.shareId, shareId));
}

/**
 * Adds items to a live link, after the ones it holds: the buyer finds them at the address they already
 * have, where a new link meant a second mail and engagement split in two. Each item is checked as at
 * creation; items on the link are skipped; one taken off earlier comes back at its old place, with what
 * the buyer read of it. Ten on the link at most. Returns the ids added and the ids put back.
 */
export async function addShareItems(
  app: AppContext,
  { user, id, itemIds, now = new Date() }: { user: SessionUser; id: string; itemIds: string[]; now?: Date },
): Promise<{ added: string[]; restored: string[] }> {
  const share = await ownShare(app.db, user, id);
  requireOpen(share, now, "add to it");
  const wanted = [...new Set(itemIds.filter(isUuid).map((i) => i.toLowerCase()))];
  if (wanted.length === 0) throw new AppError("bad_request", "Choose an item to add.");
  await requireShareable(app.db, user, wanted, now);
  const done = await app.db.transaction(async (tx) => {
    const rows = await lockedRows(tx, share.id, now, "add to it");
    const onLink = rows.filter((r) => !r.removedAt).length;
    const restored = rows.filter((r) => r.removedAt && wanted.includes(r.itemId));
    const added = wanted.filter((itemId) => !rows.some((r) => r.itemId === itemId));
    if (onLink + restored.length + added.length > MAX_SHARE_ITEMS)
      throw new AppError("unprocessable", `A link holds at most ${MAX_SHARE_ITEMS} items; this one has ${onLink}.`);
    // Positions are never reused (what a buyer read is kept per position), so a link's life has a bound too.
    if (rows.length + added.length > MAX_SHARE_POSITIONS)
      throw new AppError("unprocessable", `This link has held ${rows.length} different items; create a new share for more.`);
    if (added.length === 0 && restored.length === 0) return { added, restored: [], last: 0 };
    const last = Math.max(0, ...rows.map((r) => r.position));
    if (added.length) await tx.insert(shareItems).values(added.map((itemId, i) => ({ shareId: share.id, position: last + i + 1, itemId })));
    for (const r of restored)
      await tx
        .update(shareItems)
        .set({ removedAt: null })
        .where(and(eq(shareItems.shareId, share.id), eq(shareItems.position, r.position)));
    await tx.update(shares).set({ updatedAt: now }).where(eq(shares.id, share.id));
    const restoredIds = restored.map((r) => r.itemId);
    await recordAudit(tx, {
      actor: user,
      action: "share.items_added",
      targetType: "share",
      targetId: share.id,
      details: { itemIds: added, ...(restoredIds.length ? { restored: restoredIds } : {}) },
    });
    return { added, restored: restoredIds, last };
  });
  // An item put back was counted as shared when it was first sent.
  if (done.added.length) await countAsSellerShare(app, user, share.id, done.added, now, done.last);
  return { added: done.added, restored: done.restored };
}

/**
 * Takes the item at `position` off a live link: from then on the buyer's page leaves it out, and its pages
 * and file answer as a link that is not available. What the buyer read of it stays on the seller's page.
 * A link's last item is not taken off: revoking says what happened, an empty page would not. Taking off
 * an item already off does nothing, so a retried tap never errors. Returns the item taken off.
 */
export async function removeShareItem(
  db: Db,
  { user, id, position, now = new Date() }: { user: SessionUser; id: string; position: number; now?: Date },
): Promise<{ id: string; title: string }> {
  const share = await ownShare(db, user, id);
  requireOpen(share, now, "change it");
  return db.transaction(async (tx) => {
    const rows = await lockedRows(tx, share.id, now, "change it");
    const row = rows.find((r) => r.position === position);
    if (!row) throw new AppError("bad_request", "That item is not on this link.");
    const [item] = await tx.select({ id: items.id, title: items.title }).from(items).where(eq(items.id, row.itemId));
    if (row.removedAt) return item;
    if (rows.filter((r) => !r.removedAt).length === 1)
      throw new AppError("conflict", "This is the link's only item: revoke the link instead, or add another item first.");
    await tx
      .update(shareItems)
      .set({ removedAt: now })
      .where(and(eq(shareItems.shareId, share.id), eq(shareItems.position, position)));
    await tx.update(shares).set({ updatedAt: now }).where(eq(shares.id, share.id));
    await recordAudit(tx, {
      actor: user,
      action: "share.item_removed",
      targetType: "share",
      targetId: share.id,
      details: { itemId: row.itemId, title: item.title, position },
    });
    return item;
  });
}
