import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, SubmitButton } from "~/components/form-fields";
import { clearSessionCookie } from "~/modules/auth/guard.server";
import { NewPassword, resetLinkIsValid, resetPassword } from "~/modules/auth/password-reset.server";
import { INVALID_RESET_MESSAGE } from "@/vocabulary/accounts";
import { wakeJobs } from "~/modules/auth/settings.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Fieldkit" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const valid = await resetLinkIsValid(context.app.db, params.token ?? "");
  return valid ? { valid } : data({ valid }, { status: 404 });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  return formAction(
    async () => {
      const password = NewPassword.parse(form.get("password") ?? "");
      await resetPassword(context.app.db, { token: params.token ?? "", input: { password }, publicUrl: context.app.env.PUBLIC_URL });
      wakeJobs(context.app);
      // Every session of the account ended, this browser's included: sign in afresh with the new password.
      return redirect("/login?reset=done", { headers: { "Set-Cookie": await clearSessionCookie(context.app, request) } });
      // An unknown, used or expired link gets one answer on the form itself (no enumeration).
    },
    { notFoundPage: false },
  );
}

export default function ResetPassword() {
  const { valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="auth">
      <p className="brand">Fieldkit</p>
      <h1>Choose a new password</h1>
      {valid ? (
        <Form method="post" noValidate>
          <FormError message={result?.formError} />
          <label htmlFor="password">New password</label>
          <input
            id="password"
            name="password"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            aria-describedby={result?.formError ? "form-error password-hint" : "password-hint"}
          />
          <p className="meta" id="password-hint">
            At least 10 characters. Every device signed in to your account will be signed out.
          </p>
          <SubmitButton busy={busy} busyLabel="Saving…">
            Set new password
          </SubmitButton>
        </Form>
      ) : (
        <>
          <p>{INVALID_RESET_MESSAGE}</p>
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        </>
      )}
    </main>
  );
}
