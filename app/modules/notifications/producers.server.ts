// The events people are told about, one function each, called in one line from where the change
// happens (inside its transaction). Each decides who hears about it and what the notification says.
import { and, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { rowsOf } from "@/db/client";
import { items, ratings, users } from "@/db/schema";
import { NEUTRAL } from "./about-item.server";
import { notify, notifyCtes } from "./notify.server";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

const clip = (s: string, n = 140) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Marketing replied to a rating (`ratingId`) or a request (`requestId`). A rating's item is named only
 * when the caller says the recipient may still open it (`itemVisible`).
 */
export async function notifyFeedbackAnswered(
  db: AnyDb,
  reply: { recipientId: string; ratingId?: string | null; requestId?: string | null; body: string; itemVisible?: boolean },
) {
  if (reply.ratingId && !reply.itemVisible) {
    await notify(db, {
      to: reply.recipientId,
      kind: "feedback_answered",
      ...NEUTRAL.feedbackAnswered,
      body: clip(reply.body),
    });
  } else if (reply.ratingId) {
    const [about] = await db
      .select({ itemId: items.id, title: items.title })
      .from(ratings)
      .innerJoin(items, eq(items.id, ratings.itemId))
      .where(eq(ratings.id, reply.ratingId));
    if (!about) return;
    await notify(db, {
      to: reply.recipientId,
      kind: "feedback_answered",
      title: `Marketing replied to your feedback on “${about.title}”`,
      body: clip(reply.body),
      url: `/items/${about.itemId}#was-this-useful`,
    });
  } else if (reply.requestId) {
    await notify(db, {
      to: reply.recipientId,
      kind: "feedback_answered",
      title: "Marketing replied to your content request",
      body: clip(reply.body),
      url: "/requests",
    });
  }
}

/** A request moved to done (from anything else): its author hears which item answers it. */
export async function notifyRequestFulfilled(
  db: AnyDb,
  request: { id: string; userId: string; text: string; answerItemId: string | null },
) {
  const [item] = request.answerItemId ? await db.select({ title: items.title }).from(items).where(eq(items.id, request.answerItemId)) : [];
  await notify(db, {
    to: request.userId,
    kind: "request_fulfilled",
    title: item ? `Your request was answered: “${item.title}”` : NEUTRAL.requestFulfilled.title,
    body: `You asked: “${clip(request.text, 100)}”`,
    url: request.answerItemId ? `/items/${request.answerItemId}` : NEUTRAL.requestFulfilled.url,
    dedupeKey: `request_fulfilled:${request.id}`,
  });
}

/** A seller asked for content: marketing (and admins, who may turn it off) hear about it. */
export async function notifyNewRequest(db: AnyDb, request: { id: string; userId: string; text: string }) {
  const desk = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.role, ["marketer", "admin"]), eq(users.active, true), ne(users.id, request.userId)));
  const [author] = await db.select({ name: users.name }).from(users).where(eq(users.id, request.userId));
  await notify(db, {
    to: desk.map((u) => u.id),
    kind: "new_request",
    title: `New content request from ${author?.name ?? "a seller"}`,
    body: clip(request.text),
    url: "/feedback/requests",
    dedupeKey: `new_request:${request.id}`,
  });
}

/**
 * A published item got version `number`. Saved copies live on each device, where the server cannot see
 * them; the people told are those who used the item (viewed, shared or downloaded it) in the last 90
 * days and may still see it. Their saved copy refreshes at the next sync; this says why it changed.
 */
export async function notifyItemUpdated(
  db: AnyDb,
  { itemId, number, changelog, actorId }: { itemId: string; number: number; changelog?: string | null; actorId?: string | null },
) {
  const [item] = await db.select({ title: items.title, status: items.status }).from(items).where(eq(items.id, itemId));
  if (!item || item.status !== "published") return;
  const users_ = rowsOf<{ id: string }>(
    await db.execute(sql`
      select distinct d.user_id as id from item_seller_daily d
      join users u on u.id = d.user_id and u.active and u.role in ('seller', 'manager')
      where d.item_id = ${itemId}::uuid and d.day >= (now() - interval '90 days')::date
        and (d.views + d.shares + d.downloads) > 0 and d.user_id is distinct from ${actorId ?? null}::uuid
        and (not exists (select 1 from item_audiences a where a.item_id = ${itemId}::uuid)
             or exists (select 1 from item_audiences a where a.item_id = ${itemId}::uuid
                        and (a.team_id = u.team_id or a.team_id in (select team_id from team_leads l where l.user_id = u.id))))`),
  );
  await notify(db, {
    to: users_.map((u) => u.id),
    kind: "saved_item_updated",
    title: `“${item.title}” has a new version (v${number})`,
    body: changelog ? clip(changelog) : "",
    url: `/items/${itemId}`,
    dedupeKey: `saved_item_updated:${itemId}:${number}`,
  });
}

/**
 * The first open of a buyer share (issue #15): its seller hears about it once. Written by the statement
 * that stores the buyer's events (app/modules/shares/buyer.server.ts), which finds the first open:
 * `opened` yields the share's id, user_id, recipient_name and recipient_email.
 */
export function shareOpenedNoticeCtes(opened: SQL, now: Date): SQL {
  return notifyCtes(
    "share_opened",
    sql`select o.user_id, coalesce(nullif(o.recipient_name, ''), nullif(o.recipient_email, ''), 'Your buyer') || ' opened your share' as title,
          '' as body, '/shares/' || o.id as url, 'share_opened:' || o.id as dedupe_key
        from (${opened}) o`,
    now,
  );
}
