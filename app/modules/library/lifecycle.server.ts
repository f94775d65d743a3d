// The workflow: draft → in review → published → archived (and back to draft), with a second pair of
// eyes before anything reaches sellers, scheduled publishing, automatic expiry, and a history row
// for every move. Leaving sellers' view writes a tombstone so offline devices drop the item too.
import { and, desc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { itemTombstones, itemTransitions, itemVersions, items } from "@/db/schema";
import { ITEM_STATUSES, type ItemStatus, STATUS_LABEL } from "@/vocabulary/library";
import { queueSearchSync } from "@/search/outbox";
import { recordAudit, recordAudits, type ItemAction } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";
import { seesWholeLibrary, visibleItemsWhere } from "./audience.server";
import { isUuid } from "@/vocabulary/ids";
import { MetadataFields } from "./publishing-input.server";
import { formatDate } from "@/vocabulary/dates";

export const TransitionInput = z.object({
  to: z.enum(ITEM_STATUSES, { message: `to must be one of ${ITEM_STATUSES.join(", ")}.` }),
  comment: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().trim().max(2000, "Comments are at most 2,000 characters.").optional(),
  ),
  publishAt: MetadataFields.publishAt.optional(),
  /** The item's revision as the person saw it: a move is refused once a new version or an edit came. */
  revision: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce.number({ message: "revision must be a whole number." }).int("revision must be a whole number.").nonnegative().optional(),
  ),
});
export type TransitionInput = z.infer<typeof TransitionInput>;

const CHANGED_SINCE =
  "This item changed since you opened it (a new version or an edit). Look at it again: what you approve is what sellers get.";

/** Allowed moves. Who may make them is decided in `checkActor`. */
const MOVES: Record<ItemStatus, ItemStatus[]> = {
  draft: ["in_review", "archived"],
  in_review: ["published", "draft", "archived"],
  published: ["archived", "draft"],
  archived: ["draft"],
};

/** Who put the item into review (the author of what is being reviewed). */
async function submitterOf(db: Db, itemId: string): Promise<string | null> {
  const [row] = await db
    .select({ actorId: itemTransitions.actorId })
    .from(itemTransitions)
    .where(and(eq(itemTransitions.itemId, itemId), eq(itemTransitions.toStatus, "in_review")))
    .orderBy(desc(itemTransitions.at), desc(itemTransitions.id))
    .limit(1);
  return row?.actorId ?? null;
}

export type AllowedMove = { to: ItemStatus; label: string; needsComment?: boolean };

/** The moves this user may make on this item now, for the item page's buttons. */
export async function allowedMoves(
  db: Db,
  user: SessionUser,
  item: { id: string; status: ItemStatus; ownerId: string | null; problem: string | null },
): Promise<AllowedMove[]> {
  if (!seesWholeLibrary(user)) return [];
  const moves: AllowedMove[] = [];
  for (const to of MOVES[item.status]) {
    if (to === "published" || (item.status === "in_review" && to === "draft")) {
      const reviewer = await isReviewer(db, user, item);
      if (to === "published" && !reviewer) continue;
      if (to === "draft") {
        const submitter = await submitterOf(db, item.id);
        if (!reviewer && submitter !== user.id) continue;
        moves.push({ to, label: submitter === user.id ? "Withdraw from review" : "Reject", needsComment: submitter !== user.id });
        continue;
      }
      moves.push({ to, label: "Approve and publish" });
      continue;
    }
    if (to === "in_review" && item.problem) continue;
    moves.push({
      to,
      label:
        to === "in_review"
          ? "Submit for review"
          : to === "archived"
            ? "Archive"
            : item.status === "archived"
              ? "Restore as draft"
              : "Unpublish to draft",
    });
  }
  return moves;
}

