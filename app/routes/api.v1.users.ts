// Admin API: list and create people. Additive to the contract (see docs/decisions/005-admin-api.md).
// The list takes the admin screen's filters (q, role, team, status); with `page` (and `limit`) it answers
// one page and how many there are, without them everyone who matches, as scripts that sync an org expect.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { PeopleApiQuery, listPeople, listPeoplePage } from "~/modules/people/directory.server";
import { createUser } from "~/modules/people/users.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const query = PeopleApiQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (query.page === undefined && query.limit === undefined) {
    const people = await listPeople(context.app.db, { actor: user, query });
    return apiJson({ users: people, total: people.length });
  }
  const { rows, total, page, pages } = await listPeoplePage(context.app.db, { actor: user, query, pageSize: query.limit ?? 100 });
  return apiJson({ users: rows, total, page, pages });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to create a user.");
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const created = await createUser(context.app.db, { actor: user, input: await readJson(request, 10_000) });
  return apiJson({ user: created }, { status: 201 });
});
