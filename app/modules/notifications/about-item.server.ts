// What a notification (or a reply on Me) may still say about its item. It was written while its person
// could open the item; since then the item may have gone back to draft, been archived or expired (by the
// clock, with no change to hook), or moved to another team's audience. So every place that shows one (the
// list, the API, digests, mail, push) asks here when it shows it, by the item page's own rule
// (visibleItemsWhereForViewer), and gives a neutral line instead of the item's title and link. Such a
// notification (or reply) is marked read when its list is looked at: the badge would otherwise stay on
// until the person opened what they cannot.
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { items, ratings, type NotificationKind } from "@/db/schema";
import { visibleItemsWhereForViewer } from "~/modules/library/audience.server";

/**
 * Every producer links the item a notification is about as `/items/<id>…` (its page, its feedback, its
 * edit form): that link is how a stored notification names its item. The key is the 36 characters after
 * `/items/`, uncast: cheap per row, where a regular expression per row made a look at 5,000 unread take
 * 54 ms, so marking them read (notify.server.ts) groups by the key and checks each distinct key once.
 */
export const notificationItemKey = (url: SQL | AnyPgColumn) => sql`case when left(${url}, 7) = '/items/' then substr(${url}, 8, 36) end`;

/** The key as an item id; null when the link names no item. */
const itemIdOf = (key: SQL) =>
  sql`case when ${key} ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${key})::uuid end`;

/** `userId` as the `viewer` row the item page's rule reads (role, team, the teams they lead). */
const itemOpenableBy = (userId: SQL | AnyPgColumn, item: SQL) =>
  sql`exists (select 1 from ${items} join users viewer on viewer.id = ${userId}
    where ${items.id} = ${item} and ${visibleItemsWhereForViewer()})`;

/** True when the key names no item, or one `userId` may open now. */
export const itemKeyOpenableBy = (userId: SQL | AnyPgColumn, key: SQL): SQL =>
  sql`(${itemIdOf(key)} is null or ${itemOpenableBy(userId, itemIdOf(key))})`;

/** True when the notification names no item, or one its person may open now: plain SQL over the row's own columns. */
export const notificationItemOpenable = (n: { userId: SQL | AnyPgColumn; url: SQL | AnyPgColumn }): SQL =>
  itemKeyOpenableBy(n.userId, notificationItemKey(n.url));

/** True for a reply to a request, or to a rating of an item its recipient may open now. */
export const replyItemOpenable = (r: { ratingId: SQL | AnyPgColumn; recipientId: SQL | AnyPgColumn }): SQL =>
  sql`(${r.ratingId} is null or ${itemOpenableBy(r.recipientId, sql`(select rt.item_id from ${ratings} rt where rt.id = ${r.ratingId})`)})`;

/** What the producers say when the item may not be named (they use these too, so both read the same). */
export const NEUTRAL = {
  feedbackAnswered: { title: "Marketing replied to your feedback", url: "/me" },
  requestFulfilled: { title: "Your content request was fulfilled", url: "/requests" },
} as const;

/**
 * The notification as its person may see it now. The item's title and link go; a body that is the
 * person's own words or marketing's reply to them stays (it says nothing of the item they did not know),
 * one written from the item (a changelog) goes.
 */
export function shownNotification<T extends { kind: NotificationKind; title: string; body: string; url: string | null }>(
  n: T,
  openable: boolean,
): T {
  if (openable) return n;
  switch (n.kind) {
    case "feedback_answered":
      return { ...n, ...NEUTRAL.feedbackAnswered };
    case "request_fulfilled":
      return { ...n, ...NEUTRAL.requestFulfilled };
    case "saved_item_updated":
      return { ...n, title: "An item you used has a new version, but you can no longer open it", body: "", url: null };
    default:
      return { ...n, title: "A notification about an item you can no longer open", body: "", url: null };
  }
}
