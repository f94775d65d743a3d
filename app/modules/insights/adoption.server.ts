// Team adoption: weekly active sellers over team size, and views by team and region.
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { sellerDaily, teams as teamTable, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { insightScope, inTeams, num, round, weeksOf } from "./scope.server";

export type TeamAdoption = {
  teamId: string;
  team: string;
  region: string | null;
  /** Active sellers in the team today. */
  size: number;
  /** Of those, how many used Fieldkit in the team that week. */
  weeks: { week: string; active: number; rate: number }[];
  /** Mean of the weekly rates, each weighted by its days in the range: a week the range cuts to one day counts a seventh. */
  avgRate: number;
  views: number;
};

export type Adoption = {
  teams: TeamAdoption[];
  overall: { week: string; active: number; size: number; rate: number }[];
  regions: { region: string; views: number; active: number; size: number }[];
};

/** Weekly active sellers ÷ team size, per team and week (Monday start, UTC), plus views by team and region. */
export async function adoption(
  db: Db,
  { user, range, teamId }: { user: SessionUser; range: DayRange; teamId?: string | null },
): Promise<Adoption> {
  const scope = insightScope(user, teamId, ["manager", "admin"]);
  const weeks = weeksOf(range);
  const weekDays = weeks.map((w) => (Date.parse(w.to) - Date.parse(w.from)) / 86_400_000 + 1);
  const totalDays = weekDays.reduce((a, b) => a + b, 0);
  // One pass over seller_daily: each person's week (summing their views), then per team and week the
  // sellers among them (active) and everyone's views. Weeks start on Monday: 1970-01-05 was one.
  // Active counts today's team, as size does: a seller since deactivated or moved away, counted above
  // and not below, once showed "5 (167 %)".
  const t = alias(teamTable, "t");
  const u = alias(users, "u");
  const d = sellerDaily;
  const [teamResult, weekResult] = await Promise.all([
    db.execute(sql`
      select ${t.id} as id, ${t.name} as name, ${t.region} as region,
             (select count(*)::int from ${users} ${u} where ${u.teamId} = ${t.id} and ${u.role} = 'seller' and ${u.active}) as size
      from ${teamTable} ${t} where ${inTeams(t.id, scope)} order by ${t.name}`),
    db.execute(sql`
      select w.team_id, w.week::text as week,
             count(*) filter (where ${u.role} = 'seller' and ${u.active} and ${u.teamId} = w.team_id)::int as active, sum(w.views)::int as views
      from (
        select ${d.teamId} as team_id, ${d.day} - ((${d.day} - date '1970-01-05') % 7) as week, ${d.userId} as user_id, sum(${d.views}) as views
        from ${sellerDaily}
        where ${d.day} between ${range.from}::date and ${range.to}::date and ${inTeams(d.teamId, scope)}
        group by 1, 2, 3
      ) w
      left join ${users} ${u} on ${u.id} = w.user_id
      group by 1, 2`),
  ]);
  const teamRows = rowsOf<{ id: string; name: string; region: string | null; size: number }>(teamResult);
  const weekRows = rowsOf<{ team_id: string; week: string; active: number; views: number }>(weekResult);
  const active = new Map(weekRows.map((r) => [`${r.team_id} ${r.week}`, num(r.active)]));
  const views = new Map<string, number>();
  for (const r of weekRows) views.set(r.team_id, (views.get(r.team_id) ?? 0) + num(r.views));
  const teams: TeamAdoption[] = teamRows.map((t) => {
    const size = num(t.size);
    const w = weeks.map(({ week }) => {
      const a = active.get(`${t.id} ${week}`) ?? 0;
      return { week, active: a, rate: size ? round(a / size) : 0 };
    });
    return {
      teamId: t.id,
      team: t.name,
      region: t.region,
      size,
      weeks: w,
      // Weighted: fewer sellers are active in one day than in seven, and the default 30 days usually end
      // in a cut week, which pulled a steady 80 % down to 66 % when every week counted alike.
      avgRate: totalDays ? round(w.reduce((s, x, i) => s + x.rate * weekDays[i], 0) / totalDays) : 0,
      views: views.get(t.id) ?? 0,
    };
  });
  const totalSize = teams.reduce((s, t) => s + t.size, 0);
  const overall = weeks.map(({ week }, i) => {
    const a = teams.reduce((s, t) => s + t.weeks[i].active, 0);
    return { week, active: a, size: totalSize, rate: totalSize ? round(a / totalSize) : 0 };
  });
  const regions = new Map<string, { region: string; views: number; active: number; size: number }>();
  for (const t of teams) {
    const key = t.region ?? "No region";
    const r = regions.get(key) ?? { region: key, views: 0, active: 0, size: 0 };
    r.views += t.views;
    r.size += t.size;
    r.active += t.weeks.reduce((m, w) => Math.max(m, w.active), 0);
    regions.set(key, r);
  }
  return { teams, overall, regions: [...regions.values()].sort((a, b) => b.views - a.views || a.region.localeCompare(b.region)) };
}
