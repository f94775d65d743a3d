// POST /api/v1/items/:id/transition {to, comment?, publishAt?}: the workflow (see lifecycle.server.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { TransitionInput, transitionItem } from "~/modules/library/lifecycle.server";
import { itemJson, loadItemDetail } from "~/modules/library/item-detail.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to change an item's status.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to change an item's status.");
  // Any signed-in role reaches the rule check, so sellers get 404 or 403 from the same place as everyone.
  const { user } = await requireApiUser(context.app, request);
  const input = TransitionInput.parse(await readJson(request));
  await transitionItem(context.app, user, params.id ?? "", input);
  return apiJson(itemJson(await loadItemDetail(context.app.db, user, params.id ?? "")));
});
