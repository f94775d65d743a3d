// The "Was this useful?" widget from rows already read: by `loadItemFeedback` (ratings.server.ts), or
// in the item page's one statement (library/item-page.server.ts, decision 022).
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { feedbackReplies } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import type { ItemFeedback } from "./ratings.server";

/** The user's ratings of one item, newest version first, as the widget needs them. */
export type MyRatingRow = {
  id: string;
  versionId: string;
  versionNumber: number;
  useful: boolean;
  reasons: string[];
  comment: string | null;
  at: Date;
  resolvedInVersion: number | null;
};
/** Marketing's replies to those ratings, oldest first. */
export type MyReplyRow = { id: number; ratingId: string | null; body: string; at: Date; author: string | null; readAt: Date | null };

/**
 * The widget from rows already read (by `loadItemFeedback`, or in the item page's one statement);
 * replies shown here count as read.
 */
export async function itemFeedbackFrom(
  db: Db,
  {
    user,
    itemId,
    current: item,
    mineRows,
    replies,
    now = new Date(),
  }: {
    user: SessionUser;
    itemId: string;
    current: { versionId: string; versionNumber: number } | null | undefined;
    mineRows: MyRatingRow[];
    replies: MyReplyRow[];
    now?: Date;
  },
): Promise<ItemFeedback> {
  const unread = replies.filter((r) => !r.readAt).map((r) => r.id);
  if (unread.length) {
    await db
      .update(feedbackReplies)
      .set({ readAt: now })
      .where(and(inArray(feedbackReplies.id, unread), eq(feedbackReplies.recipientId, user.id)));
  }
  const current = item ? mineRows.find((r) => r.versionId === item.versionId) : undefined;
  return {
    itemId,
    versionId: item?.versionId ?? null,
    versionNumber: item?.versionNumber ?? null,
    mine: current ? { useful: current.useful, reasons: current.reasons, comment: current.comment, at: current.at.toISOString() } : null,
    history: mineRows
      .map((r) => ({
        versionNumber: r.versionNumber,
        useful: r.useful,
        comment: r.comment,
        replies: replies.filter((p) => p.ratingId === r.id).map((p) => ({ body: p.body, at: p.at.toISOString(), author: p.author })),
        resolvedInVersion: r.resolvedInVersion,
      }))
      .filter((h) => h.replies.length > 0 || h.resolvedInVersion !== null),
  };
}
