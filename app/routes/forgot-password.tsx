import { data, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { RESET_REQUESTED_MESSAGE, ResetRequestInput, requestPasswordReset } from "~/modules/auth/password-reset.server";
import { clientKey, passwordsFor, wakeJobs } from "~/modules/auth/settings.server";
import { AppError } from "~/modules/errors.server";

export const meta: MetaFunction = () => [{ title: "Forgot your password · Fieldkit" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "").slice(0, 254);
  const parsed = ResetRequestInput.safeParse({ email });
  if (!parsed.success) return data({ sent: null, error: parsed.error.issues[0].message, email }, { status: 400 });
  try {
    await requestPasswordReset(context.app.db, { input: parsed.data, client: clientKey(context.app), publicUrl: context.app.env.PUBLIC_URL, passwordsFor: passwordsFor(context.app) });
  } catch (error) {
    if (error instanceof AppError) return data({ sent: null, error: error.message, email }, { status: error.status });
    throw error;
  }
  wakeJobs(context.app);
  return { sent: RESET_REQUESTED_MESSAGE, error: null, email };
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
          {result?.error ? (
            <p className="form-error" id="form-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required maxLength={254} defaultValue={result?.email}
            aria-describedby={result?.error ? "form-error" : undefined} />
          <p>
            <button type="submit" disabled={busy} style={{ width: "100%" }}>
              {busy ? "Sending…" : "Email me a reset link"}
            </button>
          </p>
        </Form>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
