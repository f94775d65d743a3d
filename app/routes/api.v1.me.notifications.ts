// GET/PUT /api/v1/me/notifications — the caller's notification preferences (per kind: inApp, email).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { loadPrefs, savePrefs } from "~/modules/notifications/prefs.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  return apiJson(await loadPrefs(context.app.db, { user }));
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "PUT") return apiError(405, "method_not_allowed", "Use PUT to change notification preferences.");
  const { user } = await requireApiUser(context.app, request);
  await savePrefs(context.app.db, { user, input: await readJson(request, 20_000) });
  return apiJson(await loadPrefs(context.app.db, { user }));
});
