// Where the identity provider sends the browser back. Success: a session and the person's home.
// Refusal (tampered or expired token, wrong audience, replayed state or nonce…): a page saying why, and an audit entry.
import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ROLE_HOME, clearOidcCookie, commitSessionCookie, readOidcCookie } from "~/modules/auth/guard.server";
import { OidcRefusal, finishOidcLogin, recordRefusal } from "~/modules/auth/oidc.server";

export const meta: MetaFunction = () => [{ title: "Sign-in refused · Fieldkit" }];

export function refusalPage(refusal: OidcRefusal, status = 403) {
  return data({ reason: refusal.reason, message: refusal.message }, { status });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const settings = context.app.env.oidc;
  if (!settings) throw new Response("Single sign-on is not configured.", { status: 404, statusText: "Not Found" });
  const clear = await clearOidcCookie(context.app, request);
  try {
    const result = await finishOidcLogin(context.app.db, {
      settings,
      currentUrl: new URL(context.app.env.PUBLIC_URL + new URL(request.url).pathname + new URL(request.url).search),
      cookieState: await readOidcCookie(context.app, request),
      userAgent: request.headers.get("user-agent"),
    });
    const headers = new Headers();
    headers.append("Set-Cookie", clear);
    headers.append("Set-Cookie", await commitSessionCookie(context.app, request, result.token));
    const home = ROLE_HOME[result.user.role];
    return redirect(result.redirectTo && result.redirectTo !== "/" ? result.redirectTo : home, { headers });
  } catch (error) {
    if (!(error instanceof OidcRefusal)) throw error;
    await recordRefusal(context.app.db, error, settings.issuer);
    const res = refusalPage(error);
    return data(res.data, { status: res.init?.status ?? 403, headers: { "Set-Cookie": clear } });
  }
}

export default function Refused() {
  const { message } = useLoaderData<typeof loader>();
  return (
    <main className="auth">
      <p className="brand">Fieldkit</p>
      <h1>Sign-in refused</h1>
      <p role="alert">{message}</p>
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
