// POST /api/v1/shares: share items with a buyer (idempotent by a client `id`); GET lists the caller's shares,
// newest first, `limit` (≤ 500, default 100) a page (`page`), with `total` and `pages`.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { MySharesApiQuery, listMyShares } from "~/modules/shares/my-shares.server";
import { createShare, shareJson, getShare } from "~/modules/shares/shares.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const url = new URL(request.url);
  // Paged: it stopped at 100 shares with no way to the rest.
  const query = MySharesApiQuery.parse(Object.fromEntries(url.searchParams));
  const { shares, total, page, pages } = await listMyShares(context.app.db, { user, ...query });
  return apiJson({ shares: shares.map((s) => shareJson(s, url.origin)), total, page, pages });
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
