// The seller's requests and what marketing said about them, found by what was asked and by status, a page
// at a time; opening this page marks replies read.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ListCount } from "~/components/list-count";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";
import { requireUser } from "~/modules/auth/guard.server";
import { REQUEST_STATUS_LABEL } from "@/vocabulary/feedback";
import { MyRequestsQuery, listMyRequestPage } from "~/modules/feedback/requests.server";
import { pageWithin } from "~/modules/paging.server";
import { RelativeTime } from "~/components/relative-time";
import { RequestStatusOptions } from "~/components/feedback/request-status-options";

export const meta: MetaFunction = () => [{ title: "My requests · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const query = MyRequestsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await pageWithin((page) => listMyRequestPage(context.app.db, { user, query: page ? { ...query, page } : query }));
  return { ...list, query };
}

export default function MyRequests() {
  const { rows: requests, total, page, pages, query } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const filtered = Boolean(query.q || query.show);
  const href = (p: number) => addressWith("/requests", query, { page: p === 1 ? undefined : p });
  return (
    <>
      <h1>My requests</h1>
      <div aria-live="polite">
        {params.get("created") ? (
          <p className="notice" role="status">
            Request sent. Marketing will answer here.
          </p>
        ) : null}
      </div>
      <p>
        <Link className="button" to="/requests/new">
          Request content
        </Link>
      </p>
      {total || filtered ? (
        <Form method="get" className="row card filters" role="search" aria-label="Find a request" key={JSON.stringify(query)}>
          <div>
            <label htmlFor="requests-q">What you asked</label>
            <input id="requests-q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={200} placeholder="e.g. pricing" />
          </div>
          <div>
            <label htmlFor="requests-show">Show</label>
            <select id="requests-show" name="show" defaultValue={query.show ?? ""}>
              <option value="">Every request</option>
              <option value="open">Open (new and planned)</option>
              <RequestStatusOptions />
            </select>
          </div>
          <div>
            <label htmlFor="requests-sort">Order</label>
            <select id="requests-sort" name="sort" defaultValue={query.sort ?? ""}>
              <option value="">Newest first</option>
              <option value="oldest">Oldest first</option>
            </select>
          </div>
          <button type="submit">Find</button>
        </Form>
      ) : null}
      <ListCount total={total} noun={["request", "requests"]} page={page} pages={pages} clearTo={filtered ? "/requests" : undefined} />
      {requests.length === 0 && filtered ? (
        <EmptyState title="No requests match">
          <Link to="/requests">Show every request</Link>
        </EmptyState>
      ) : requests.length === 0 ? (
        <EmptyState title="No requests yet">Can't find a deck, a proof point or an answer? Ask marketing for it.</EmptyState>
      ) : (
        <ul className="list">
          {requests.map((r) => (
            <li key={r.id} className="card">
              <p style={{ margin: 0 }}>
                <span className={`badge status-${r.status}`}>{REQUEST_STATUS_LABEL[r.status]}</span> {r.text}
              </p>
              <p className="meta">
                Asked <RelativeTime value={r.createdAt} />
                {r.query ? ` · you searched “${r.query}”` : ""}
              </p>
              {r.answer ? (
                <p>
                  Answered by <Link to={`/items/${r.answer.id}`}>{r.answer.title}</Link>
                </p>
              ) : null}
              {r.replies.map((p, n) => (
                <blockquote key={n} className="feedback-reply">
                  <strong>{p.author ?? "Marketing"} replied</strong>{" "}
                  <span className="meta">
                    <RelativeTime value={p.at} />
                  </span>
                  <p>{p.body}</p>
                </blockquote>
              ))}
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
