// Editing an item's details under an optimistic lock. If someone else saved first, nothing is
// overwritten: their values are shown next to yours, and saving again applies yours on top.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/form-fields";
import { KeptDraftNotice, useKeptDraft } from "~/components/kept-draft";
import { MetadataFields } from "~/components/publishing/metadata-fields";
import { requireUser } from "~/modules/auth/guard.server";
import { formAction, pageData } from "~/modules/page-errors.server";
import { UpdateInput } from "~/modules/library/publishing-input.server";
import { loadItemDetail } from "~/modules/library/item-detail.server";
import { publishingChoices } from "~/modules/library/tags-audiences.server";
import { type CurrentValues, updateItem } from "~/modules/library/edit-item.server";
import { ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { TYPE_LABEL } from "@/vocabulary/library";
import { formatDate, formatDateTime } from "@/vocabulary/dates";
import { LONG_FORM_MAX_BYTES, readForm } from "~/modules/request-body.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.item.title ?? "item"} · Fieldkit` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  return pageData(async () => {
    const detail = await loadItemDetail(context.app.db, user, params.id ?? "");
    return { ...detail, choices: await publishingChoices(context.app.db, { chosen: detail.tags.map((t) => t.id) }) };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const id = params.id ?? "";
  const form = await readForm(request, LONG_FORM_MAX_BYTES);
  const values: Record<string, unknown> = {
    ...Object.fromEntries([...form.entries()].filter(([k]) => !["tags", "audiences", "verified"].includes(k))),
    tags: form.getAll("tags").map(String),
    audiences: form.getAll("audiences").map(String),
    verified: form.get("verified") === "on",
  };
  return formAction(
    async () => {
      await updateItem(context.app, user, id, UpdateInput.parse(values));
      return redirect(`/items/${id}?notice=${encodeURIComponent("Saved.")}`);
    },
    {
      echo: { values, conflict: null as CurrentValues | null },
      summary: "Check the highlighted fields.",
      details: (error) => ({ conflict: error.status === 409 ? ((error.details?.current ?? null) as CurrentValues | null) : null }),
    },
  );
}

export default function EditItem() {
  const { item, choices, tags, audiences, bodyMd } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  // NOTE: not isMessagingType: a .server module's exports are empty in the browser bundle.
  const isMessaging = (type: string) => (MESSAGING_TYPES as readonly string[]).includes(type);
  const messaging = isMessaging(item.type);
  const types = ITEM_TYPES.filter((t) => isMessaging(t) === messaging);
  const conflict = actionData?.conflict ?? null;
  // After a conflict the form keeps what this person typed, but carries the new revision, so saving
  // again is a deliberate choice made with the other person's change in view.
  const submitted = (actionData?.values ?? null) as Record<string, string & string[]> | null;
  const values = submitted
    ? { ...submitted, tags: submitted.tags, audiences: submitted.audiences }
    : {
        title: item.title,
        summary: item.summary,
        type: item.type,
        ownerId: item.owner?.id ?? null,
        tags: tags.map((t) => t.id),
        audiences: audiences.map((a) => a.id),
        expiresAt: item.expiresAt,
        verifyIntervalDays: item.verifyIntervalDays,
      };
  const revision = conflict?.revision ?? item.revision;
  const errors = actionData?.fields ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  const kept = useKeptDraft(formRef, `edit:${item.id}`, revision);

  return (
    <>
      <p className="meta">
        <Link to={`/items/${item.id}`}>← {item.title}</Link>
      </p>
      <h1>Edit details</h1>
      {actionData?.formError ? (
        <div className="form-error" role="alert">
          <p>{actionData.formError}</p>
          {conflict ? <ConflictSummary conflict={conflict} /> : null}
        </div>
      ) : null}
      <KeptDraftNotice draft={kept} />
      <Form method="post" key={revision} ref={formRef}>
        <input type="hidden" name="revision" value={revision} />
        <MetadataFields choices={choices} values={values as never} errors={errors} types={types} />
        {item.videoUrl !== null || item.type === "video" ? (
          <>
            <label htmlFor="videoUrl">Video link</label>
            <input id="videoUrl" name="videoUrl" type="url" defaultValue={String(submitted?.videoUrl ?? item.videoUrl ?? "")} />
            <FieldError id="videoUrl-error" message={errors.videoUrl} />
          </>
        ) : null}
        {messaging ? (
          <>
            <label htmlFor="body">Message (Markdown)</label>
            <textarea id="body" name="body" rows={12} defaultValue={String(submitted?.body ?? bodyMd ?? "")} />
            <FieldError id="body-error" message={errors.body} />
            <label htmlFor="changelog">What changed in the message? (becomes the version note)</label>
            <input id="changelog" name="changelog" maxLength={2000} defaultValue={String(submitted?.changelog ?? "")} />
          </>
        ) : null}
        <label className="check">
          <input type="checkbox" name="verified" /> I checked this content; it is still accurate
        </label>
        <p className="row">
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : conflict ? "Save my version anyway" : "Save"}
          </button>
          <Link className="button secondary" to={`/items/${item.id}`}>
            Cancel
          </Link>
        </p>
      </Form>
      <section className="card" aria-labelledby="buyers-h">
        <h2 id="buyers-h">Buyers</h2>
        <p>
          {item.notForBuyers
            ? "Internal only: sellers can't share it with buyers."
            : "Sellers may share this item with buyers through tracked links."}
        </p>
        <Form method="post" action={`/items/${item.id}/buyers`}>
          <input type="hidden" name="notForBuyers" value={item.notForBuyers ? "false" : "true"} />
          <button type="submit" className="secondary" disabled={busy}>
            {item.notForBuyers ? "Allow sharing with buyers" : "Mark internal only (not for buyers)"}
          </button>
        </Form>
      </section>
    </>
  );
}

function ConflictSummary({ conflict }: { conflict: CurrentValues }) {
  return (
    <dl className="facts conflict">
      <dt>Saved by</dt>
      <dd>
        {conflict.updatedBy?.name ?? "someone"} at {formatDateTime(conflict.updatedAt)}
      </dd>
      <dt>Their title</dt>
      <dd>{conflict.title}</dd>
      <dt>Their summary</dt>
      <dd>{conflict.summary || "—"}</dd>
      <dt>Their type</dt>
      <dd>{TYPE_LABEL[conflict.type] ?? conflict.type}</dd>
      <dt>Their tags</dt>
      <dd>{conflict.tags.map((t) => t.label).join(", ") || "—"}</dd>
      <dt>Their expiry</dt>
      <dd>{conflict.expiresAt ? formatDate(conflict.expiresAt) : "none"}</dd>
    </dl>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
