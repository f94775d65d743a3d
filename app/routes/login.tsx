import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { Field, FormError, SubmitButton } from "~/components/form-fields";
import { ROLE_HOME, commitSessionCookie, getUser, readSessionToken, safeRedirect } from "~/modules/auth/guard.server";
import { SignInInput, endSession, signIn } from "~/modules/auth/session.server";
import { clientKey, passwordsFor } from "~/modules/auth/settings.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = await getUser(context.app, request);
  if (found) throw redirect(ROLE_HOME[found.user.role]);
  return { sso: context.app.env.oidc?.name ?? null, ssoOnly: context.app.env.ssoOnly };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, 254);
  return formAction(
    async () => {
      const input = SignInInput.parse({ email: form.get("email") ?? "", password: form.get("password") ?? "" });
      const { user, token } = await signIn(context.app.db, input, {
        userAgent: request.headers.get("user-agent"),
        passwordsFor: passwordsFor(context.app),
        client: clientKey(context.app),
      });
      // Rotate: whatever session this browser had before is ended, so a planted cookie can't ride along.
      const previous = await readSessionToken(context.app, request);
      if (previous) await endSession(context.app.db, previous);
      const to = safeRedirect(form.get("redirectTo"), ROLE_HOME[user.role]);
      return redirect(to === "/" ? ROLE_HOME[user.role] : to, {
        headers: { "Set-Cookie": await commitSessionCookie(context.app, request, token) },
      });
    },
    // The fields say what is wrong; no sentence over them.
    { echo: { email }, summary: "" },
  );
}

export default function Login() {
  const { sso, ssoOnly } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  // The server only serves this page to a browser with no session: a session that ended elsewhere (a lost
  // phone signed out from another device, a reset, expiry) leaves nothing readable offline behind it.
  useEffect(() => void import("~/offline/runtime").then((r) => r.sessionMayHaveEnded()), []);
  return (
    <main className="auth">
      <p className="brand">Fieldkit</p>
      <h1>Sign in</h1>
      {params.get("reset") === "done" ? (
        <p className="notice" role="status">
          Your password has been changed and every device was signed out. Sign in with the new password.
        </p>
      ) : params.get("ended") ? (
        <p className="notice" role="status">
          Your session has ended. Sign in again to go back where you were; a message or edit you were writing is kept on this device.
        </p>
      ) : null}
      {sso ? (
        <>
          <p>
            <a
              className="button"
              href={`/auth/oidc${params.get("redirectTo") ? `?${new URLSearchParams({ redirectTo: params.get("redirectTo")! })}` : ""}`}
              style={{ display: "flex", justifyContent: "center", alignItems: "center" }}
            >
              Sign in with {sso}
            </a>
          </p>
          {ssoOnly ? (
            <p className="meta">Admins can still sign in with their password below if single sign-on is down.</p>
          ) : (
            <p className="meta">Or use your email and password:</p>
          )}
        </>
      ) : null}
      <Form method="post" noValidate aria-describedby={data?.formError ? "form-error" : undefined}>
        <FormError message={data?.formError} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field
          id="email"
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          maxLength={254}
          defaultValue={data?.email}
          error={data?.fields.email}
        />
        <Field
          id="password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={data?.fields.password}
        />
        <SubmitButton busy={busy} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </main>
  );
}
