// POST /api/v1/session signs in (sets the cookie); DELETE signs out.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { clearSessionCookie, commitSessionCookie, readSessionToken } from "~/modules/auth/guard.server";
import { SignInInput, endSession, publicUser, signIn } from "~/modules/auth/session.server";
import { clientKey, passwordsFor } from "~/modules/auth/settings.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to sign in or DELETE to sign out.");

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method === "DELETE") {
    const token = await readSessionToken(context.app, request);
    if (!token) return apiError(401, "unauthorized", "You are not signed in.");
    await endSession(context.app.db, token);
    return new Response(null, { status: 204, headers: { "Set-Cookie": await clearSessionCookie(context.app, request) } });
  }
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST or DELETE.");
  const input = SignInInput.parse(await readJson(request, 10_000));
  const { user, token } = await signIn(context.app.db, input, {
    userAgent: request.headers.get("user-agent"),
    passwordsFor: passwordsFor(context.app),
    client: clientKey(context.app),
  });
  return apiJson({ user: publicUser(user) }, { headers: { "Set-Cookie": await commitSessionCookie(context.app, request, token) } });
});
