// "Share with a buyer" (phone first): the chosen items, recipient, note, expiry, download and email
// options → a tracked link. Reached from an item page or Select mode (?item=<id>, repeatable for a set of
// up to 10); more items are found and added on the page itself (?q=… without JavaScript), each then in the
// address as ?add=<id>.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { KeptDraftNotice, useKeptDraft } from "~/components/kept-draft";
import { AddToShareFields, AddToShareForm, useShareAdditions } from "~/components/share-select/add-to-share";
import { TYPE_LABEL } from "@/vocabulary/library";
import { requireUser } from "~/modules/auth/guard.server";
import { createShareFromForm, newFormId, shareAdditions, shareCandidates } from "~/modules/shares/forms.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Share with a buyer · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const params = new URL(request.url).searchParams;
  const began = params.getAll("item").map((id) => id.toLowerCase());
  const items = await shareCandidates(context.app.db, user, [...began, ...params.getAll("add")]);
  const q = params.get("q");
  const add = q === null ? null : await shareAdditions(context.app, user, { q, chosen: items.map((i) => i.id) });
  // The kept draft's key: the items the page began with, not those added since.
  const draftKey = items
    .filter((i) => began.includes(i.id))
    .map((i) => i.id)
    .sort()
    .join(",");
  return { items, add, draftKey, formId: newFormId() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const form = await readForm(request);
  return formAction(async () => {
    const { share } = await createShareFromForm(context.app, user, form);
    return redirect(`/shares/${share.id}?created=1`);
  });
}

export default function NewShare() {
  const { items: picked, add: found, draftKey, formId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const additions = useShareAdditions();
  // Items added in place are in the address too, so once the page's data is read again they are in both.
  const items = [
    ...picked,
    ...additions.added.filter((a) => !picked.some((i) => i.id === a.id)).map((a) => ({ ...a, shareable: true, reason: null })),
  ];
  const shareable = items.filter((i) => i.shareable);
  // The note to a buyer is typed on a phone: an ended session must not cost it (one copy per set of items).
  const formRef = useRef<HTMLFormElement>(null);
  const kept = useKeptDraft(formRef, `new-share:${draftKey}`);
  // An item added in place changes the form without a keystroke: the kept draft hears of it as of one, or a
  // reload would put back the ticks as they were before it.
  const addedCount = additions.added.length;
  useEffect(() => {
    if (addedCount) formRef.current?.dispatchEvent(new Event("input", { bubbles: true }));
  }, [addedCount]);
  return (
    <>
      <h1>Share with a buyer</h1>
      <p className="meta">The buyer gets a link that works without an account. You'll see when they open it and what they read.</p>
      <Form method="post" className="card share-form" ref={formRef}>
        <KeptDraftNotice draft={kept} />
        <input type="hidden" name="id" value={formId} />
        <fieldset>
          <legend>What to share</legend>
          {items.map((i) => (
            <p key={i.id} className="check">
              <input type="checkbox" id={`it-${i.id}`} name="itemIds" value={i.id} defaultChecked={i.shareable} disabled={!i.shareable} />
              <label htmlFor={`it-${i.id}`}>
                {i.title} <span className="meta">· {TYPE_LABEL[i.type] ?? i.type}</span>
                {i.reason ? <span className="field-error"> {i.reason}</span> : null}
              </label>
            </p>
          ))}
          {items.length === 0 ? <p className="meta">Nothing chosen yet: find an item to add below.</p> : null}
          <AddToShareFields additions={additions} chosen={items.map((i) => i.id)} found={found} />
        </fieldset>
        <label htmlFor="sh-name">Recipient's name (optional)</label>
        <input id="sh-name" name="recipientName" maxLength={200} autoComplete="off" />
        <label htmlFor="sh-email">Recipient's email (optional)</label>
        <input id="sh-email" name="recipientEmail" type="email" maxLength={254} autoComplete="off" />
        <label htmlFor="sh-note">Note shown on their page (optional)</label>
        <textarea id="sh-note" name="note" rows={3} maxLength={2000} />
        <label htmlFor="sh-days">Link stays open for</label>
        <select id="sh-days" name="days" defaultValue="30">
          <option value="7">7 days</option>
          <option value="14">14 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
        </select>
        <p className="check">
          <input type="checkbox" id="sh-dl" name="allowDownload" />
          <label htmlFor="sh-dl">Allow downloads</label>
        </p>
        <p className="check">
          <input type="checkbox" id="sh-req" name="requireEmail" />
          <label htmlFor="sh-req">Ask the viewer for their email first</label>
        </p>
        {result?.formError ? (
          <p className="form-error" role="alert">
            {result.formError}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={busy || shareable.length === 0}>
            {busy ? "Creating link…" : "Create link"}
          </button>
        </p>
      </Form>
      <AddToShareForm additions={additions} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
