// "Request content", reached from an empty search (/requests/new?q=…) or from Me.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ZodError } from "~/modules/validation.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { RequestInput, createRequest } from "~/modules/feedback/requests.server";

export const meta: MetaFunction = () => [{ title: "Request content · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request);
  const q = new URL(request.url).searchParams.get("q")?.slice(0, 200) ?? "";
  return { q };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const form = await request.formData();
  const values = { text: String(form.get("text") ?? ""), query: String(form.get("query") ?? "") };
  try {
    await createRequest(context.app.db, { user, input: RequestInput.parse(values) });
    return redirect("/requests?created=1");
  } catch (error) {
    if (error instanceof ZodError) return data({ error: error.issues.map((i) => i.message).join(" "), values }, { status: 400 });
    if (error instanceof AppError) return data({ error: error.message, values }, { status: error.status });
    throw error;
  }
}

export default function NewRequest() {
  const { q } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>Request content</h1>
      <p className="meta">Tell marketing what you needed and couldn't find. You'll see their answer under My requests.</p>
      <Form method="post" className="card">
        {q ? (
          <>
            <label htmlFor="req-query">You searched for</label>
            <input id="req-query" name="query" defaultValue={result?.values.query ?? q} maxLength={200} />
          </>
        ) : (
          <input type="hidden" name="query" value="" />
        )}
        <label htmlFor="req-text">What do you need?</label>
        <textarea
          id="req-text"
          name="text"
          rows={4}
          required
          minLength={3}
          maxLength={1000}
          defaultValue={result?.values.text ?? (q ? `Content about “${q}”` : "")}
          aria-invalid={result?.error ? true : undefined}
          aria-describedby={result?.error ? "req-error" : undefined}
        />
        {result?.error ? (
          <p id="req-error" className="field-error" role="alert">
            {result.error}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Send request"}
          </button>
        </p>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
