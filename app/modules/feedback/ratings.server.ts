// "Was this useful?": a seller's answer per version, marketing's replies, and resolution by a new version.
import { rowsOf } from "@/db/client";
import { setItemUsefulness } from "@/search/usefulness";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { feedbackReplies, itemVersions, items, ratings, users } from "@/db/schema";
import { RATING_REASONS } from "@/vocabulary/feedback";
import { UUID_PATTERN, isUuid } from "@/vocabulary/ids";
import { DATE_RANGE_MESSAGE, storableDate } from "@/vocabulary/dates";
import { sessionUserById, type SessionUser } from "~/modules/auth/session.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";
import { seesWholeLibrary, visibleDuringWhere, visibleItemsWhere } from "~/modules/library/audience.server";
import { FUTURE_TOLERANCE_MS, MAX_AGE_MS } from "~/modules/usage/event-input.server";
import { itemFeedbackFrom } from "./item-feedback.server";
import { notifyFeedbackAnswered } from "~/modules/notifications/producers.server";

export const RatingInput = z.object({
  useful: z.boolean({ message: "useful must be true or false." }),
  reasons: z
    .array(z.enum(RATING_REASONS, { message: `reasons must be among: ${RATING_REASONS.join(", ")}` }))
    .max(RATING_REASONS.length)
    .optional()
    .transform((r) => [...new Set(r ?? [])]),
  comment: z
    .string()
    .trim()
    .max(2_000, "Comments are limited to 2,000 characters.")
    .optional()
    .nullable()
    .transform((c) => (c ? c : null)),
  /** When the seller answered (a phone may send it later); the latest answer wins. */
  at: z.iso.datetime({ offset: true, message: "at must be an ISO 8601 time" }).refine(storableDate, `at: ${DATE_RANGE_MESSAGE}`).optional(),
  /** The version the seller read (the form says which): by default the newest one there was at `at`. */
  versionId: z
    .string()
    .regex(UUID_PATTERN, "versionId must be a version's id.")
    .transform((v) => v.toLowerCase())
    .optional(),
});
export type RatingInput = z.infer<typeof RatingInput>;

export type SavedRating = {
  id: string;
  itemId: string;
  versionId: string;
  versionNumber: number;
  useful: boolean;
  reasons: string[];
  comment: string | null;
  at: Date;
  /** False when a newer answer was already stored and this one was ignored. */
  applied: boolean;
};

/**
 * The item if the user may see it, with its current (newest) version. `rated`: an answer a phone sends
 * later, for the version it names or the newest there was then, on an item the seller could see at some
 * moment since (it may have expired or been archived while the phone was offline).
 */
async function visibleItemWithVersion(db: Db, user: SessionUser, itemId: string, rated?: { at: Date; now: Date; versionId?: string }) {
  const missing = notFound("This item doesn't exist or isn't shared with your team.");
  // The same answer for a malformed id, a random one and one the user may not see.
  if (!isUuid(itemId)) throw missing;
  // Within the age a usage event may have (decision 019); an older answer counts from now.
  const since = rated && rated.at.getTime() >= rated.now.getTime() - MAX_AGE_MS ? rated.at : undefined;
  const visible = since
    ? visibleDuringWhere(user, sql`${since.toISOString()}::timestamptz`, sql`${rated!.now.toISOString()}::timestamptz`)
    : visibleItemsWhere(user);
  const order = rated?.versionId
    ? [desc(sql`${itemVersions.id} = ${rated.versionId}`), desc(itemVersions.number)]
    : rated
      ? [desc(sql`${itemVersions.createdAt} <= ${rated.at.toISOString()}::timestamptz`), desc(itemVersions.number)]
      : [desc(itemVersions.number)];
  const [row] = await db
    .select({ id: items.id, versionId: itemVersions.id, versionNumber: itemVersions.number })
    .from(items)
    .leftJoin(itemVersions, eq(itemVersions.itemId, items.id))
    .where(and(eq(items.id, itemId), visible))
    .orderBy(...order)
    .limit(1);
  if (!row) throw missing;
  if (!row.versionId) throw new AppError("conflict", "This item has no version to rate yet.");
  if (rated?.versionId && row.versionId !== rated.versionId) {
    throw new AppError("unprocessable", "versionId is not a version of this item.", { field: "versionId" });
  }
  return { id: row.id, versionId: row.versionId, versionNumber: row.versionNumber! };
}

