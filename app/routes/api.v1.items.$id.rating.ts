// PUT /api/v1/items/:id/rating: "was this useful?" for the version named, else the newest at `at`; the latest `at` wins.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { RatingInput, rateItem } from "~/modules/feedback/ratings.server";

export const loader = () => apiError(405, "method_not_allowed", "Use PUT to rate an item.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "PUT") return apiError(405, "method_not_allowed", "Use PUT to rate an item.");
  const { user } = await requireApiUser(context.app, request);
  const input = RatingInput.parse(await readJson(request, 20_000));
  const rating = await rateItem(context.app.db, { user, itemId: params.id ?? "", input });
  return apiJson({ rating });
});
