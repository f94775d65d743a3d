// Admin API: change a person's role or team, deactivate or reactivate them.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { updateUser } from "~/modules/people/users.server";

export const loader = () => apiError(405, "method_not_allowed", "Use PATCH.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "PATCH") return apiError(405, "method_not_allowed", "Use PATCH to change a user.");
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const body = (await readJson(request, 10_000)) as Record<string, unknown>;
  const updated = await updateUser(context.app.db, { actor: user, input: { ...body, userId: params.id } });
  return apiJson({ user: updated.user });
});
