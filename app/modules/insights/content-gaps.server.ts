// What the field searched for and did not find, with the open requests that say the same.
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { contentRequests, searchQueries, teams } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { insightScope, inTeams, utcStart, utcEnd, num } from "./scope.server";

export type ContentGap = {
  query: string;
  searches: number;
  zeroResults: number;
  noClick: number;
  people: number;
  teams: string[];
  openRequests: number;
};

/**
 * Searches that found nothing, or found things nobody opened, grouped by normalised query, with the
 * teams asking and how many open requests say the same.
 */
export async function contentGaps(
  db: Db,
  { user, range, teamId, limit = 50 }: { user: SessionUser; range: DayRange; teamId?: string | null; limit?: number },
): Promise<ContentGap[]> {
  const scope = insightScope(user, teamId);
  const q = alias(searchQueries, "q");
  const t = alias(teams, "t");
  const r = alias(contentRequests, "r");
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with g as (
        select ${q.queryNorm} as query_norm, count(*)::int as searches,
               count(*) filter (where ${q.resultCount} = 0)::int as zero_results,
               count(*) filter (where ${q.resultCount} > 0 and ${q.clickedItemId} is null)::int as no_click,
               count(distinct ${q.userId})::int as people,
               coalesce(array_agg(distinct ${t.name}) filter (where ${t.name} is not null), '{}') as teams
        from ${searchQueries} ${q} left join ${teams} ${t} on ${t.id} = ${q.teamId}
        where ${q.at} >= ${utcStart(range.from)} and ${q.at} < ${utcEnd(range.to)} and ${inTeams(q.teamId, scope)}
          and (${q.resultCount} = 0 or ${q.clickedItemId} is null) and ${q.queryNorm} <> ''
        group by ${q.queryNorm}
      )
      select g.*, (select count(*)::int from ${contentRequests} ${r}
                   where ${r.queryNorm} = g.query_norm and ${r.status} in ('new', 'planned') and ${inTeams(r.teamId, scope)}) as open_requests
      from g order by g.searches desc, g.query_norm limit ${Math.min(Math.max(limit, 1), 500)}`),
  );
  return rows.map((r) => ({
    query: String(r.query_norm),
    searches: num(r.searches),
    zeroResults: num(r.zero_results),
    noClick: num(r.no_click),
    people: num(r.people),
    teams: ((r.teams as string[]) ?? []).slice().sort(),
    openRequests: num(r.open_requests),
  }));
}
