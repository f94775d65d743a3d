// GET /api/v1/sync?since=<cursor>&limit= — the offline catalog delta (see app/modules/offline/sync.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { SYNC_PAGE_MAX, catalogDelta } from "~/modules/offline/sync.server";

const Query = z.object({
  since: z.string().trim().max(2000, "The sync cursor is too long.").optional(),
  limit: z.coerce.number().int().min(1).max(SYNC_PAGE_MAX).optional(),
});

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const url = new URL(request.url);
  const query = Query.parse({
    since: url.searchParams.get("since") || undefined,
    limit: url.searchParams.get("limit") || undefined,
  });
  return apiJson(await catalogDelta(context.app.db, { user, since: query.since, limit: query.limit }));
});