/** A reviewer is an admin, or a marketer who neither owns the item nor submitted it. */
async function isReviewer(db: Db, user: SessionUser, item: { id: string; ownerId: string | null }) {
  if (user.role === "admin") return true;
  if (user.role !== "marketer") return false;
  if (item.ownerId === user.id) return false;
  return (await submitterOf(db, item.id)) !== user.id;
}

async function hasContent(db: Db, itemId: string, videoUrl: string | null) {
  if (videoUrl) return true;
  const [v] = await db
    .select({ fileKey: itemVersions.fileKey, bodyMd: itemVersions.bodyMd })
    .from(itemVersions)
    .where(eq(itemVersions.itemId, itemId))
    .orderBy(desc(itemVersions.number))
    .limit(1);
  return Boolean(v?.fileKey || v?.bodyMd?.trim());
}

/** The audit action for a move: one verb per kind of move, so admins can filter by it. */
function moveAction(
  from: ItemStatus,
  to: ItemStatus,
  { scheduled, bySubmitter }: { scheduled: boolean; bySubmitter: boolean },
): ItemAction {
  if (to === "archived") return "item.archived";
  if (to === "in_review") return "item.submitted";
  if (to === "published") return scheduled ? "item.scheduled" : "item.published";
  if (from === "in_review") return bySubmitter ? "item.withdrawn" : "item.rejected";
  return from === "published" ? "item.unpublished" : "item.restored";
}

/** The newest version number of each item (what a move publishes or withdraws). */
async function latestVersions(tx: Db, itemIds: string[]): Promise<Map<string, number>> {
  if (itemIds.length === 0) return new Map();
  const rows = await tx
    .select({ itemId: itemVersions.itemId, n: sql<number>`max(${itemVersions.number})::int` })
    .from(itemVersions)
    .where(inArray(itemVersions.itemId, itemIds))
    .groupBy(itemVersions.itemId);
  return new Map(rows.map((r) => [r.itemId, r.n]));
}

/** Leaving sellers' view: search forgets it and offline devices are told to delete it. */
async function tombstone(tx: Db, itemId: string) {
  await tx
    .insert(itemTombstones)
    .values({ itemId })
    .onConflictDoUpdate({ target: itemTombstones.itemId, set: { at: sql`now()` } });
}

