// One item's insight page: totals, views per day, why people rated it so, comments, and the searches
// that led to it.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { RATING_REASONS } from "@/vocabulary/feedback";
import { isUuid } from "@/vocabulary/ids";
import type { SessionUser } from "~/modules/auth/session.server";
import { notFound } from "~/modules/errors.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { itemInsights, type ItemInsight } from "./item-insights.server";
import { insightScope, inTeams, usageTable, utcStart, utcEnd, num, daysOf } from "./scope.server";

export type ItemDetail = {
  item: ItemInsight | null;
  title: string;
  trend: { day: string; views: number }[];
  reasons: { reason: string; count: number }[];
  comments: { useful: boolean; comment: string; at: Date; versionNumber: number; team: string | null; reasons: string[] }[];
  searchTerms: { query: string; clicks: number }[];
};

/** One item: the totals, views per day, why people rated it so, their comments, and what they searched for. */
export async function itemDetail(
  db: Db,
  { user, itemId, range, teamId }: { user: SessionUser; itemId: string; range: DayRange; teamId?: string | null },
): Promise<ItemDetail> {
  const scope = insightScope(user, teamId);
  if (!isUuid(itemId)) throw notFound("No such item.");
  const [found] = rowsOf<{ title: string }>(await db.execute(sql`select title from items where id = ${itemId}::uuid`));
  if (!found) throw notFound("No such item.");
  const [item] = await itemInsights(db, { user, range, teamId, itemId });
  const perDay = rowsOf<{ day: string; views: number }>(
    await db.execute(sql`
      select day::text as day, sum(views)::int as views from ${usageTable(scope)}
      where item_id = ${itemId}::uuid and day between ${range.from}::date and ${range.to}::date and ${inTeams("team_id", scope)}
      group by day`),
  );
  const byDay = new Map(perDay.map((r) => [r.day, num(r.views)]));
  const latest = sql`
    select distinct on (user_id) useful, reasons, comment, at, version_id, team_id from ratings
    where item_id = ${itemId}::uuid and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
    order by user_id, at desc`;
  const reasonRows = rowsOf<{ reason: string; count: number }>(
    await db.execute(sql`select reason, count(*)::int as count from (${latest}) l, unnest(l.reasons) as reason group by reason`),
  );
  const commentRows = rowsOf<{
    useful: boolean;
    comment: string;
    at: Date | string;
    versionNumber: number;
    team: string | null;
    reasons: string[];
  }>(
    await db.execute(sql`
      select l.useful, l.comment, l.at, v.number as "versionNumber", t.name as team, l.reasons
      from (${latest}) l join item_versions v on v.id = l.version_id left join teams t on t.id = l.team_id
      where l.comment is not null order by l.at desc limit 100`),
  );
  const termRows = rowsOf<{ query: string; clicks: number }>(
    await db.execute(sql`
      select query_norm as query, count(*)::int as clicks from search_queries
      where clicked_item_id = ${itemId}::uuid and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
      group by query_norm order by clicks desc, query_norm limit 20`),
  );
  const reasonCount = new Map(reasonRows.map((r) => [r.reason, num(r.count)]));
  return {
    item: item ?? null,
    title: found.title,
    trend: daysOf(range).map((day) => ({ day, views: byDay.get(day) ?? 0 })),
    reasons: RATING_REASONS.map((reason) => ({ reason, count: reasonCount.get(reason) ?? 0 })).filter((r) => r.count > 0),
    comments: commentRows.map((c) => ({ ...c, at: new Date(c.at), versionNumber: num(c.versionNumber) })),
    searchTerms: termRows.map((t) => ({ query: t.query, clicks: num(t.clicks) })),
  };
}
