// POST /api/v1/notifications/read {ids: number[]} | {all: true} — marks the caller's notifications read.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { markNotificationsRead, unreadNotificationCount } from "~/modules/notifications/notify.server";

const Body = z.union(
  [z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }).strict(), z.object({ all: z.literal(true) }).strict()],
  {
    error: "Send {ids: [notification ids]} or {all: true}.",
  },
);

export const loader = () => apiError(405, "method_not_allowed", "Use POST to mark notifications read.");

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to mark notifications read.");
  const { user } = await requireApiUser(context.app, request);
  const body = Body.parse(await readJson(request, 20_000));
  const marked = await markNotificationsRead(context.app.db, { user, ...("all" in body ? { all: true } : { ids: body.ids }) });
  return apiJson({ marked, unread: await unreadNotificationCount(context.app.db, { user }) });
});
