// Item cards for the seller pages (Home, Search): the summary columns plus which preview to show as the
// card's thumbnail — the image itself (0) or the first page of the current version, or none.
import { and, desc, eq, gt, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, itemSellerDaily } from "@/db/schema";
import { type ItemType } from "@/vocabulary/library";
import type { SessionUser } from "~/modules/auth/session.server";
import { visibleItemsWhere } from "./audience.server";

export type ItemCard = { id: string; type: ItemType; title: string; summary: string; thumb: number | null };

// The newest version's previews decide; jsonb containment uses no index but touches one row per item.
// NOTE: `"items"."id"` spelled out: drizzle renders a column of the only table unqualified, and inside this
// subquery a bare "id" would mean item_versions.id.
const thumb = sql<number | null>`(
  select case when v.previews @> '[{"n":0}]'::jsonb then 0 when v.previews @> '[{"n":1}]'::jsonb then 1 end
  from item_versions v where v.item_id = "items"."id" order by v.number desc limit 1
)`;

/** The newest published items the seller may see, newest first (Home's "New and updated"). */
export async function listItemCards(db: Db, { user, limit = 15 }: { user: SessionUser; limit?: number }): Promise<ItemCard[]> {
  return db
    .select({ id: items.id, type: items.type, title: items.title, summary: items.summary, thumb })
    .from(items)
    .where(and(visibleItemsWhere(user), eq(items.status, "published")))
    .orderBy(desc(sql`coalesce(${items.publishedAt}, ${items.updatedAt})`), desc(items.id))
    .limit(Math.min(Math.max(limit, 1), 200));
}

/** Thumbnails for items already found (search hits), still through the viewer's audience. */
export async function thumbnailsFor(db: Db, { user, ids }: { user: SessionUser; ids: string[] }): Promise<Map<string, number | null>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: items.id, thumb })
    .from(items)
    .where(and(visibleItemsWhere(user), inArray(items.id, ids)));
  return new Map(rows.map((r) => [r.id, r.thumb]));
}

/** How far back the server's "Recently opened" looks: the rollup is read by the seller's key, a day a row. */
export const RECENT_DAYS = 30;

/**
 * Home's "Recently opened" from the server: items this person viewed in the last `RECENT_DAYS` days
 * (their usage rollup, so by day: the newest day first, then the most viewed that day), still published
 * and still theirs to see. The device adds what it opened since (app/offline/recent.ts).
 */
export async function recentlyOpenedCards(
  db: Db,
  { user, limit = 5, now = new Date() }: { user: SessionUser; limit?: number; now?: Date },
): Promise<ItemCard[]> {
  const d = itemSellerDaily;
  const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000).toISOString().slice(0, 10);
  const opened = db.$with("opened").as(
    db
      .select({ itemId: d.itemId, lastDay: sql<string>`max(${d.day})`.as("last_day"), views: sql<number>`sum(${d.views})`.as("views") })
      .from(d)
      .where(and(eq(d.userId, user.id), gte(d.day, since), gt(d.views, 0)))
      .groupBy(d.itemId),
  );
  return db
    .with(opened)
    .select({ id: items.id, type: items.type, title: items.title, summary: items.summary, thumb })
    .from(items)
    .innerJoin(opened, eq(opened.itemId, items.id))
    .where(and(visibleItemsWhere(user, now), eq(items.status, "published")))
    .orderBy(desc(opened.lastDay), desc(opened.views), desc(items.id))
    .limit(Math.min(Math.max(limit, 1), 50));
}
