// Who sees which insights, and the small SQL and number helpers every report shares: marketers and
// admins see every team, managers only the teams they lead, sellers none.
import { sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { itemAudiences, itemSellerDaily, itemUsageDaily, teams } from "@/db/schema";
import { isUuid } from "@/vocabulary/ids";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError, forbidden } from "~/modules/errors.server";
import { DAY_MS, type DayRange } from "~/modules/feedback/score.server";

/** `teamIds: null` means every team. */
export type Scope = { teamIds: string[] | null };

/**
 * Sellers get 403; a manager sees the teams they lead (asking for another is 403); marketers and
 * admins see all teams or the one asked for.
 */
export function insightScope(
  user: SessionUser,
  teamId?: string | null,
  roles: readonly string[] = ["marketer", "manager", "admin"],
): Scope {
  if (!roles.includes(user.role)) throw forbidden("Insights are for marketing, managers and admins.");
  if (teamId && !isUuid(teamId)) throw new AppError("bad_request", "team must be a team id.");
  if (user.role === "manager") {
    if (teamId) {
      if (!user.leadsTeamIds.includes(teamId)) throw forbidden("You can only see the teams you lead.");
      return { teamIds: [teamId] };
    }
    return { teamIds: [...user.leadsTeamIds] };
  }
  return { teamIds: teamId ? [teamId] : null };
}

/** `column in (…the scope's teams)`: `true` for every team, `false` for none. */
export const inTeams = (column: AnyPgColumn, scope: Scope): SQL =>
  scope.teamIds === null
    ? sql`true`
    : scope.teamIds.length
      ? sql`${column} in (${sql.join(
          scope.teamIds.map((t) => sql`${t}::uuid`),
          sql`, `,
        )})`
      : sql`false`;

/**
 * The item (by its id column) is for everyone or for one of the scope's teams. Usage is stored under the
 * user's own team, and a manager may lead a team other than their own: their views of the other team's
 * item counted for their own team, whose lead then read that item's title and comments in Insights.
 */
export const audienceInScope = (itemId: AnyPgColumn | SQL, scope: Scope): SQL => {
  if (scope.teamIds === null) return sql`true`;
  const a = alias(itemAudiences, "scope_a");
  return sql`(not exists (select 1 from ${itemAudiences} ${a} where ${a.itemId} = ${itemId})
    or exists (select 1 from ${itemAudiences} ${a} where ${a.itemId} = ${itemId} and ${inTeams(a.teamId, scope)}))`;
};

/**
 * Usage per day and item: the all-teams totals when the scope is every team (then `inTeams` is `true`),
 * else the per-seller rows, which carry their team.
 */
export const usageTable = (scope: Scope) => (scope.teamIds === null ? itemUsageDaily : itemSellerDaily);

/**
 * `inTeams` over usage rows (`usageTable`, or an alias of it): the all-teams totals carry no team, and
 * are only read when the scope is every team.
 */
export const usageInTeams = (usage: { day: AnyPgColumn; teamId?: AnyPgColumn }, scope: Scope): SQL =>
  usage.teamId ? inTeams(usage.teamId, scope) : sql`true`;

/** Start of a UTC day as a timestamptz, whatever the session's time zone. */
export const utcStart = (day: string) => sql`(${day}::date::timestamp at time zone 'UTC')`;
export const utcEnd = (day: string) => sql`((${day}::date + 1)::timestamp at time zone 'UTC')`;

export const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
export const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Every UTC day of the range, so charts show quiet days as zero instead of skipping them. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Monday-start weeks overlapping the range (each clipped to it). */
export function weeksOf(range: DayRange): { week: string; from: string; to: string }[] {
  const days = daysOf(range);
  const weeks = new Map<string, { week: string; from: string; to: string }>();
  for (const day of days) {
    const d = new Date(`${day}T00:00:00Z`);
    const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
    const w = weeks.get(monday);
    if (w) w.to = day;
    else weeks.set(monday, { week: monday, from: day, to: day });
  }
  return [...weeks.values()];
}

/** Teams the user may filter by (for the filter's options). */
export async function scopeTeams(db: Db, { user }: { user: SessionUser }): Promise<{ id: string; name: string }[]> {
  const scope = insightScope(user);
  return rowsOf<{ id: string; name: string }>(
    await db.execute(
      sql`select ${teams.id} as id, ${teams.name} as name from ${teams} where ${inTeams(teams.id, scope)} order by ${teams.name}`,
    ),
  );
}
