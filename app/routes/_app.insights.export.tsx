// /insights/export?table=…&from=&to=&team=: the CSV behind every table on the insight pages.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { forSpreadsheets } from "~/modules/csv.server";
import { pageData } from "~/modules/page-errors.server";
import { exportInsightCsv } from "~/modules/insights/export.server";
import { readFilters } from "~/modules/insights/page.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const url = new URL(request.url);
  return pageData(async () => {
    return forSpreadsheets(
      await exportInsightCsv(context.app.db, { user, table: url.searchParams.get("table") ?? "", filters: readFilters(url) }),
    );
  });
}
