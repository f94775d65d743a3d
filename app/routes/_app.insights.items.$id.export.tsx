// /insights/items/:id/export: the item page's views-per-day table as CSV.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { forSpreadsheets } from "~/modules/csv.server";
import { pageData } from "~/modules/page-errors.server";
import { exportInsightCsv } from "~/modules/insights/export.server";
import { readFilters } from "~/modules/insights/page.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  return pageData(async () => {
    return forSpreadsheets(
      await exportInsightCsv(context.app.db, {
        user,
        table: "item-trend",
        itemId: params.id,
        filters: readFilters(new URL(request.url)),
      }),
    );
  });
}
