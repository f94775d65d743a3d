// GET /api/v1/notifications?before=&limit=&unread=true — the caller's in-app notifications, newest first, with read state.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { listNotifications } from "~/modules/notifications/notify.server";

const Query = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  unread: z.enum(["true", "false"]).optional(),
});

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listNotifications(context.app.db, {
    user,
    before: query.before,
    limit: query.limit,
    unreadOnly: query.unread === "true",
  });
  return apiJson(page);
});
