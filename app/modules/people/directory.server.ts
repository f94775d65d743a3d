// The admin's list of people: found by part of a name or address, filtered by role, team and status,
// sorted by a column and paged, 25 at a time: each row carries its own role and team form. With 10,000
// people the page is ~52 KB, within the desk budget of 100 KB (50 rows and a select of every manager
// for a team's lead had made it 101 KB).
import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { teams, users } from "@/db/schema";
import { UUID_PATTERN } from "@/vocabulary/ids";
import { ROLES } from "@/vocabulary/people";
import type { SessionUser } from "~/modules/auth/session.server";
import { apiLimit, apiPage, urlFilter, urlPage } from "~/modules/validation.server";
import { requireAdmin } from "./users.server";

export const PEOPLE_PAGE_SIZE = 25;
export const PEOPLE_SORTS = ["name", "email", "role", "team"] as const;

export const PeopleQuery = z.object({
  q: urlFilter(z.string().trim().min(1).max(254)),
  role: urlFilter(z.enum(ROLES)),
  /** A team's id, or "none" for people in no team. */
  team: urlFilter(z.union([z.literal("none"), z.string().regex(UUID_PATTERN)])),
  status: urlFilter(z.enum(["active", "deactivated"])),
  sort: urlFilter(z.enum(PEOPLE_SORTS)),
  dir: urlFilter(z.enum(["asc", "desc"])),
  page: urlPage,
});
export type PeopleQuery = z.infer<typeof PeopleQuery>;

const SORT_COLUMN = { name: users.name, email: users.email, role: users.role, team: teams.name } as const;
const PERSON = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  teamId: users.teamId,
  teamName: teams.name,
  active: users.active,
};

/** The API's filters are the list's, with the page's size: `GET /api/v1/users?role=seller&page=2&limit=200`. */
export const PeopleApiQuery = PeopleQuery.extend({ page: apiPage, limit: apiLimit(1000) });
export type PeopleApiQuery = z.infer<typeof PeopleApiQuery>;

function peopleWhere(query: PeopleQuery) {
  const conditions: (SQL | undefined)[] = [];
  if (query.q) {
    const p = containsPattern(query.q);
    conditions.push(or(sql`${users.name} ilike ${p}`, sql`${users.email} ilike ${p}`));
  }
  if (query.role) conditions.push(eq(users.role, query.role));
  if (query.team === "none") conditions.push(isNull(users.teamId));
  else if (query.team) conditions.push(eq(users.teamId, query.team));
  if (query.status) conditions.push(eq(users.active, query.status === "active"));
  return and(...conditions);
}

/** Everyone who matches, by name: `GET /api/v1/users` without a page, for scripts that sync an org chart. */
export async function listPeople(db: Db, { actor, query = {} }: { actor: SessionUser; query?: PeopleQuery }) {
  requireAdmin(actor);
  return db
    .select(PERSON)
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .where(peopleWhere(query))
    .orderBy(asc(users.name), asc(users.id));
}

export async function listPeoplePage(
  db: Db,
  { actor, query, pageSize = PEOPLE_PAGE_SIZE }: { actor: SessionUser; query: PeopleQuery; pageSize?: number },
) {
  requireAdmin(actor);
  const where = peopleWhere(query);
  const page = query.page ?? 1;
  const order = query.dir === "desc" ? desc : asc;
  const sortBy = SORT_COLUMN[query.sort ?? "name"];
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(PERSON)
      .from(users)
      .leftJoin(teams, eq(teams.id, users.teamId))
      .where(where)
      // People in no team sort after every team either way; the id keeps equal names in a stable order.
      .orderBy(sql`${order(sortBy)} nulls last`, asc(users.name), asc(users.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
}
