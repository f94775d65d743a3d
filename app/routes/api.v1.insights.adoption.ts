// GET /api/v1/insights/adoption?from=&to=&team=: weekly active sellers per team; CSV with Accept: text/csv.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { parseDayRange } from "~/modules/feedback/score.server";
import { adoptionCsv, csvResponse, wantsCsv } from "~/modules/insights/export.server";
import { adoption } from "~/modules/insights/adoption.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["manager", "admin"]);
  const url = new URL(request.url);
  const range = parseDayRange({ from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  if ("error" in range) throw new AppError("bad_request", range.error);
  const result = await adoption(context.app.db, { user, range, teamId: url.searchParams.get("team") });
  if (wantsCsv(request)) return csvResponse(adoptionCsv(result), "adoption", range);
  return apiJson({ from: range.from, to: range.to, ...result });
});
