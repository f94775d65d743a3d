// DELETE /api/v1/shares/:id/items/:position: take the item at that position off a live link. Owner only.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { removeShareItem } from "~/modules/shares/share-items.server";
import { getShare, shareJson } from "~/modules/shares/shares.server";

const USE = "Use DELETE to take this item off the link.";
export const loader = () => apiError(405, "method_not_allowed", USE);

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "DELETE") return apiError(405, "method_not_allowed", USE);
  const { user } = await requireApiUser(context.app, request);
  const id = params.id ?? "";
  const position = Number(params.position);
  if (!Number.isInteger(position) || position < 1) throw new AppError("bad_request", "position: a whole number from 1.");
  const removed = await removeShareItem(context.app.db, { user, id, position });
  const share = await getShare(context.app.db, { user, id });
  return apiJson({ share: shareJson(share, new URL(request.url).origin), removed });
});
