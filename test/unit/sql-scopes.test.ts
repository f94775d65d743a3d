// The check every test database runs on drizzle's statements (test/setup/sql-scopes.ts): it must catch
// the admin page's old team count, and leave alone what drizzle writes correctly.
import { expect, it } from "vitest";
import { outerColumnInSubquery } from "../setup/sql-scopes";

it("finds an outer column that binds inside a subquery, and passes qualified or unambiguous ones", () => {
  // Session 22's bug: "id" meant u.id, so every team counted 0.
  expect(
    outerColumnInSubquery(
      `select "id", "name", (select count(*)::int from "users" u where u.team_id = "id" and u.active) from "teams" order by "teams"."name" asc`,
    ),
  ).toMatch(/^"id" in /);
  // With a join drizzle writes the table: fine.
  expect(
    outerColumnInSubquery(
      `select "teams"."id", (select count(*)::int from "users" u where u.team_id = "teams"."id") from "teams" left join "x" on true`,
    ),
  ).toBeNull();
  // A bare column the subquery's table does not have can only be the outer one: fine.
  expect(
    outerColumnInSubquery(`select (select json_agg(tl.team_id) from "team_leads" tl where tl.user_id = "id") from "users"`),
  ).toBeNull();
  // A table without an alias: its bare columns are its own, as drizzle means them.
  expect(
    outerColumnInSubquery(`select (select count(*) from "item_versions" where "item_id" = $1)::int from (select 1) as one`),
  ).toBeNull();
});