export async function transitionItem(
  app: AppContext,
  user: SessionUser,
  itemId: string,
  input: TransitionInput,
  now = new Date(),
): Promise<{ status: ItemStatus; publishAt: Date | null }> {
  const missing = notFound("This item doesn't exist or isn't shared with your team.");
  if (!isUuid(itemId)) throw missing;
  const [item] = await app.db
    .select()
    .from(items)
    .where(and(eq(items.id, itemId), visibleItemsWhere(user, now)))
    .limit(1);
  if (!item) throw missing;
  if (!seesWholeLibrary(user)) throw forbidden("Only marketers and admins can change an item's status.");
  // A reviewer who opened v1 and pressed Approve after the author uploaded v2 published v2 unseen.
  if (input.revision !== undefined && input.revision !== item.revision) throw new AppError("conflict", CHANGED_SINCE);
  const { to } = input;
  if (!MOVES[item.status].includes(to)) {
    const hint = to === "published" && item.status === "draft" ? " Submit it for review first." : "";
    throw new AppError(
      "conflict",
      `A ${STATUS_LABEL[item.status].toLowerCase()} item cannot move to ${STATUS_LABEL[to].toLowerCase()}.${hint}`,
    );
  }

  const reviewer = await isReviewer(app.db, user, item);
  const submitter = item.status === "in_review" ? await submitterOf(app.db, itemId) : null;
  if (to === "in_review") {
    if (item.problem) throw new AppError("unprocessable", `Fix this first: ${item.problem}`);
    if (!(await hasContent(app.db, itemId, item.videoUrl))) {
      throw new AppError("unprocessable", "Add a file, a message or a video link before submitting for review.");
    }
  }
  // Found unreadable after it was submitted (the file's processing job ran late): not approvable either.
  if (to === "published" && item.problem) throw new AppError("unprocessable", `Fix this first: ${item.problem}`);
  if (to === "published" && !reviewer) {
    throw forbidden("Someone other than the author reviews an item: ask another marketer or an admin to approve it.");
  }
  if (item.status === "in_review" && to === "draft" && submitter !== user.id) {
    if (!reviewer) throw forbidden("Only a reviewer or the person who submitted it can send it back to draft.");
    if (!input.comment) throw new AppError("unprocessable", "Say what needs to change when rejecting, so the author can fix it.");
  }
  if (to === "published" && item.expiresAt && item.expiresAt <= now) {
    throw new AppError("unprocessable", "This item's expiry date has passed. Set a later expiry date, then publish.");
  }
  const scheduled = to === "published" && input.publishAt && input.publishAt.getTime() > now.getTime() + 30_000 ? input.publishAt : null;

  await app.db.transaction(async (tx) => {
    const set: Partial<typeof items.$inferInsert> = { updatedAt: now };
    if (scheduled) {
      set.publishAt = scheduled;
    } else {
      set.status = to;
      if (to === "published") {
        set.publishedAt = now;
        set.verifiedAt = now;
      }
      if (to !== "published") set.publishAt = null;
    }
    // The status in the where clause makes concurrent moves safe: the second one finds nothing. The
    // revision likewise, for a version that came between the check above and this.
    const moved = await tx
      .update(items)
      .set(set)
      .where(
        and(
          eq(items.id, itemId),
          eq(items.status, item.status),
          input.revision !== undefined ? eq(items.revision, input.revision) : undefined,
        ),
      )
      .returning({ id: items.id });
    if (moved.length === 0) {
      const [now] = await tx.select({ status: items.status }).from(items).where(eq(items.id, itemId));
      if (now?.status === item.status) throw new AppError("conflict", CHANGED_SINCE);
      throw new AppError("conflict", "Someone else changed this item's status just now. Reload to see it.");
    }
    await tx.insert(itemTransitions).values({
      itemId,
      fromStatus: item.status,
      toStatus: scheduled ? "scheduled" : to,
      actorId: user.id,
      comment: scheduled
        ? [`Approved; publishes ${scheduled.toISOString()}`, input.comment].filter(Boolean).join(" — ")
        : (input.comment ?? null),
    });
    const version = (await latestVersions(tx, [itemId])).get(itemId) ?? null;
    await recordAudit(tx, {
      actor: user,
      action: moveAction(item.status, to, { scheduled: Boolean(scheduled), bySubmitter: submitter === user.id }),
      targetType: "item",
      targetId: itemId,
      details: {
        title: item.title,
        from: item.status,
        to: scheduled ? "scheduled" : to,
        version,
        ...(input.comment ? { comment: input.comment } : {}),
        ...(scheduled ? { publishAt: scheduled.toISOString() } : {}),
      },
    });
    if (!scheduled) {
      if (item.status === "published") await tombstone(tx, itemId);
      if (to === "published") await tx.delete(itemTombstones).where(eq(itemTombstones.itemId, itemId));
    }
    await queueSearchSync(tx, [itemId]);
  });
  return { status: scheduled ? item.status : to, publishAt: scheduled };
}

/** Approved items whose scheduled time has come. Runs as a periodic job. */
/**
 * New content for an item approved for a later date: the approval was for what the reviewer read, so it
 * goes back to the review queue instead of publishing, unread, at the scheduled time.
 */
export async function withdrawScheduledApproval(tx: Db, itemId: string): Promise<void> {
  await tx
    .update(items)
    .set({ publishAt: null })
    .where(and(eq(items.id, itemId), eq(items.status, "in_review"), isNotNull(items.publishAt)));
}

