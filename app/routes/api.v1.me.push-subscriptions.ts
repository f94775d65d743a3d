// Web Push for the caller's browsers: GET the VAPID public key and how many browsers are subscribed (with
// ?endpoint=, whether that browser is one of them); POST a PushSubscription (its toJSON()); DELETE {endpoint}
// forgets one browser, {} every one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { loadPrefs } from "~/modules/notifications/prefs.server";
import { holdsPushBrowser, subscribePush, unsubscribePush } from "~/modules/notifications/push.server";

const Unsubscribe = z.object({ endpoint: z.string().max(2_000).nullable().optional() });
const Check = z.object({ endpoint: z.string().min(1).max(2_000).optional() });

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const { endpoint } = Check.parse({ endpoint: new URL(request.url).searchParams.get("endpoint") ?? undefined });
  const [prefs, thisDevice] = await Promise.all([
    loadPrefs(context.app.db, { user }),
    endpoint === undefined ? undefined : holdsPushBrowser(context.app.db, { user, endpoint }),
  ]);
  return apiJson({ publicKey: context.app.env.vapid.publicKey, enabled: prefs.push, devices: prefs.pushDevices, thisDevice });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  if (request.method === "POST") {
    const input = await readJson(request, 10_000);
    await subscribePush(context.app.db, {
      user,
      input,
      userAgent: request.headers.get("user-agent"),
      pushServiceHosts: context.app.env.pushServiceHosts,
    });
    return apiJson({ subscribed: true }, { status: 201 });
  }
  if (request.method === "DELETE") {
    const { endpoint } = Unsubscribe.parse(await readJson(request, 10_000));
    await unsubscribePush(context.app.db, { user, endpoint });
    return apiJson({ subscribed: false });
  }
  return apiError(405, "method_not_allowed", "Use POST to subscribe or DELETE to unsubscribe.");
});
