import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { parseSearchParams, searchItems } from "~/modules/search/search.server";

// GET /api/v1/search?q=&type=&tag=&page=&limit= — only published items in the caller's audience.
export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const input = parseSearchParams(new URL(request.url).searchParams);
  const result = await searchItems(context.app, user, input);
  return apiJson(result);
});