export async function publishDueItems(db: Db, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(items)
      .set({ status: "published", publishedAt: now, verifiedAt: now, updatedAt: now })
      .where(and(eq(items.status, "in_review"), isNotNull(items.publishAt), lte(items.publishAt, now)))
      .returning({ id: items.id, title: items.title, publishAt: items.publishAt });
    if (due.length === 0) return 0;
    const ids = due.map((d) => d.id);
    await tx
      .insert(itemTransitions)
      .values(ids.map((itemId) => ({ itemId, fromStatus: "in_review", toStatus: "published", comment: "Published as scheduled" })));
    const versions = await latestVersions(tx, ids);
    await recordAudits(
      tx,
      due.map((d) => ({
        actor: null,
        action: "item.published",
        targetType: "item",
        targetId: d.id,
        details: {
          title: d.title,
          from: "in_review",
          to: "published",
          version: versions.get(d.id) ?? null,
          comment: "Published as scheduled",
          publishAt: d.publishAt!.toISOString(),
        },
      })),
    );
    for (const id of ids) await tx.delete(itemTombstones).where(eq(itemTombstones.itemId, id));
    await queueSearchSync(tx, ids);
    return ids.length;
  });
}

/**
 * Archives many items at once: the library table's bulk action, the same move as `transitionItem`'s to
 * archived (allowed from any other status to any marketer or admin), in the caller's transaction. Returns
 * the items it moved; ones already archived are left as they are.
 */
export async function archiveItems(tx: Db, user: SessionUser, itemIds: string[], now = new Date()) {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketers and admins can change an item's status.");
  if (itemIds.length === 0) return [];
  const before = await tx
    .select({ id: items.id, title: items.title, status: items.status })
    .from(items)
    .where(and(inArray(items.id, itemIds), sql`${items.status} <> 'archived'`))
    .for("update");
  if (before.length === 0) return [];
  const ids = before.map((b) => b.id);
  await tx
    .update(items)
    .set({ status: "archived", publishAt: null, updatedAt: now, updatedBy: user.id, revision: sql`${items.revision} + 1` as never })
    .where(inArray(items.id, ids));
  await tx
    .insert(itemTransitions)
    .values(before.map((b) => ({ itemId: b.id, fromStatus: b.status, toStatus: "archived", actorId: user.id })));
  const versions = await latestVersions(tx, ids);
  await recordAudits(
    tx,
    before.map((b) => ({
      actor: user,
      action: "item.archived",
      targetType: "item",
      targetId: b.id,
      details: { title: b.title, from: b.status, to: "archived", version: versions.get(b.id) ?? null },
    })),
  );
  for (const b of before) if (b.status === "published") await tombstone(tx, b.id);
  await queueSearchSync(tx, ids);
  return before;
}

/**
 * Published items past their expiry are archived (never deleted). `visibleItemsWhere` already hides
 * them from sellers the moment they expire; this makes it visible in the library and tells devices.
 */
export async function expireItems(db: Db, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(items)
      .set({ status: "archived", updatedAt: now })
      .where(and(eq(items.status, "published"), isNotNull(items.expiresAt), lte(items.expiresAt, now)))
      .returning({ id: items.id, title: items.title, expiresAt: items.expiresAt });
    if (expired.length === 0) return 0;
    await tx.insert(itemTransitions).values(
      expired.map((e) => ({
        itemId: e.id,
        fromStatus: "published",
        toStatus: "archived",
        comment: `Expired on ${formatDate(e.expiresAt!)}`,
      })),
    );
    const versions = await latestVersions(
      tx,
      expired.map((e) => e.id),
    );
    await recordAudits(
      tx,
      expired.map((e) => ({
        actor: null,
        action: "item.expired",
        targetType: "item",
        targetId: e.id,
        details: {
          title: e.title,
          from: "published",
          to: "archived",
          version: versions.get(e.id) ?? null,
          comment: `Expired on ${formatDate(e.expiresAt!)}`,
        },
      })),
    );
    for (const e of expired) await tombstone(tx, e.id);
    await queueSearchSync(
      tx,
      expired.map((e) => e.id),
    );
    return expired.length;
  });
}
