// The shared KPIs marketing and sales leaders read on one page.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
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
  const [usage] = rowsOf<{ active: number; pairs: number }>(
    // NOTE: distinct pairs, then per seller, by hash aggregates: count(distinct) sorts, 3-4× slower here.
    await db.execute(sql`
      select count(*)::int as active, coalesce(sum(x.items), 0)::int as pairs from (
        select p.user_id, count(*) as items from (
          select user_id, item_id from item_seller_daily
          where day between ${range.from}::date and ${range.to}::date and ${inTeams("team_id", scope)}
          group by user_id, item_id
        ) p group by p.user_id
      ) x join users u on u.id = x.user_id and u.role = 'seller'`),
  );
  const [sellers] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from users where role = 'seller' and active and ${inTeams("team_id", scope)}`),
  );
  const [rated] = rowsOf<{ yes: number; total: number }>(
    await db.execute(sql`
      select count(*) filter (where useful)::int as yes, count(*)::int as total from (
        select distinct on (item_id, user_id) useful from ratings
        where at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
        order by item_id, user_id, at desc) l`),
  );
  const [requests] = rowsOf<{ opened: number; closed: number }>(
    await db.execute(sql`
      select count(*) filter (where created_at >= ${utcStart(range.from)} and created_at < ${utcEnd(range.to)})::int as opened,
             count(*) filter (where status = 'done' and closed_at >= ${utcStart(range.from)} and closed_at < ${utcEnd(range.to)})::int as closed
      from content_requests where ${inTeams("team_id", scope)}`),
  );
  const durations = rowsOf<{ days: number }>(
    await db.execute(sql`
      select extract(epoch from closed_at - created_at)::float8 / 86400 as days from content_requests
      where status = 'done' and closed_at >= ${utcStart(range.from)} and closed_at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}`),
  );
  const [zero] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from search_queries
      where result_count = 0 and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}`),
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
