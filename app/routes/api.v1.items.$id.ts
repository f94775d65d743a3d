// GET /api/v1/items/:id (anyone in the audience) and PATCH (marketers, optimistic lock on `revision`).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { UpdateInput } from "~/modules/library/publishing-input.server";
import { itemJson, loadItemDetail } from "~/modules/library/item-detail.server";
import { updateItem } from "~/modules/library/edit-item.server";

export const loader = api(async ({ request, params, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  return apiJson(itemJson(await loadItemDetail(context.app.db, user, params.id ?? "")));
});

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "PATCH") return apiError(405, "method_not_allowed", "Use PATCH to edit an item.");
  const { user } = await requireApiUser(context.app, request, ["marketer", "admin"]);
  const input = UpdateInput.parse(await readJson(request));
  await updateItem(context.app, user, params.id ?? "", input);
  return apiJson(itemJson(await loadItemDetail(context.app.db, user, params.id ?? "")));
});
