// One item's insight page: totals, views per day, why people rated it so, comments, and the searches
// that led to it.
import { and, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { itemSellerDaily, itemVersions, items, ratings, searchQueries, teams } from "@/db/schema";
import { RATING_REASONS } from "@/vocabulary/feedback";
import { isUuid } from "@/vocabulary/ids";
import type { SessionUser } from "~/modules/auth/session.server";
import { notFound } from "~/modules/errors.server";
import { visibleItemsWhere } from "~/modules/library/audience.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { itemInsights, type ItemInsight } from "./item-insights.server";
import { audienceInScope, insightScope, inTeams, usageInTeams, usageTable, utcStart, utcEnd, num, daysOf } from "./scope.server";

const v = alias(itemVersions, "v");
const sd = alias(itemSellerDaily, "sd");
const rt = alias(ratings, "rt");
const t = alias(teams, "t");

export type ItemDetail = {
  item: ItemInsight | null;
  title: string;
  trend: { day: string; views: number }[];
  reasons: { reason: string; count: number }[];
  comments: { useful: boolean; comment: string; at: Date; versionNumber: number; team: string | null; reasons: string[] }[];
  /** Comments in the range: `comments` holds the newest COMMENTS_SHOWN of them. */
  commentCount: number;
  searchTerms: { query: string; clicks: number }[];
};

/** The newest comments the page lists; the feedback inbox has every one. */
export const COMMENTS_SHOWN = 100;

/** One item: the totals, views per day, why people rated it so, their comments, and what they searched for. */
export async function itemDetail(
  db: Db,
  { user, itemId, range, teamId }: { user: SessionUser; itemId: string; range: DayRange; teamId?: string | null },
): Promise<ItemDetail> {
  const scope = insightScope(user, teamId);
  if (!isUuid(itemId)) throw notFound("No such item.");
  // Marketing sees every item. Anyone else (a manager) sees one they may open, or one their teams used or
  // rated at some time (the table lists those, archived ones too); any other id, a draft's or another
  // team's, is answered as a random one (decision 019): this page once showed a manager any draft's title.
  // Used by the scope's teams, and for them: see audienceInScope.
  const used = sql`((exists (select 1 from ${itemSellerDaily} ${sd} where ${sd.itemId} = ${itemId}::uuid and ${inTeams(sd.teamId, scope)})
    or exists (select 1 from ${ratings} ${rt} where ${rt.itemId} = ${itemId}::uuid and ${inTeams(rt.teamId, scope)}))
    and ${audienceInScope(items.id, scope)})`;
  const [found] = await db
    .select({ title: items.title })
    .from(items)
    .where(and(eq(items.id, itemId), scope.teamIds === null ? undefined : or(visibleItemsWhere(user), used)));
  if (!found) throw notFound("No such item.");
  const [item] = await itemInsights(db, { user, range, teamId, itemId });
  const from = utcStart(range.from);
  const to = utcEnd(range.to);
  const u = usageTable(scope);
  const perDay = rowsOf<{ day: string; views: number }>(
    await db.execute(sql`
      select ${u.day}::text as day, sum(${u.views})::int as views from ${u}
      where ${u.itemId} = ${itemId}::uuid and ${u.day} between ${range.from}::date and ${range.to}::date and ${usageInTeams(u, scope)}
      group by ${u.day}`),
  );
  const byDay = new Map(perDay.map((r) => [r.day, num(r.views)]));
  const r = ratings;
  const latest = sql`
    select distinct on (${r.userId}) ${r.useful} as useful, ${r.reasons} as reasons, ${r.comment} as comment, ${r.at} as at,
           ${r.versionId} as version_id, ${r.teamId} as team_id from ${ratings}
    where ${r.itemId} = ${itemId}::uuid and ${r.at} >= ${from} and ${r.at} < ${to} and ${inTeams(r.teamId, scope)}
    order by ${r.userId}, ${r.at} desc`;
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
    total: number;
  }>(
    await db.execute(sql`
      select l.useful, l.comment, l.at, ${v.number} as "versionNumber", ${t.name} as team, l.reasons, count(*) over ()::int as total
      from (${latest}) l join ${itemVersions} ${v} on ${v.id} = l.version_id left join ${teams} ${t} on ${t.id} = l.team_id
      where l.comment is not null order by l.at desc limit ${COMMENTS_SHOWN}`),
  );
  const q = searchQueries;
  const termRows = rowsOf<{ query: string; clicks: number }>(
    await db.execute(sql`
      select ${q.queryNorm} as query, count(*)::int as clicks from ${searchQueries}
      where ${q.clickedItemId} = ${itemId}::uuid and ${q.at} >= ${from} and ${q.at} < ${to} and ${inTeams(q.teamId, scope)}
      group by ${q.queryNorm} order by clicks desc, ${q.queryNorm} limit 20`),
  );
  const reasonCount = new Map(reasonRows.map((r) => [r.reason, num(r.count)]));
  return {
    item: item ?? null,
    title: found.title,
    trend: daysOf(range).map((day) => ({ day, views: byDay.get(day) ?? 0 })),
    reasons: RATING_REASONS.map((reason) => ({ reason, count: reasonCount.get(reason) ?? 0 })).filter((r) => r.count > 0),
    comments: commentRows.map(({ total: _, ...c }) => ({ ...c, at: new Date(c.at), versionNumber: num(c.versionNumber) })),
    commentCount: num(commentRows[0]?.total ?? 0),
    searchTerms: termRows.map((t) => ({ query: t.query, clicks: num(t.clicks) })),
  };
}
