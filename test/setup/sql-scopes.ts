// Every statement drizzle writes for a test database is checked for one silent mistake: a column of the
// outer query, interpolated into a hand-written subquery (`sql\`(select … from ${users} u where u.team_id
// = ${teams.id})\``), that drizzle writes without its table (`"id"`) — it does so in a one-table select —
// and that the subquery's own table also has. PostgreSQL then binds it to the inner table, the query
// runs, and the answer is wrong: every team of the admin page counted 0 members that way (session 22).
import { is, type Logger } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";

const columns = new Map<string, Set<string>>(
  (Object.values(schema) as unknown[])
    .filter((t): t is PgTable => is(t, PgTable))
    .map((t) => {
      const config = getTableConfig(t);
      return [config.name, new Set(config.columns.map((c) => c.name))];
    }),
);

// Words that follow a table with no alias of its own (`from "events" where …`); there, a bare column is
// the table's own, as drizzle means it.
const NOT_AN_ALIAS = /^(where|group|order|returning|limit|offset|on|join|left|right|inner|cross|full|union|for|having|window|as)$/i;

/** The first bare column in an aliased subquery that its own table also has, with where it was found. */
export function outerColumnInSubquery(query: string): string | null {
  for (const m of query.matchAll(/from "(\w+)" (?:as )?(\w+)\b/gi)) {
    const [, table, alias] = m;
    if (NOT_AN_ALIAS.test(alias) || !columns.has(table)) continue;
    const start = m.index + m[0].length;
    let end = query.length;
    for (let i = start, depth = 0; i < query.length; i++) {
      if (query[i] === "(") depth++;
      else if (query[i] === ")" && depth-- === 0) {
        end = i;
        break;
      }
    }
    for (const bare of query.slice(start, end).matchAll(/(?<![.\w"])"(\w+)"(?![.\w])/g)) {
      if (columns.get(table)!.has(bare[1])) return `"${bare[1]}" in …${query.slice(Math.max(0, m.index - 60), end + 1)}`;
    }
  }
  return null;
}

/** A drizzle logger that refuses such a statement before it runs, so the test that made it fails. */
export const checkSqlScopes: Logger = {
  logQuery(query) {
    const found = outerColumnInSubquery(query);
    if (found)
      throw new Error(
        `A subquery's own table also has the bare column ${found}. Drizzle left the outer column's table off; write a join or qualify it.`,
      );
  },
};
