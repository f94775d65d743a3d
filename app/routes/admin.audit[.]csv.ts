import type { LoaderFunctionArgs } from "@remix-run/node";
import { AUDIT_COLUMNS, AuditQuery, listAudit } from "~/modules/audit/audit.server";
import { requireUser } from "~/modules/auth/guard.server";
import { csvResponse, toCsv } from "~/modules/csv.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = AuditQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  // The whole filtered log from its newest entry, whichever page the link was on.
  const { entries } = await listAudit(context.app.db, { actor, query: { ...query, before: undefined }, limit: 100_000 });
  return csvResponse(toCsv(AUDIT_COLUMNS, entries), `fieldkit-audit-${new Date().toISOString().slice(0, 10)}.csv`);
}
