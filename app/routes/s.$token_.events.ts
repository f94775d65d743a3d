// POST /s/<token>/events: what the buyer's page reports (open, page time, download). Anonymous, rate
// limited by address, idempotent by event id; bots are answered like everyone else but record nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiError, apiJson, readJson, toApiError } from "~/modules/api.server";
import { limitBuyer, recordBuyerEvents } from "~/modules/shares/buyer.server";
import { gateEmail } from "~/modules/shares/gate.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to report events.");

export async function action({ request, params, context }: ActionFunctionArgs) {
  try {
    if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to report events.");
    const body = await readJson(request, 20_000);
    const count = Array.isArray((body as { events?: unknown })?.events) ? (body as { events: unknown[] }).events.length : 1;
    limitBuyer(context.app, "events", context.app.clientAddress ?? "local", Math.max(1, count));
    const token = params.token ?? "";
    const result = await recordBuyerEvents(context.app.db, {
      token,
      body,
      userAgent: request.headers.get("user-agent"),
      email: await gateEmail(context.app.env.SESSION_SECRET, request, token),
    });
    const res = apiJson(result, { status: 200 });
    res.headers.set("X-Robots-Tag", "noindex");
    return res;
  } catch (error) {
    return toApiError(error);
  }
}
