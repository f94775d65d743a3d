// GET /api/v1/shares/:id (with engagement), PATCH (extend: {expiresAt}), DELETE (revoke). Owner only.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { extendShare, getShare, revokeShare, shareJson } from "~/modules/shares/shares.server";

export const loader = api(async ({ request, params, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  return apiJson({ share: shareJson(await getShare(context.app.db, { user, id: params.id ?? "" }), new URL(request.url).origin) });
});

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const id = params.id ?? "";
  if (request.method === "PATCH") await extendShare(context.app.db, { user, id, input: await readJson(request, 2_000) });
  else if (request.method === "DELETE") await revokeShare(context.app.db, { user, id });
  else return apiError(405, "method_not_allowed", "Use PATCH to extend a share or DELETE to revoke it.");
  return apiJson({ share: shareJson(await getShare(context.app.db, { user, id }), new URL(request.url).origin) });
});