/**
 * One rating per user per version: a later `at` replaces the earlier answer, an older one is ignored
 * (phones replay queued answers out of order). Changing the verdict or the comment re-opens it in
 * marketing's inbox.
 */
export async function rateItem(
  db: Db,
  { user, itemId, input, now = new Date() }: { user: SessionUser; itemId: string; input: RatingInput; now?: Date },
): Promise<SavedRating> {
  let at = input.at ? new Date(input.at) : now;
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) at = now;
  const item = await visibleItemWithVersion(db, user, itemId, { at, now, versionId: input.versionId });
  return db.transaction(async (tx) => {
    const [saved] = await tx
      .insert(ratings)
      .values({
        itemId: item.id,
        versionId: item.versionId,
        userId: user.id,
        teamId: user.teamId,
        useful: input.useful,
        reasons: input.reasons,
        comment: input.comment,
        at,
      })
      .onConflictDoUpdate({
        target: [ratings.userId, ratings.versionId],
        set: {
          useful: sql`excluded.useful`,
          reasons: sql`excluded.reasons`,
          comment: sql`excluded.comment`,
          at: sql`excluded.at`,
          teamId: sql`excluded.team_id`,
          resolvedAt: sql`case when ${ratings.useful} is distinct from excluded.useful
          or ${ratings.comment} is distinct from excluded.comment then null else ${ratings.resolvedAt} end`,
          resolvedVersionId: sql`case when ${ratings.useful} is distinct from excluded.useful
          or ${ratings.comment} is distinct from excluded.comment then null else ${ratings.resolvedVersionId} end`,
        },
        setWhere: sql`${ratings.at} < excluded.at`,
      })
      .returning();
    if (saved) {
      // Search ranks by the same fair score insights show: each rater's latest answer on the item.
      const [votes] = rowsOf<{ useful: number; total: number }>(
        await tx.execute(sql`
        select count(*) filter (where useful)::int as useful, count(*)::int as total from (
          select distinct on (user_id) useful from ${ratings} where item_id = ${item.id} order by user_id, at desc
        ) latest`),
      );
      await setItemUsefulness(tx, item.id, votes);
    }
    const row =
      saved ??
      (await tx
        .select()
        .from(ratings)
        .where(and(eq(ratings.userId, user.id), eq(ratings.versionId, item.versionId)))
        .then((r) => r[0]));
    return {
      id: row.id,
      itemId: row.itemId,
      versionId: row.versionId,
      versionNumber: item.versionNumber,
      useful: row.useful,
      reasons: row.reasons,
      comment: row.comment,
      at: row.at,
      applied: Boolean(saved),
    };
  });
}

export type ItemFeedback = {
  itemId: string;
  /** The current version, which the form names: an answer sent later is for what the seller read. */
  versionId: string | null;
  versionNumber: number | null;
  /** The user's answer on the current version, if any. */
  mine: { useful: boolean; reasons: string[]; comment: string | null; at: string } | null;
  /** Earlier answers (older versions too) that marketing replied to or resolved. */
  history: {
    versionNumber: number;
    useful: boolean;
    comment: string | null;
    replies: { body: string; at: string; author: string | null }[];
    resolvedInVersion: number | null;
  }[];
};

/** What the "Was this useful?" widget shows on the item page; replies shown here count as read. */
export async function loadItemFeedback(
  db: Db,
  {
    user,
    itemId,
    currentVersion,
    now = new Date(),
  }: {
    user: SessionUser;
    itemId: string;
    /** The item's current version when the caller has just loaded it for this user (saves a round trip). */
    currentVersion?: { versionId: string; versionNumber: number };
    now?: Date;
  },
): Promise<ItemFeedback> {
  const item =
    currentVersion ??
    (await visibleItemWithVersion(db, user, itemId).catch((e) => {
      if (e instanceof AppError && e.code === "conflict") return null;
      throw e;
    }));
  const resolvedVersion = sql<number | null>`(select v.number from ${itemVersions} v where v.id = ${ratings.resolvedVersionId})`;
  const mineRows = await db
    .select({
      id: ratings.id,
      versionId: ratings.versionId,
      versionNumber: itemVersions.number,
      useful: ratings.useful,
      reasons: ratings.reasons,
      comment: ratings.comment,
      at: ratings.at,
      resolvedInVersion: resolvedVersion,
    })
    .from(ratings)
    .innerJoin(itemVersions, eq(itemVersions.id, ratings.versionId))
    .where(and(eq(ratings.itemId, itemId), eq(ratings.userId, user.id)))
    .orderBy(desc(itemVersions.number));
  const replies = mineRows.length
    ? await db
        .select({
          id: feedbackReplies.id,
          ratingId: feedbackReplies.ratingId,
          body: feedbackReplies.body,
          at: feedbackReplies.at,
          author: users.name,
          readAt: feedbackReplies.readAt,
        })
        .from(feedbackReplies)
        .leftJoin(users, eq(users.id, feedbackReplies.authorId))
        .where(
          inArray(
            feedbackReplies.ratingId,
            mineRows.map((r) => r.id),
          ),
        )
        .orderBy(feedbackReplies.at, feedbackReplies.id)
    : [];
  return itemFeedbackFrom(db, { user, itemId, current: item, mineRows, replies, now });
}

