// Marketing's feedback inbox: ratings that say something, and content requests. Reply, resolve (with
// the version that fixed it), or move a request along. Every form works without JavaScript.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ZodError } from "~/modules/validation.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { REASON_LABEL, REQUEST_STATUS_OPTIONS, STATUS_LABEL } from "~/modules/feedback/labels";
import { listRatingInbox, reopenRating, replyToRating, resolveRating } from "~/modules/feedback/ratings.server";
import { RequestUpdate, listRequests, updateRequest } from "~/modules/feedback/requests.server";

export const meta: MetaFunction = () => [{ title: "Feedback inbox · Fieldkit" }];

const STATES = ["open", "resolved", "all"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const param = new URL(request.url).searchParams.get("show");
  const state = (STATES as readonly string[]).includes(param ?? "") ? (param as (typeof STATES)[number]) : "open";
  const [ratings, requests] = await Promise.all([
    listRatingInbox(context.app.db, { user, state }),
    listRequests(context.app.db, { user, status: state === "open" ? "open" : undefined }),
  ]);
  return { state, ratings, requests: state === "resolved" ? requests.filter((r) => r.status === "done" || r.status === "declined") : requests };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const db = context.app.db;
  const target = form.ratingId ?? form.requestId ?? "";
  try {
    switch (form.intent) {
      case "reply":
        await replyToRating(db, { user, ratingId: target, body: form.body ?? "" });
        return { ok: "Reply sent. The seller sees it on the item and on their requests page.", target };
      case "resolve":
        if (form.body?.trim()) await replyToRating(db, { user, ratingId: target, body: form.body });
        await resolveRating(db, { user, ratingId: target, versionId: form.versionId || null });
        return { ok: "Resolved.", target };
      case "reopen":
        await reopenRating(db, { user, ratingId: target });
        return { ok: "Re-opened.", target };
      case "update-request":
        await updateRequest(db, { user, id: target, input: RequestUpdate.parse({ status: form.status, answerItemId: form.answerItemId, reply: form.body }) });
        return { ok: "Request updated.", target };
      default:
        return data({ error: "Unknown action.", target }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof ZodError) return data({ error: error.issues.map((i) => i.message).join(" "), target }, { status: 400 });
    if (error instanceof AppError) return data({ error: error.message, target }, { status: error.status });
    throw error;
  }
}

const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);

function Result({ target }: { target: string }) {
  const result = useActionData<typeof action>();
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

export default function FeedbackInbox() {
  const { state, ratings, requests } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>Feedback inbox</h1>
      <nav className="tabs" aria-label="Show">
        {STATES.map((s) => (
          <Link key={s} to={`/feedback?show=${s}`} aria-current={s === state ? "page" : undefined} className={s === state ? "active" : undefined}>
            {s === "open" ? "Open" : s === "resolved" ? "Resolved" : "All"}
          </Link>
        ))}
      </nav>

      <h2 id="ratings">Ratings with something to say ({ratings.length})</h2>
      {ratings.length === 0 ? (
        <EmptyState title={state === "open" ? "Inbox zero" : "Nothing here"}>New comments and "not useful" answers from sellers land here.</EmptyState>
      ) : (
        <ul className="list">
          {ratings.map((r) => {
            const newer = r.versions.filter((v) => v.number > r.versionNumber);
            return (
              <li key={r.id} className="card inbox-entry" aria-labelledby={`r-${r.id}`}>
                <h3 id={`r-${r.id}`}>
                  <Link to={`/items/${r.itemId}`}>{r.itemTitle}</Link> <span className="meta">v{r.versionNumber}</span>
                </h3>
                <p>
                  <span className={r.useful ? "badge published" : "badge in_review"}>{r.useful ? "Useful" : "Not useful"}</span>{" "}
                  {r.reasons.map((x) => (
                    <span key={x} className="badge" style={{ marginRight: 4 }}>
                      {REASON_LABEL[x] ?? x}
                    </span>
                  ))}
                </p>
                {r.comment ? <blockquote>“{r.comment}”</blockquote> : null}
                <p className="meta">
                  {r.rater}
                  {r.team ? `, ${r.team}` : ""} · {day(r.at)}
                  {r.resolvedAt ? ` · resolved ${day(r.resolvedAt)}${r.resolvedInVersion ? ` in v${r.resolvedInVersion}` : ""}` : ""}
                </p>
                {r.replies.map((p, n) => (
                  <blockquote key={n} className="feedback-reply">
                    <strong>{p.author ?? "Marketing"}</strong> <span className="meta">{day(p.at)}</span>
                    <p>{p.body}</p>
                  </blockquote>
                ))}
                <Result target={r.id} />
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
                    <textarea id={`body-${r.id}`} name="body" rows={2} maxLength={2000} />
                    <label htmlFor={`version-${r.id}`}>Resolved by version</label>
                    <select id={`version-${r.id}`} name="versionId" defaultValue="">
                      <option value="">No new version</option>
                      {newer.map((v) => (
                        <option key={v.id} value={v.id}>
                          v{v.number}
                        </option>
                      ))}
                    </select>
                    {newer.length === 0 ? (
                      <p className="meta">
                        Upload a new version of the item first to resolve it "in v{r.versionNumber + 1}".
                      </p>
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
              </li>
            );
          })}
        </ul>
      )}

      <h2 id="requests">Content requests ({requests.length})</h2>
      {requests.length === 0 ? (
        <EmptyState title="No requests">When sellers can't find something, their requests appear here.</EmptyState>
      ) : (
        <ul className="list">
          {requests.map((r) => (
            <li key={r.id} className="card inbox-entry" aria-labelledby={`q-${r.id}`}>
              <h3 id={`q-${r.id}`}>
                <span className={`badge status-${r.status}`}>{STATUS_LABEL[r.status]}</span> {r.text}
              </h3>
              <p className="meta">
                {r.requester}
                {r.team ? `, ${r.team}` : ""} · {day(r.createdAt)}
                {r.query ? ` · searched “${r.query}”` : ""}
                {r.answer ? (
                  <>
                    {" · answered by "}
                    <Link to={`/items/${r.answer.id}`}>{r.answer.title}</Link>
                  </>
                ) : null}
              </p>
              {r.replies.map((p, n) => (
                <blockquote key={n} className="feedback-reply">
                  <strong>{p.author ?? "Marketing"}</strong> <span className="meta">{day(p.at)}</span>
                  <p>{p.body}</p>
                </blockquote>
              ))}
              <Result target={r.id} />
              <Form method="post">
                <input type="hidden" name="requestId" value={r.id} />
                <input type="hidden" name="intent" value="update-request" />
                <div className="row">
                  <div>
                    <label htmlFor={`status-${r.id}`}>Status</label>
                    <select id={`status-${r.id}`} name="status" defaultValue={r.status}>
                      {REQUEST_STATUS_OPTIONS.map((s) => (
                        <option key={s} value={s}>
                          {STATUS_LABEL[s]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div>
                    <label htmlFor={`answer-${r.id}`}>Answering item (link or id)</label>
                    <input id={`answer-${r.id}`} name="answerItemId" defaultValue={r.answer?.id ?? ""} placeholder="/items/…" />
                  </div>
                </div>
                <label htmlFor={`qbody-${r.id}`}>Reply (optional)</label>
                <textarea id={`qbody-${r.id}`} name="body" rows={2} maxLength={2000} />
                <p>
                  <button type="submit" disabled={busy}>
                    Save
                  </button>
                </p>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
