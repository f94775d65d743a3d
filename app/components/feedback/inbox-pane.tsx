// The feedback inbox's detail pane: one rating in full, its replies, and the reply / resolve / re-open
// forms. Beside the list on a desk, above it on a phone (CSS order), with a link back.
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { REASON_LABEL } from "@/vocabulary/feedback";

type Reply = { body: string; at: string | Date; author: string | null };
export type PaneRating = {
  id: string;
  itemId: string;
  itemTitle: string;
  versionNumber: number;
  useful: boolean;
  reasons: string[];
  comment: string | null;
  at: string | Date;
  rater: string;
  team: string | null;
  resolvedAt: string | Date | null;
  resolvedInVersion: number | null;
  replies: Reply[];
  newerVersions: { id: string; number: number }[];
};

type ActionResult = { ok: string; target: string } | { error: string; target: string };

/** The outcome of the last form posted for `target` (reply, resolve, request update). */
export function ActionResultFor({ target }: { target: string }) {
  const result = useActionData<ActionResult>();
  if (!result || result.target !== target) return null;
  return "error" in result ? (
    <p className="form-error" role="alert">
      {result.error}
    </p>
  ) : (
    <p className="notice" role="status">
      {result.ok}
    </p>
  );
}

export function Replies({ replies }: { replies: Reply[] }) {
  return (
    <>
      {replies.map((p, n) => (
        <blockquote key={n} className="feedback-reply">
          <strong>{p.author ?? "Marketing"}</strong> <span className="meta">{formatDate(p.at)}</span>
          <p>{p.body}</p>
        </blockquote>
      ))}
    </>
  );
}

export function InboxPane({ rating: r, closeHref, itemHref }: { rating: PaneRating; closeHref: string; itemHref: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card inbox-pane" aria-labelledby="pane-h">
      <p className="pane-close">
        <Link to={closeHref} preventScrollReset>
          ← Back to the list
        </Link>
      </p>
      <h2 id="pane-h">
        Feedback from {r.rater} on <Link to={`/items/${r.itemId}`}>{r.itemTitle}</Link> <span className="meta">v{r.versionNumber}</span>
      </h2>
      <p>
        <span className={r.useful ? "badge published" : "badge in_review"}>{r.useful ? "Useful" : "Not useful"}</span>{" "}
        {r.reasons.map((x) => (
          <span key={x} className="badge" style={{ marginRight: 4 }}>
            {REASON_LABEL[x] ?? x}
          </span>
        ))}
      </p>
      {r.comment ? <blockquote className="pane-comment">“{r.comment}”</blockquote> : <p className="meta">No comment.</p>}
      <p className="meta">
        {r.rater}
        {r.team ? `, ${r.team}` : ""} · {formatDate(r.at)}
        {r.resolvedAt ? ` · resolved ${formatDate(r.resolvedAt)}${r.resolvedInVersion ? ` in v${r.resolvedInVersion}` : ""}` : ""} ·{" "}
        <Link to={itemHref}>All feedback on this item</Link>
      </p>
      <Replies replies={r.replies} />
      <ActionResultFor target={r.id} />
      {r.resolvedAt ? (
        <Form method="post">
          <input type="hidden" name="ratingId" value={r.id} />
          <button type="submit" name="intent" value="reopen" className="secondary" disabled={busy}>
            Re-open
          </button>
        </Form>
      ) : (
        <Form method="post">
          <input type="hidden" name="ratingId" value={r.id} />
          <label htmlFor={`body-${r.id}`}>Reply to {r.rater}</label>
          <textarea id={`body-${r.id}`} name="body" rows={3} maxLength={2000} />
          <label htmlFor={`version-${r.id}`}>Resolved by version</label>
          <select id={`version-${r.id}`} name="versionId" defaultValue="">
            <option value="">No new version</option>
            {r.newerVersions.map((v) => (
              <option key={v.id} value={v.id}>
                v{v.number}
              </option>
            ))}
          </select>
          {r.newerVersions.length === 0 ? (
            <p className="meta">Upload a new version of the item first to resolve it "in v{r.versionNumber + 1}".</p>
          ) : null}
          <div className="row" style={{ marginTop: ".6rem" }}>
            <button type="submit" name="intent" value="reply" className="secondary" disabled={busy}>
              Send reply
            </button>
            <button type="submit" name="intent" value="resolve" disabled={busy}>
              Resolve
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}
