// The shared KPIs marketing and sales leaders read on one page.
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { contentRequests, itemSellerDaily, ratings, searchQueries, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { median, type DayRange } from "~/modules/feedback/score.server";
import { insightScope, inTeams, utcStart, utcEnd, num, round } from "./scope.server";

export type AlignmentKpis = {
  range: DayRange;
  activeSellers: number;
  sellers: number;
  /** Distinct items each active seller used, on average. */
  contentPerSeller: number | null;
  ratings: number;
  /** Share of latest ratings that said "useful". */
  usefulShare: number | null;
  gapsOpened: number;
  gapsClosed: number;
  zeroResultSearches: number;
  /** Median days from a request to the content that answered it (requests done in the range). */
  medianDaysToContent: number | null;
};

/** The shared KPIs marketing and sales leaders read on one page, computed one way for both. */
export async function alignmentKpis(
  db: Db,
  { user, range, teamId }: { user: SessionUser; range: DayRange; teamId?: string | null },
): Promise<AlignmentKpis> {
  const scope = insightScope(user, teamId);
  const from = utcStart(range.from);
  const to = utcEnd(range.to);
  const d = itemSellerDaily;
  const u = alias(users, "u");
  const [usage] = rowsOf<{ active: number; pairs: number }>(
    // NOTE: distinct pairs, then per seller, by hash aggregates: count(distinct) sorts, 3-4× slower here.
    await db.execute(sql`
      select count(*)::int as active, coalesce(sum(x.items), 0)::int as pairs from (
        select p.user_id, count(*) as items from (
          select ${d.userId} as user_id, ${d.itemId} as item_id from ${itemSellerDaily}
          where ${d.day} between ${range.from}::date and ${range.to}::date and ${inTeams(d.teamId, scope)}
          group by ${d.userId}, ${d.itemId}
        ) p group by p.user_id
      ) x join ${users} ${u} on ${u.id} = x.user_id and ${u.role} = 'seller' and ${u.active} and ${inTeams(u.teamId, scope)}`),
  );
  const [sellers] = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from ${users} where ${users.role} = 'seller' and ${users.active} and ${inTeams(users.teamId, scope)}`,
    ),
  );
  const r = ratings;
  const [rated] = rowsOf<{ yes: number; total: number }>(
    await db.execute(sql`
      select count(*) filter (where useful)::int as yes, count(*)::int as total from (
        select distinct on (${r.itemId}, ${r.userId}) ${r.useful} as useful from ${ratings}
        where ${r.at} >= ${from} and ${r.at} < ${to} and ${inTeams(r.teamId, scope)}
        order by ${r.itemId}, ${r.userId}, ${r.at} desc) l`),
  );
  const c = contentRequests;
  const [requests] = rowsOf<{ opened: number; closed: number }>(
    await db.execute(sql`
      select count(*) filter (where ${c.createdAt} >= ${from} and ${c.createdAt} < ${to})::int as opened,
             count(*) filter (where ${c.status} = 'done' and ${c.closedAt} >= ${from} and ${c.closedAt} < ${to})::int as closed
      from ${contentRequests} where ${inTeams(c.teamId, scope)}`),
  );
  const durations = rowsOf<{ days: number }>(
    await db.execute(sql`
      select extract(epoch from ${c.closedAt} - ${c.createdAt})::float8 / 86400 as days from ${contentRequests}
      where ${c.status} = 'done' and ${c.closedAt} >= ${from} and ${c.closedAt} < ${to} and ${inTeams(c.teamId, scope)}`),
  );
  const q = searchQueries;
  const [zero] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from ${searchQueries}
      where ${q.resultCount} = 0 and ${q.at} >= ${from} and ${q.at} < ${to} and ${inTeams(q.teamId, scope)}`),
  );
  const active = num(usage.active);
  const medianDays = median(durations.map((d) => num(d.days)));
  return {
    range,
    activeSellers: active,
    sellers: num(sellers.n),
    contentPerSeller: active ? round(num(usage.pairs) / active, 2) : null,
    ratings: num(rated.total),
    usefulShare: num(rated.total) ? round(num(rated.yes) / num(rated.total)) : null,
    gapsOpened: num(requests.opened),
    gapsClosed: num(requests.closed),
    zeroResultSearches: num(zero.n),
    medianDaysToContent: medianDays === null ? null : round(medianDays, 1),
  };
}
