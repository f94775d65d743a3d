// Starts a single sign-on: remembers state, nonce and PKCE verifier, then sends the browser to the provider.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { commitOidcCookie, safeRedirect } from "~/modules/auth/guard.server";
import { OidcRefusal, recordRefusal, startOidcLogin } from "~/modules/auth/oidc.server";
import { refusalPage } from "./auth.oidc_.callback";

export async function loader() {
  throw redirect("/login");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const settings = context.app.env.oidc;
  if (!settings) throw new Response("Single sign-on is not configured.", { status: 404, statusText: "Not Found" });
  const form = await request.formData();
  const redirectTo = form.get("redirectTo") ? safeRedirect(form.get("redirectTo"), "") || null : null;
  const invite = String(form.get("invite") ?? "").slice(0, 200) || null;
  try {
    const { url, state } = await startOidcLogin(context.app.db, { settings, publicUrl: context.app.env.PUBLIC_URL, redirectTo, inviteToken: invite });
    return redirect(url, { headers: { "Set-Cookie": await commitOidcCookie(context.app, request, state) } });
  } catch (error) {
    if (!(error instanceof OidcRefusal)) throw error;
    await recordRefusal(context.app.db, error, settings.issuer);
    return refusalPage(error, 503);
  }
}
