// Messaging written in Markdown (talk tracks, battle cards, objection handling, definitions, email
// templates) with a live preview rendered by the same sanitiser sellers' pages use; or a video link.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { FieldError } from "~/components/form-fields";
import { KeptDraftNotice, useKeptDraft } from "~/components/kept-draft";
import { MetadataFields } from "~/components/publishing/metadata-fields";
import { requireUser } from "~/modules/auth/guard.server";
import { CreateTextInput } from "~/modules/library/publishing-input.server";
import { createTextItem } from "~/modules/library/create-item.server";
import { publishingChoices } from "~/modules/library/tags-audiences.server";
import { MESSAGING_TYPES } from "@/vocabulary/library";
import type { action as previewAction } from "./_app.publish.preview";
import { formAction } from "~/modules/page-errors.server";
import { LONG_FORM_MAX_BYTES, readForm } from "~/modules/request-body.server";

const TYPES = [...MESSAGING_TYPES, "video"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "admin"]);
  return { choices: await publishingChoices(context.app.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = await readForm(request, LONG_FORM_MAX_BYTES);
  const values = {
    ...Object.fromEntries([...form.entries()].filter(([k]) => k !== "tags" && k !== "audiences")),
    tags: form.getAll("tags").map(String),
    audiences: form.getAll("audiences").map(String),
  };
  return formAction(
    async () => {
      const id = await createTextItem(context.app, user, CreateTextInput.parse(values));
      return redirect(`/items/${id}`);
    },
    { echo: { values }, summary: "Check the highlighted fields." },
  );
}

export default function WriteMessage() {
  const { choices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const values = (actionData?.values ?? {}) as Record<string, string | string[]>;
  const [type, setType] = useState(String(values.type ?? "talk_track"));
  const [body, setBody] = useState(String(values.body ?? ""));
  const preview = useFetcher<typeof previewAction>();
  const errors = actionData?.fields ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  const kept = useKeptDraft(formRef, "new-message");

  // Debounced: the preview follows typing without a request per keystroke.
  useEffect(() => {
    if (type === "video" || !body.trim()) return;
    const timer = setTimeout(() => preview.submit({ body }, { method: "post", action: "/publish/preview" }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [body, type]);

  return (
    <Form method="post" ref={formRef} aria-describedby={actionData?.formError ? "message-error" : undefined}>
      <KeptDraftNotice draft={kept} />
      {actionData?.formError ? (
        <p className="form-error" id="message-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      <label htmlFor="kind">Kind</label>
      <select id="kind" name="type" value={type} onChange={(e) => setType(e.target.value)}>
        <option value="talk_track">Talk track</option>
        <option value="battle_card">Battle card</option>
        <option value="objection_handling">Objection handling</option>
        <option value="definition">Shared definition</option>
        <option value="email_template">Email template</option>
        <option value="video">Video link</option>
      </select>
      <label htmlFor="title">Title</label>
      <input
        id="title"
        name="title"
        required
        maxLength={200}
        defaultValue={String(values.title ?? "")}
        aria-invalid={errors.title ? true : undefined}
        aria-describedby={errors.title ? "title-error" : undefined}
      />
      <FieldError id="title-error" message={errors.title} />
      {type === "video" ? (
        <>
          <label htmlFor="videoUrl">Video link</label>
          <input
            id="videoUrl"
            name="videoUrl"
            type="url"
            inputMode="url"
            placeholder="https://"
            defaultValue={String(values.videoUrl ?? "")}
            aria-invalid={errors.videoUrl ? true : undefined}
            aria-describedby={errors.videoUrl ? "videoUrl-error" : undefined}
          />
          <FieldError id="videoUrl-error" message={errors.videoUrl} />
        </>
      ) : (
        <div className="editor">
          <div>
            <label htmlFor="body">Message (Markdown)</label>
            <textarea
              id="body"
              name="body"
              rows={14}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              aria-invalid={errors.body ? true : undefined}
              aria-describedby={errors.body ? "body-error body-help" : "body-help"}
            />
            <p className="meta" id="body-help">
              **bold**, *italic*, ## headings, - lists, [links](https://…). Scripts and unsafe links are removed.
            </p>
            <FieldError id="body-error" message={errors.body} />
          </div>
          <section aria-label="Preview" aria-live="polite" className="card md-preview">
            {body.trim() ? (
              preview.data?.html !== undefined ? (
                <div className="prose" dangerouslySetInnerHTML={{ __html: preview.data.html }} />
              ) : (
                <p className="meta">Preparing the preview…</p>
              )
            ) : (
              <p className="meta">The preview appears here as you type.</p>
            )}
          </section>
        </div>
      )}
      <MetadataFields choices={choices} values={values as never} errors={errors} types={TYPES} showTitle={false} showType={false} />
      <p>
        <button type="submit" disabled={submitting}>
          {submitting ? "Saving…" : "Save as draft"}
        </button>
      </p>
    </Form>
  );
}
