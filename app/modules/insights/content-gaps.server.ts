// What the field searched for and did not find, with the open requests that say the same.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
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
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with g as (
        select q.query_norm, count(*)::int as searches,
               count(*) filter (where q.result_count = 0)::int as zero_results,
               count(*) filter (where q.result_count > 0 and q.clicked_item_id is null)::int as no_click,
               count(distinct q.user_id)::int as people,
               coalesce(array_agg(distinct t.name) filter (where t.name is not null), '{}') as teams
        from search_queries q left join teams t on t.id = q.team_id
        where q.at >= ${utcStart(range.from)} and q.at < ${utcEnd(range.to)} and ${inTeams("q.team_id", scope)}
          and (q.result_count = 0 or q.clicked_item_id is null) and q.query_norm <> ''
        group by q.query_norm
      )
      select g.*, (select count(*)::int from content_requests r
                   where r.query_norm = g.query_norm and r.status in ('new', 'planned') and ${inTeams("r.team_id", scope)}) as open_requests
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
