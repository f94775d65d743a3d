// Who may see what. Every seller-facing query goes through `visibleItemsWhere`, so a forgotten
// filter cannot leak an item outside its audience.
import { sql, type SQL } from "drizzle-orm";
import { itemAudiences, itemVisibility, items } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";

/** Marketers and admins work on the whole library, in every status. */
export const seesWholeLibrary = (user: Pick<SessionUser, "role">) => user.role === "marketer" || user.role === "admin";

/** Teams whose audience-restricted items this user may see. */
export const audienceTeams = (user: SessionUser) => [...new Set([...(user.teamId ? [user.teamId] : []), ...user.leadsTeamIds])];

/**
 * The audience rule, written once: published, not expired at `now`, and either for everyone or for one
 * of `teams` (a uuid[]). Every other form below is this rule with the viewer's part filled in.
 */
const publishedForTeams = (teams: SQL, now: SQL): SQL => sql`(
  ${items.status} = 'published' and (${items.expiresAt} is null or ${items.expiresAt} > ${now})
  and (not exists (select 1 from ${itemAudiences} a where a.item_id = ${items.id})
       or exists (select 1 from ${itemAudiences} a where a.item_id = ${items.id} and a.team_id = any(${teams}))))`;

/** Published, not expired, and either for everyone or for one of the user's teams. */
export function visibleItemsWhere(user: SessionUser, now = new Date()): SQL {
  if (seesWholeLibrary(user)) return sql`true`;
  // One array parameter: the statement's text is the same for every user.
  return publishedForTeams(sql`${`{${audienceTeams(user).join(",")}}`}::uuid[]`, sql`${now.toISOString()}::timestamptz`);
}

/**
 * The item (the outer `items` row) was visible to this user at some moment between `from` and `to`,
 * by its visibility history (item_visibility, decision 019), for the user's teams of today. A window
 * runs from `from_at` to whichever comes first of its close and the expiry it was opened with.
 * One index range on (item_id, from_at) per item.
 */
export function visibleDuringWhere(user: SessionUser, from: SQL, to: SQL): SQL {
  if (seesWholeLibrary(user)) return sql`true`;
  const teams = audienceTeams(user);
  const teamOk = teams.length
    ? sql`(v.team_id is null or v.team_id in (${sql.join(
        teams.map((t) => sql`${t}::uuid`),
        sql`, `,
      )}))`
    : sql`v.team_id is null`;
  // NOTE: "offset 0" keeps this a per-row index probe: without it the planner may hash the whole
  // table once per query (a full scan of every item's history for one page of a delta).
  // A window that ended at `from` itself counts: timestamps are transaction starts (and PGlite's clock
  // counts whole milliseconds), so a change that ended it can carry the very instant a read saw it open.
  return sql`exists (select 1 from ${itemVisibility} v where v.item_id = ${items.id} and ${teamOk}
    and v.from_at <= ${to} and coalesce(least(v.to_at, v.expires_at), 'infinity') > v.from_at
    and coalesce(least(v.to_at, v.expires_at), 'infinity') >= ${from} offset 0)`;
}

/**
 * `visibleItemsWhere` for statements built once and run with placeholders (the item page's): the
 * viewer's part as SQL — `wholeLibrary` a boolean, `teams` a uuid[] — so the statement's text never
 * depends on the user.
 */
export const visibleItemsWhereFor = (wholeLibrary: SQL, teams: SQL): SQL =>
  sql`(${wholeLibrary} or ${publishedForTeams(teams, sql`now()`)})`;

/** The viewer's part as placeholders, filled from `visibilityParams`. */
export const visibleItemsWherePrepared = (): SQL =>
  visibleItemsWhereFor(
    sql`${sql.placeholder("wholeLibrary")}::boolean`,
    sql`string_to_array(${sql.placeholder("teams")}::text, ',')::uuid[]`,
  );

export const visibilityParams = (user: SessionUser) => ({ wholeLibrary: seesWholeLibrary(user), teams: audienceTeams(user).join(",") });

/**
 * The viewer's part from a users row aliased `viewer` (see the item page's statement): the same
 * roles and teams as `seesWholeLibrary` and `audienceTeams`.
 */
export const visibleItemsWhereForViewer = (): SQL =>
  visibleItemsWhereFor(
    sql`viewer.role in ('marketer', 'admin')`,
    sql`(array[viewer.team_id] || coalesce((select array_agg(tl.team_id) from team_leads tl where tl.user_id = viewer.id and viewer.role = 'manager'), '{}'::uuid[]))`,
  );
