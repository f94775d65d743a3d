// Marketing's to-do list over the library: unused, stale, expiring and lowest-rated items.
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { itemUsageDaily, items, ratings } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { forbidden } from "~/modules/errors.server";
import { DAY_MS, wilsonLowerBound } from "~/modules/feedback/score.server";
import { expiringWithin, staleAt, verifyDue } from "~/modules/library/trust-rules.server";
import { num } from "./scope.server";

const i = alias(items, "i");
const u = alias(itemUsageDaily, "u");

export type HealthItem = { itemId: string; title: string; type: string; detail: string };
export type LibraryHealth = { unused: HealthItem[]; stale: HealthItem[]; expiring: HealthItem[]; lowestRated: HealthItem[] };

/** Wilson upper bound: an item is "lowest rated" only when even the optimistic estimate is low. */
export function wilsonUpperBound(positive: number, total: number, z = 1.959963984540054): number {
  if (total <= 0) return 1;
  return 1 - wilsonLowerBound(total - positive, total, z);
}

/** The library's "expiring" tile and filter look this far ahead; so does the health list. */
export const EXPIRING_DAYS = 30;

/**
 * Marketing's to-do list: published ≥ 30 days with no view in the last 30, past their verification
 * interval, expiring within 30 days (or expired, until the sweep archives it), and the lowest rated (by
 * Wilson upper bound, at least 3 ratings).
 */
/** How many of each list the page's figures count to ("100+"). */
export const LISTED = 100;
const LOWEST_LISTED = 10;
/** "No limit" for the query builder: more rows than a library holds. */
const ALL_ROWS = 2 ** 31 - 1;

export async function libraryHealth(
  db: Db,
  {
    user,
    now = new Date(),
    all = false,
  }: {
    user: SessionUser;
    now?: Date;
    /** Every row of each list (the CSV): the page shows a few, counts to 100 and points to the CSV for the rest. */
    all?: boolean;
  },
): Promise<LibraryHealth> {
  if (user.role !== "marketer" && user.role !== "admin") throw forbidden("Library health is for marketing and admins.");
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const sinceDay = monthAgo.toISOString().slice(0, 10);
  const published = sql`${i.status} = 'published'`;
  const unused = rowsOf<{ itemId: string; title: string; type: string; publishedAt: Date | string }>(
    await db.execute(sql`
      select ${i.id} as "itemId", ${i.title} as title, ${i.type} as type, ${i.publishedAt} as "publishedAt" from ${items} ${i}
      where ${published} and ${i.publishedAt} <= ${monthAgo.toISOString()}::timestamptz
        and not exists (select 1 from ${itemUsageDaily} ${u} where ${u.itemId} = ${i.id} and ${u.day} >= ${sinceDay}::date and ${u.views} > 0)
      order by ${i.publishedAt}, ${i.title} ${all ? sql`` : sql`limit ${LISTED}`}`),
  );
  // Stale and expiring are the library's own rules (its "Needs attention" tiles link to the same lists).
  const stale = await db
    .select({ itemId: items.id, title: items.title, type: items.type, due: sql<Date | string>`${verifyDue}` })
    .from(items)
    .where(staleAt(now))
    .orderBy(verifyDue, items.title)
    .limit(all ? ALL_ROWS : LISTED);
  const expiring = await db
    .select({ itemId: items.id, title: items.title, type: items.type, expiresAt: items.expiresAt })
    .from(items)
    .where(expiringWithin(now, EXPIRING_DAYS))
    .orderBy(items.expiresAt, items.title)
    .limit(all ? ALL_ROWS : LISTED);
  const r = ratings;
  const rated = rowsOf<{ itemId: string; title: string; type: string; yes: number; total: number }>(
    await db.execute(sql`
      select ${i.id} as "itemId", ${i.title} as title, ${i.type} as type, count(*) filter (where l.useful)::int as yes, count(*)::int as total
      from (
        select distinct on (${r.itemId}, ${r.userId}) ${r.itemId} as item_id, ${r.useful} as useful from ${ratings}
        order by ${r.itemId}, ${r.userId}, ${r.at} desc
      ) l
      join ${items} ${i} on ${i.id} = l.item_id
      where ${published}
      group by ${i.id}, ${i.title}, ${i.type} having count(*) >= 3`),
  );
  const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
  return {
    unused: unused.map((r) => ({
      itemId: r.itemId,
      title: r.title,
      type: r.type,
      detail: `Published ${day(r.publishedAt)}, no views in 30 days`,
    })),
    stale: stale.map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `Verification was due ${day(r.due)}` })),
    expiring: expiring.map((r) => ({
      itemId: r.itemId,
      title: r.title,
      type: r.type,
      detail: `${r.expiresAt! <= now ? "Expired" : "Expires"} ${day(r.expiresAt!)}`,
    })),
    lowestRated: rated
      .map((r) => ({ ...r, upper: wilsonUpperBound(num(r.yes), num(r.total)) }))
      .sort((a, b) => a.upper - b.upper || a.title.localeCompare(b.title))
      .slice(0, all ? undefined : LOWEST_LISTED)
      .map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `${r.yes} of ${r.total} found it useful` })),
  };
}