/** For the badge on the seller's Me tab: replies from marketing not seen yet. */
export async function unreadReplyCount(db: Db, { user }: { user: Pick<SessionUser, "id"> }): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(feedbackReplies)
    .where(and(eq(feedbackReplies.recipientId, user.id), isNull(feedbackReplies.readAt)));
  return n;
}

const requireMarketing = (user: SessionUser) => {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketing can answer feedback.");
};

export const ReplyInput = z.object({
  body: z.string().trim().min(1, "Write a reply.").max(2_000, "Replies are limited to 2,000 characters."),
});

async function ratingForMarketing(db: Db, user: SessionUser, ratingId: string) {
  requireMarketing(user);
  if (!isUuid(ratingId)) throw notFound("No such feedback.");
  const [row] = await db.select().from(ratings).where(eq(ratings.id, ratingId)).limit(1);
  if (!row) throw notFound("This feedback no longer exists.");
  return row;
}

export async function replyToRating(
  db: Db,
  { user, ratingId, body, now = new Date() }: { user: SessionUser; ratingId: string; body: string; now?: Date },
) {
  const rating = await ratingForMarketing(db, user, ratingId);
  const [reply] = await db
    .insert(feedbackReplies)
    .values({
      ratingId: rating.id,
      recipientId: rating.userId,
      authorId: user.id,
      body: ReplyInput.parse({ body }).body,
      at: now,
    })
    .returning();
  // The item is named only when the seller may still open it: since they rated it, it may have gone back
  // to draft, or to another team, under a title they were never meant to read.
  const seller = await sessionUserById(db, rating.userId);
  const [visible] = seller
    ? await db
        .select({ id: items.id })
        .from(items)
        .where(and(eq(items.id, rating.itemId), visibleItemsWhere(seller)))
    : [];
  await notifyFeedbackAnswered(db, { ...reply, itemVisible: Boolean(visible) });
  return reply;
}

/**
 * Closes the loop. With `versionId` the seller sees "updated in vN"; the version must belong to the
 * rated item and be newer than the one rated.
 */
export async function resolveRating(
  db: Db,
  { user, ratingId, versionId, now = new Date() }: { user: SessionUser; ratingId: string; versionId?: string | null; now?: Date },
) {
  const rating = await ratingForMarketing(db, user, ratingId);
  let resolvedVersionId: string | null = null;
  if (versionId) {
    if (!isUuid(versionId)) throw new AppError("unprocessable", "Choose one of this item's versions.");
    const [rated] = await db.select({ number: itemVersions.number }).from(itemVersions).where(eq(itemVersions.id, rating.versionId));
    const [v] = await db
      .select({ id: itemVersions.id, number: itemVersions.number })
      .from(itemVersions)
      .where(and(eq(itemVersions.id, versionId), eq(itemVersions.itemId, rating.itemId)));
    if (!v) throw new AppError("unprocessable", "That version belongs to another item.");
    if (v.number <= rated.number)
      throw new AppError("unprocessable", `Pick a version newer than v${rated.number}, the one that was rated.`);
    resolvedVersionId = v.id;
  }
  const [row] = await db
    .update(ratings)
    .set({ resolvedAt: now, resolvedBy: user.id, resolvedVersionId })
    .where(eq(ratings.id, rating.id))
    .returning();
  return row;
}

export async function reopenRating(db: Db, { user, ratingId }: { user: SessionUser; ratingId: string }) {
  const rating = await ratingForMarketing(db, user, ratingId);
  await db.update(ratings).set({ resolvedAt: null, resolvedBy: null, resolvedVersionId: null }).where(eq(ratings.id, rating.id));
}
