// GET /api/v1/insights/items?from=&to=&team=: per-item usage and usefulness; CSV with Accept: text/csv.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { parseDayRange } from "~/modules/feedback/score.server";
import { csvResponse, itemsCsv, wantsCsv } from "~/modules/insights/export.server";
import { itemInsights } from "~/modules/insights/item-insights.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["marketer", "manager", "admin"]);
  const url = new URL(request.url);
  const range = parseDayRange({ from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  if ("error" in range) throw new AppError("bad_request", range.error);
  const items = await itemInsights(context.app.db, { user, range, teamId: url.searchParams.get("team") });
  if (wantsCsv(request)) return csvResponse(itemsCsv(items), "item-insights", range);
  return apiJson({ from: range.from, to: range.to, items });
});
