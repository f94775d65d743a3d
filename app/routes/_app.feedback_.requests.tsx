// Content requests, marketing's side: what the field asked for, filtered by status and paged, each
// with its status, answering item and a reply. Its own page in the navigation (it used to sit at the
// bottom of the feedback inbox).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionResultFor, Replies } from "~/components/feedback/inbox-pane";
import { RequestStatusOptions } from "~/components/feedback/request-status-options";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { handleInboxAction } from "~/modules/feedback/inbox.server";
import { REQUEST_STATUSES, REQUEST_STATUS_LABEL } from "@/vocabulary/feedback";
import { listRequestPage } from "~/modules/feedback/requests.server";
import { pageNumber } from "~/modules/validation.server";
import { readForm } from "~/modules/request-body.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Content requests · Fieldkit" }];

const SHOW = ["open", ...REQUEST_STATUSES, "all"] as const;
const SHOW_TEXT: Record<string, string> = { open: "Open (new and planned)", ...REQUEST_STATUS_LABEL, all: "All" };
const ORDERS = ["oldest", "newest"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const params = new URL(request.url).searchParams;
  const show = SHOW.find((s) => s === params.get("show")) ?? "open";
  const page = pageNumber(params.get("page"));
  const q = (params.get("q") ?? "").trim().slice(0, 200);
  // Open requests come oldest first by default (nobody is answered last forever), closed ones newest first.
  const order = ORDERS.find((o) => o === params.get("order"));
  const status = show === "all" ? undefined : show;
  const list = await pageWithin((last) => listRequestPage(context.app.db, { user, status, q: q || undefined, page: last ?? page, order }));
  return { show, q, order, ...list };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = Object.fromEntries(await readForm(request)) as Record<string, string>;
  // This page only moves requests along; rating forms live in the inbox.
  if (form.intent !== "update-request") return data({ error: "Unknown action.", target: form.requestId ?? "" }, { status: 400 });
  const result = await handleInboxAction(context.app.db, { user, form });
  return "error" in result ? data(result, { status: result.status }) : result;
}

export default function Requests() {
  const { show, q, order, rows, total, page, pages } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  const href = (p: number) =>
    `/feedback/requests?${new URLSearchParams({ ...(show === "open" ? {} : { show }), ...(q ? { q } : {}), ...(order ? { order } : {}), ...(p > 1 ? { page: String(p) } : {}) })}`;
  return (
    <>
      <div className="row heading-row">
        <h1>Content requests</h1>
        <Link to="/feedback">Feedback inbox</Link>
      </div>
      <Form method="get" className="inbox-filters" key={`${show}|${q}|${order}`} role="search" aria-label="Filter requests">
        <div>
          <label htmlFor="req-q">Search requests</label>
          <input id="req-q" name="q" type="search" defaultValue={q} maxLength={200} placeholder="What was asked, or who asked" />
        </div>
        <div>
          <label htmlFor="req-show">Show</label>
          <select id="req-show" name="show" defaultValue={show}>
            {SHOW.map((s) => (
              <option key={s} value={s}>
                {SHOW_TEXT[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="req-order">Order</label>
          {/* Shows the order in force: by default open requests oldest first, closed ones newest first. */}
          <select id="req-order" name="order" defaultValue={order ?? (["open", "new", "planned"].includes(show) ? "oldest" : "newest")}>
            <option value="oldest">Oldest first</option>
            <option value="newest">Newest first</option>
          </select>
        </div>
        <button type="submit">Apply</button>
      </Form>
      <p className="meta" role="status">
        {total === 0
          ? "Nothing here."
          : `${total.toLocaleString("en-GB")} ${total === 1 ? "request" : "requests"}${pages > 1 ? ` · page ${page} of ${pages}` : ""}`}
      </p>
      {rows.length === 0 ? (
        q ? (
          <EmptyState title="No requests match">
            <Link to={show === "open" ? "/feedback/requests" : `/feedback/requests?show=${show}`}>Clear the search</Link>
          </EmptyState>
        ) : (
          <EmptyState title="No requests">When sellers can't find something, their requests appear here.</EmptyState>
        )
      ) : (
        <ul className="list">
          {rows.map((r) => (
            <li key={r.id} className="card inbox-entry" aria-labelledby={`q-${r.id}`}>
              <h2 id={`q-${r.id}`}>
                <span className={`badge status-${r.status}`}>{REQUEST_STATUS_LABEL[r.status]}</span> {r.text}
              </h2>
              <p className="meta">
                {r.requester}
                {r.team ? `, ${r.team}` : ""} · {formatDate(r.createdAt)}
                {r.query ? ` · searched “${r.query}”` : ""}
                {r.answer ? (
                  <>
                    {" · answered by "}
                    <Link to={`/items/${r.answer.id}`}>{r.answer.title}</Link>
                  </>
                ) : null}
              </p>
              <Replies replies={r.replies} />
              <ActionResultFor target={r.id} />
              <details>
                <summary>Update or reply</summary>
                <Form method="post">
                  <input type="hidden" name="requestId" value={r.id} />
                  <input type="hidden" name="intent" value="update-request" />
                  <div className="row">
                    <div>
                      <label htmlFor={`status-${r.id}`}>Status</label>
                      <select id={`status-${r.id}`} name="status" defaultValue={r.status}>
                        <RequestStatusOptions />
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
              </details>
            </li>
          ))}
        </ul>
      )}
      <PageLinks page={page} pages={pages} href={href} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
