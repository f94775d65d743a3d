import type { LoaderFunctionArgs } from "@remix-run/node";
import { AUDIT_COLUMNS, AuditQuery, auditBatches } from "~/modules/audit/audit.server";
import { requireUser } from "~/modules/auth/guard.server";
import { csvResponse, csvStream, forSpreadsheets } from "~/modules/csv.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = AuditQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  // The whole filtered log from its newest entry, whichever page the link was on.
  const batches = await auditBatches(context.app.db, { actor, query });
  return forSpreadsheets(csvResponse(csvStream(AUDIT_COLUMNS, batches), `fieldkit-audit-${new Date().toISOString().slice(0, 10)}.csv`));
}
