import { type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { FormError, SubmitButton } from "~/components/form-fields";
import { RESET_REQUESTED_MESSAGE, ResetRequestInput, requestPasswordReset } from "~/modules/auth/password-reset.server";
import { clientKey, passwordsFor, wakeJobs } from "~/modules/auth/settings.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Forgot your password · Fieldkit" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "").slice(0, 254);
  return formAction(
    async () => {
      const input = ResetRequestInput.parse({ email });
      await requestPasswordReset(context.app.db, {
        input,
        client: clientKey(context.app),
        publicUrl: context.app.env.PUBLIC_URL,
        passwordsFor: passwordsFor(context.app),
      });
      wakeJobs(context.app);
      return { sent: RESET_REQUESTED_MESSAGE, formError: null, email };
    },
    { echo: { sent: null, email } },
  );
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main className="auth">
      <p className="brand">Fieldkit</p>
      <h1>Reset your password</h1>
      {result?.sent ? (
        <p className="notice" role="status">
          {result.sent}
        </p>
      ) : (
        <Form method="post" noValidate>
          <FormError message={result?.formError} />
          <label htmlFor="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            maxLength={254}
            defaultValue={result?.email}
            aria-describedby={result?.formError ? "form-error" : undefined}
          />
          <SubmitButton busy={busy} busyLabel="Sending…">
            Email me a reset link
          </SubmitButton>
        </Form>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
