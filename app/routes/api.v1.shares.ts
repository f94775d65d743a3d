// POST /api/v1/shares: share items with a buyer (idempotent by a client `id`); GET lists the caller's shares.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { listMyShares } from "~/modules/shares/my-shares.server";
import { createShare, shareJson, getShare } from "~/modules/shares/shares.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const origin = new URL(request.url).origin;
  return apiJson({ shares: (await listMyShares(context.app.db, { user })).map((s) => shareJson(s, origin)) });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to create a share.");
  const { user } = await requireApiUser(context.app, request);
  const body = (await readJson(request, 20_000)) as Record<string, unknown> | null;
  const key = request.headers.get("idempotency-key");
  const input = body && typeof body === "object" && !body.id && key ? { ...body, id: key } : body;
  const { share, created } = await createShare(context.app, { user, input });
  const view = await getShare(context.app.db, { user, id: share.id });
  return apiJson({ share: shareJson(view, new URL(request.url).origin) }, { status: created ? 201 : 200 });
});
