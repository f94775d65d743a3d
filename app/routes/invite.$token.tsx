import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react";
import { Field, FormError, SubmitButton } from "~/components/form-fields";
import { ROLE_HOME, commitSessionCookie } from "~/modules/auth/guard.server";
import { passwordsFor } from "~/modules/auth/settings.server";
import { AcceptInput, acceptInvitation, findInvitation } from "~/modules/people/invitations.server";
import { INVALID_INVITE_MESSAGE } from "@/vocabulary/accounts";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Accept your invitation · Fieldkit" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invite = await findInvitation(context.app.db, params.token ?? "");
  const sso = context.app.env.oidc?.name ?? null;
  if (!invite) return data({ invite: null, sso, passwords: true }, { status: 404 });
  const passwords = passwordsFor(context.app) === "everyone" || invite.role === "admin";
  return { invite: { email: invite.email, role: invite.role, team: invite.teamName }, sso, passwords };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const name = String(form.get("name") ?? "").slice(0, 120);
  return formAction(
    async () => {
      const input = AcceptInput.parse({ name: form.get("name") ?? "", password: form.get("password") ?? "" });
      const { user, token } = await acceptInvitation(context.app.db, {
        token: params.token ?? "",
        ...input,
        userAgent: request.headers.get("user-agent"),
        passwordsFor: passwordsFor(context.app),
      });
      return redirect(ROLE_HOME[user.role], { headers: { "Set-Cookie": await commitSessionCookie(context.app, request, token) } });
    },
    // An unknown, used or expired link is one answer (no enumeration), shown on the form rather than as a 404 page.
    { echo: { name }, summary: "", notFoundPage: false },
  );
}

export default function AcceptInvitation() {
  const { invite, sso, passwords } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const token = useParams().token ?? "";
  if (!invite) {
    return (
      <main className="auth">
        <p className="brand">Fieldkit</p>
        <h1>Invitation not available</h1>
        <p>{INVALID_INVITE_MESSAGE}</p>
        <p>
          <Link to="/login">Go to sign in</Link>
        </p>
      </main>
    );
  }
  return (
    <main className="auth">
      <p className="brand">Fieldkit</p>
      <h1>Welcome to Fieldkit</h1>
      <p>
        You're invited as a <strong>{invite.role}</strong>
        {invite.team ? (
          <>
            {" "}
            in <strong>{invite.team}</strong>
          </>
        ) : null}
        . Your sign-in is <strong>{invite.email}</strong>.
      </p>
      {passwords ? (
        <Form method="post" noValidate aria-describedby={result?.formError ? "form-error" : undefined}>
          <FormError message={result?.formError} />
          <Field
            id="name"
            label="Your name"
            name="name"
            required
            maxLength={120}
            autoComplete="name"
            defaultValue={result?.name}
            error={result?.fields.name}
          />
          <Field
            id="password"
            label="Choose a password"
            name="password"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            error={result?.fields.password}
            hint="At least 10 characters."
          />
          <SubmitButton busy={busy} busyLabel="Creating your account…">
            Create my account
          </SubmitButton>
        </Form>
      ) : (
        <p>Your organisation signs in with {sso}: use it to accept.</p>
      )}
      {sso ? (
        <>
          {passwords ? <p className="meta">Or skip the password:</p> : null}
          <p>
            <a
              className="button secondary"
              href={`/auth/oidc?${new URLSearchParams({ invite: token })}`}
              style={{ display: "flex", justifyContent: "center", alignItems: "center" }}
            >
              Sign in with {sso}
            </a>
          </p>
        </>
      ) : null}
    </main>
  );
}
