// Each seller's activity in a range, for the managers of their teams and admins: who uses Fieldkit and
// who does not yet. Read from the per-seller daily rollup (`seller_daily`: a row per seller and active
// day) and the ratings; every current seller of the scope's teams is listed, active or not.
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { rowsOf, type Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { ratings, sellerDaily, teams, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { tableQuery } from "~/modules/validation.server";
import { SELLER_SORTS, sellerSortDefaultDir, type SellerSort } from "@/vocabulary/feedback";
import { insightScope, inTeams, num, utcEnd, utcStart } from "./scope.server";

export const SELLERS_PAGE = 25;

/** The list's own search, order and page from the URL; a nonsense value falls back to the default. */
export const SellersQuery = tableQuery(SELLER_SORTS);
export type SellersQuery = z.infer<typeof SellersQuery>;

export type SellerActivity = {
  id: string;
  name: string;
  email: string;
  team: string | null;
  /** Days in the range with any activity. */
  activeDays: number;
  views: number;
  /** The last active day in the range (YYYY-MM-DD), or null. */
  lastDay: string | null;
  /** "Was this useful?" answers given in the range. */
  ratings: number;
};

export async function sellerActivity(
  db: Db,
  {
    user,
    range,
    teamId,
    query = {},
    everyRow = false,
  }: {
    user: SessionUser;
    range: DayRange;
    teamId?: string | null;
    query?: SellersQuery;
    /** Every seller in one list, for the CSV; the page shows SELLERS_PAGE at a time. */
    everyRow?: boolean;
  },
): Promise<{ rows: SellerActivity[]; total: number; page: number; pages: number; pageSize: number }> {
  const scope = insightScope(user, teamId, ["manager", "admin"]);
  const sort = query.sort ?? "days";
  const dir = query.dir ?? sellerSortDefaultDir(sort);
  const page = query.page ?? 1;
  const u = alias(users, "u");
  const t = alias(teams, "t");
  const d = sellerDaily;
  const r = ratings;
  const key: Record<SellerSort, SQL> = {
    days: sql`"activeDays"`,
    last: sql`"lastDay"`,
    views: sql`views`,
    ratings: sql`ratings`,
    name: sql`lower(name)`,
  };
  // Never active sorts as the least active: last either way for "most recent", first for "fewest days".
  const nulls = sql.raw(sort === "last" ? (dir === "desc" ? " nulls last" : " nulls first") : "");
  const search = query.q ? sql`and (${u.name} ilike ${containsPattern(query.q)} or ${u.email} ilike ${containsPattern(query.q)})` : sql``;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with people as (
        select ${u.id} as id, ${u.name} as name, ${u.email} as email, ${u.teamId} as team_id from ${users} ${u}
        where ${u.role} = 'seller' and ${u.active} and ${inTeams(u.teamId, scope)} ${search}
      ),
      act as (
        select ${d.userId} as user_id, count(*)::int as days, sum(${d.views})::int as views, max(${d.day})::text as last_day
        from ${sellerDaily} ${d}
        where ${d.day} between ${range.from}::date and ${range.to}::date and ${d.userId} in (select id from people)
        group by ${d.userId}
      ),
      rated as (
        select ${r.userId} as user_id, count(*)::int as n from ${ratings} ${r}
        where ${r.at} >= ${utcStart(range.from)} and ${r.at} < ${utcEnd(range.to)} and ${r.userId} in (select id from people)
        group by ${r.userId}
      ),
      listed as (
        select people.id, people.name, people.email, ${t.name} as team,
               coalesce(act.days, 0) as "activeDays", coalesce(act.views, 0) as views, act.last_day as "lastDay",
               coalesce(rated.n, 0) as ratings
        from people
        left join ${teams} ${t} on ${t.id} = people.team_id
        left join act on act.user_id = people.id
        left join rated on rated.user_id = people.id
      )
      select listed.*, count(*) over () as total from listed
      order by ${key[sort]} ${sql.raw(dir)}${nulls}, lower(name), id
      ${everyRow ? sql`` : sql`limit ${SELLERS_PAGE} offset ${(page - 1) * SELLERS_PAGE}`}`),
  );
  const total = rows.length
    ? num(rows[0].total)
    : num(
        rowsOf<{ n: number }>(
          await db.execute(
            sql`select count(*)::int as n from ${users} ${u} where ${u.role} = 'seller' and ${u.active} and ${inTeams(u.teamId, scope)} ${search}`,
          ),
        )[0]?.n,
      );
  return {
    rows: rows.map((row) => ({
      id: String(row.id),
      name: String(row.name),
      email: String(row.email),
      team: row.team === null ? null : String(row.team),
      activeDays: num(row.activeDays),
      views: num(row.views),
      lastDay: row.lastDay === null ? null : String(row.lastDay),
      ratings: num(row.ratings),
    })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / SELLERS_PAGE)),
    pageSize: SELLERS_PAGE,
  };
}
