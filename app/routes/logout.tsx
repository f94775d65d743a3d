import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clearSessionCookie, getUser, readSessionToken } from "~/modules/auth/guard.server";
import { endAllSessions, endSession } from "~/modules/auth/session.server";
import { readForm } from "~/modules/request-body.server";
import { PUSH_ENDPOINT_FIELD } from "~/offline/routing";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const token = await readSessionToken(context.app, request);
  if (form.get("everywhere") === "true") {
    // A person's choice in a browser, not a script's: a token does not sign its owner out everywhere.
    const found = await getUser(context.app, request);
    if (found?.method === "cookie") await endAllSessions(context.app.db, found.user.id);
  } else if (token) {
    // Added by the service worker (app/sw/push.ts) when this browser is subscribed to push.
    const pushEndpoint = form.get(PUSH_ENDPOINT_FIELD);
    await endSession(context.app.db, token, { pushEndpoint: typeof pushEndpoint === "string" ? pushEndpoint.slice(0, 2_000) : null });
  }
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie(context.app, request) } });
}
