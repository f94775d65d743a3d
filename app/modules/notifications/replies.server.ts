// The seller's Replies list on Me: marketing's answers to their ratings and requests, unread first,
// each linking to where it can be read in context. Opening the item (or the requests page) marks it
// read, which also clears the badge on Me (app/modules/feedback/ratings.server.ts).
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { contentRequests, feedbackReplies, items, ratings, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { replyItemOpenable } from "./about-item.server";

/** `url` is null for feedback on an item the seller may no longer open: there is nowhere to read it in context. */
export type MyReply = { id: number; body: string; at: Date; author: string | null; read: boolean; about: string; url: string | null };

// The item as it is now: since the seller rated it, it may have gone back to draft or to another team.
const openable = replyItemOpenable({ ratingId: feedbackReplies.ratingId, recipientId: feedbackReplies.recipientId });

/** Replies on a page of Me: a seller who rates often collects hundreds over the years. */
export const REPLIES_PAGE = 20;

export type MyReplyPage = { replies: MyReply[]; total: number; page: number; pages: number };

/** A page of the person's replies, unread first, with how many there are (`pageWithin` clamps the page). */
export async function listMyReplyPage(db: Db, { user, page = 1 }: { user: Pick<SessionUser, "id">; page?: number }): Promise<MyReplyPage> {
  const replies = await listMyReplies(db, { user, limit: REPLIES_PAGE, offset: (page - 1) * REPLIES_PAGE });
  const [{ total }] = await db.select({ total: count() }).from(feedbackReplies).where(eq(feedbackReplies.recipientId, user.id));
  return { replies, total, page, pages: Math.max(1, Math.ceil(total / REPLIES_PAGE)) };
}

export async function listMyReplies(
  db: Db,
  { user, limit = REPLIES_PAGE, offset = 0 }: { user: Pick<SessionUser, "id">; limit?: number; offset?: number },
): Promise<MyReply[]> {
  // Only opening its item marks a reply read: one about an item the seller can no longer open would hold
  // the badge on Me for good. Marked read when the list is looked at, not counted on every page (auth/session.server.ts).
  await db
    .update(feedbackReplies)
    .set({ readAt: sql`now()` })
    .where(and(eq(feedbackReplies.recipientId, user.id), isNull(feedbackReplies.readAt), sql`not ${openable}`));
  const rows = await db
    .select({
      id: feedbackReplies.id,
      body: feedbackReplies.body,
      at: feedbackReplies.at,
      author: users.name,
      readAt: feedbackReplies.readAt,
      itemId: ratings.itemId,
      itemTitle: items.title,
      itemVisible: sql<boolean>`${openable}`,
      requestText: contentRequests.text,
    })
    .from(feedbackReplies)
    .leftJoin(users, eq(users.id, feedbackReplies.authorId))
    .leftJoin(ratings, eq(ratings.id, feedbackReplies.ratingId))
    .leftJoin(items, eq(items.id, ratings.itemId))
    .leftJoin(contentRequests, eq(contentRequests.id, feedbackReplies.requestId))
    .where(and(eq(feedbackReplies.recipientId, user.id)))
    .orderBy(sql`${feedbackReplies.readAt} is not null`, desc(feedbackReplies.at), desc(feedbackReplies.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    at: r.at,
    author: r.author,
    read: r.readAt !== null || !r.itemVisible,
    about: !r.itemId
      ? `Your request: “${(r.requestText ?? "").slice(0, 80)}”`
      : r.itemVisible
        ? `Your feedback on “${r.itemTitle}”`
        : "Your feedback on an item you can no longer open",
    url: !r.itemId ? "/requests" : r.itemVisible ? `/items/${r.itemId}#was-this-useful` : null,
  }));
}
