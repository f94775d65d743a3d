// Who sees which insights, and the small SQL and number helpers every report shares: marketers and
// admins see every team, managers only the teams they lead, sellers none.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
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

export const inTeams = (column: string, scope: Scope): SQL =>
  scope.teamIds === null
    ? sql`true`
    : scope.teamIds.length
      ? sql`${sql.raw(column)} in (${sql.join(
          scope.teamIds.map((t) => sql`${t}::uuid`),
          sql`, `,
        )})`
      : sql`false`;

/**
 * Usage per day and item: the all-teams totals when the scope is every team (then `inTeams` is `true`),
 * else the per-seller rows, which carry their team.
 */
export const usageTable = (scope: Scope): SQL => (scope.teamIds === null ? sql`item_usage_daily` : sql`item_seller_daily`);

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
    await db.execute(sql`select id, name from teams where ${inTeams("id", scope)} order by name`),
  );
}
