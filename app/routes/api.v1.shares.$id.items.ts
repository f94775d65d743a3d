// POST /api/v1/shares/:id/items {itemIds}: add items to a live link, or put back ones taken off. Owner only.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { addShareItems, AddItemsInput } from "~/modules/shares/share-items.server";
import { getShare, shareJson } from "~/modules/shares/shares.server";

const USE = "Use POST with {itemIds} to add items to the link.";
export const loader = () => apiError(405, "method_not_allowed", USE);

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", USE);
  const { user } = await requireApiUser(context.app, request);
  const id = params.id ?? "";
  const { itemIds } = AddItemsInput.parse(await readJson(request, 2_000));
  const { added, restored } = await addShareItems(context.app, { user, id, itemIds });
  const share = await getShare(context.app.db, { user, id });
  return apiJson({ share: shareJson(share, new URL(request.url).origin), added, restored });
});
