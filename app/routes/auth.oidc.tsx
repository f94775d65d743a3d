// Starts a single sign-on: remembers state, nonce and PKCE verifier, then sends the browser to the provider.
// NOTE: reached by a link, not a form: the CSP's form-action 'self' would block a form's redirect to the provider.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { commitOidcCookie, safeRedirect } from "~/modules/auth/guard.server";
import { OidcRefusal, recordRefusal, startOidcLogin } from "~/modules/auth/oidc.server";
import { refusalPage } from "./auth.oidc_.callback";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const settings = context.app.env.oidc;
  if (!settings) throw new Response("Single sign-on is not configured.", { status: 404, statusText: "Not Found" });
  const params = new URL(request.url).searchParams;
  const redirectTo = params.get("redirectTo") ? safeRedirect(params.get("redirectTo"), "") || null : null;
  const invite = params.get("invite")?.slice(0, 200) || null;
  try {
    const { url, state } = await startOidcLogin(context.app.db, {
      settings,
      publicUrl: context.app.env.PUBLIC_URL,
      redirectTo,
      inviteToken: invite,
    });
    return redirect(url, { headers: { "Set-Cookie": await commitOidcCookie(context.app, request, state), "Cache-Control": "no-store" } });
  } catch (error) {
    if (!(error instanceof OidcRefusal)) throw error;
    await recordRefusal(context.app.db, error, settings.issuer);
    return refusalPage(error, 503);
  }
}

export { default } from "./auth.oidc_.callback";
