// "Request content", reached from an empty search (/requests/new?q=…) or from Me.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { KeptDraftNotice, useKeptDraft } from "~/components/kept-draft";
import { requireUser } from "~/modules/auth/guard.server";
import { RequestInput, createRequest } from "~/modules/feedback/requests.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Request content · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request);
  const q = new URL(request.url).searchParams.get("q")?.slice(0, 200) ?? "";
  return { q };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const form = await readForm(request);
  const values = { text: String(form.get("text") ?? ""), query: String(form.get("query") ?? "") };
  return formAction(
    async () => {
      await createRequest(context.app.db, { user, input: RequestInput.parse(values) });
      return redirect("/requests?created=1");
    },
    { echo: { values } },
  );
}

export default function NewRequest() {
  const { q } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const formRef = useRef<HTMLFormElement>(null);
  const kept = useKeptDraft(formRef, "new-request");
  return (
    <div className="narrow-page">
      <h1>Request content</h1>
      <p className="meta">Tell marketing what you needed and couldn't find. You'll see their answer under My requests.</p>
      <Form method="post" className="card" ref={formRef}>
        <KeptDraftNotice draft={kept} />
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
          aria-invalid={result?.formError ? true : undefined}
          aria-describedby={result?.formError ? "req-error" : undefined}
        />
        {result?.formError ? (
          <p id="req-error" className="field-error" role="alert">
            {result.formError}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Send request"}
          </button>
        </p>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
