// POST /api/v1/events: a batch of usage events (≤ 500), idempotent by each event's id, accepted row by row.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson, toApiError } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { eventLimiterFor, ingestEvents } from "~/modules/usage/ingest.server";
import { parseBatch } from "~/modules/usage/event-input.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to send events.");

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to send events.");
  const { user } = await requireApiUser(context.app, request);
  // 500 events with 2 kB props each fit in 1.5 MB.
  const rows = parseBatch(await readJson(request, 1_500_000));
  try {
    const result = await ingestEvents(context.app.db, { user, rows, limiter: eventLimiterFor(context.app) });
    return apiJson(result);
  } catch (error) {
    if (error instanceof AppError && error.code === "rate_limited") {
      const res = toApiError(error);
      res.headers.set("Retry-After", String(error.details?.retryAfterS ?? 1));
      return res;
    }
    throw error;
  }
});
