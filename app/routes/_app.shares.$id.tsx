// One buyer share: the link to send (share sheet, copy, email), what the buyer did, adding items to it and
// taking them off, extend and revoke. Adding searches with a plain GET of this page (?q=…), so it works
// before JavaScript; taking off redirects with `removed=<item>`, which its Undo posts back as an add.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { UndoNotice } from "~/components/undo-notice";
import { AddToLink } from "~/components/shares/add-to-link";
import { ShareItems } from "~/components/shares/share-items";
import { ShareLink } from "~/components/shares/share-link";
import { formatDate } from "@/vocabulary/dates";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { manageShareFromForm, shareAdditions } from "~/modules/shares/forms.server";
import { canUndoRevoke, getShare } from "~/modules/shares/shares.server";
import { buyerTitle, MAX_SHARE_ITEMS, MAX_SHARE_POSITIONS } from "@/vocabulary/shares";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Buyer share · Fieldkit" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  return pageData(async () => {
    const share = await getShare(context.app.db, { user, id: params.id ?? "" });
    const q = new URL(request.url).searchParams.get("q");
    const open = share.status === "active";
    const canPutBack = open && share.items.length < MAX_SHARE_ITEMS;
    // Positions are never reused: a link that has held 30 different items takes back only those.
    const fullSince = share.items.length + share.removedItems.length >= MAX_SHARE_POSITIONS;
    const canAdd = canPutBack && !fullSince;
    const addRefusal = !open
      ? null
      : !canPutBack
        ? `This link holds ${MAX_SHARE_ITEMS} items, the most a link can: take one off to add another.`
        : fullSince
          ? `This link has held ${MAX_SHARE_POSITIONS} different items, the most a link can: create a new link for more.`
          : null;
    const add = q === null || !canAdd ? null : await shareAdditions(context.app, user, { q, chosen: share.items.map((i) => i.id) });
    return {
      share,
      absoluteUrl: new URL(share.url, request.url).toString(),
      undoRevoke: canUndoRevoke(share),
      canAdd,
      canPutBack,
      addRefusal,
      add,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  return formAction(async () => {
    const { notice, removed } = await manageShareFromForm(context.app, user, params.id ?? "", await readForm(request));
    const undo = removed ? `&removed=${encodeURIComponent(removed)}` : "";
    return redirect(`/shares/${encodeURIComponent(params.id ?? "")}?notice=${encodeURIComponent(notice)}${undo}`);
  });
}

export default function SharePage() {
  const { share, absoluteUrl, undoRevoke, canAdd, canPutBack, addRefusal, add } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const title =
    share.items.length === 1 ? share.items[0].title : `${share.items[0]?.title ?? "Content"} and ${share.items.length - 1} more`;
  const notice = params.get("created") ? "Link created. Send it to your buyer." : params.get("notice");
  const removed = params.get("removed");
  const e = share.engagement;
  return (
    <>
      <p className="meta">
        <Link to="/shares">← My shares</Link>
      </p>
      <h1>{title}</h1>
      <p>
        <span className={`badge share-${share.status}`}>
          {share.status === "active" ? "Active" : share.status === "expired" ? "Expired" : "Revoked"}
        </span>{" "}
        <span className="meta">
          {share.recipientName || share.recipientEmail
            ? `For ${[share.recipientName, share.recipientEmail].filter(Boolean).join(" · ")} · `
            : ""}
          {share.status === "revoked"
            ? `revoked ${formatDate(share.revokedAt!)}`
            : `${share.status === "expired" ? "expired" : "open until"} ${formatDate(share.expiresAt)}`}
        </span>
      </p>
      {notice && undoRevoke ? (
        // Right after a revoke (and for a few minutes), a tap on the wrong button can be taken back.
        <UndoNotice message={notice} fields={{ intent: "restore" }} busy={busy} />
      ) : notice && removed && share.status === "active" && share.removedItems.some((i) => i.id === removed) ? (
        <UndoNotice message={notice} fields={{ intent: "add", item: removed }} busy={busy} />
      ) : notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {result?.formError ? (
        <p className="form-error" role="alert">
          {result.formError}
        </p>
      ) : null}
      {share.status === "active" ? (
        <ShareLink url={absoluteUrl} title={buyerTitle(share.items)} recipientEmail={share.recipientEmail} />
      ) : null}

      <h2>What the buyer did</h2>
      <p className="card share-summary" data-testid="share-summary">
        {share.summary.text}
      </p>
      {e.emails.length ? <p className="meta">Viewed by: {e.emails.join(", ")}</p> : null}
      <ShareItems
        items={share.items}
        removedItems={share.removedItems}
        reads={e.items}
        open={share.status === "active"}
        canPutBack={canPutBack}
        busy={busy}
      />
      {share.note ? (
        <>
          <h2>Your note</h2>
          <p className="card">{share.note}</p>
        </>
      ) : null}

      {canAdd ? <AddToLink found={add} busy={busy} /> : null}
      {addRefusal ? <p className="meta">{addRefusal}</p> : null}

      {share.status !== "revoked" ? (
        <section aria-labelledby="manage-h" className="card share-manage">
          <h2 id="manage-h">Manage the link</h2>
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="extend" />
            <div>
              <label htmlFor="ext-days">Keep it open for</label>
              <select id="ext-days" name="days" defaultValue="30">
                <option value="7">7 more days from today</option>
                <option value="30">30 more days from today</option>
                <option value="90">90 more days from today</option>
              </select>
            </div>
            <button type="submit" className="secondary" disabled={busy}>
              Extend
            </button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="revoke" />
            <button type="submit" className="danger" disabled={busy}>
              Revoke link
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
