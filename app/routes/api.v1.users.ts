// Admin API: list and create people. Additive to the contract (see docs/decisions/005-admin-api.md).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { listPeople } from "~/modules/people/directory.server";
import { createUser } from "~/modules/people/users.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  return apiJson({ users: await listPeople(context.app.db, { actor: user }) });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to create a user.");
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const created = await createUser(context.app.db, { actor: user, input: await readJson(request, 10_000) });
  return apiJson({ user: created }, { status: 201 });
});
