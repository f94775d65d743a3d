import type { LoaderFunctionArgs } from "@remix-run/node";
import { healthReport } from "~/modules/health.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const report = await healthReport(context.app);
  return new Response(JSON.stringify(report), {
    status: report.db === "ok" ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
