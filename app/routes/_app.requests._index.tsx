// The seller's requests and what marketing said about them; opening this page marks replies read.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { REQUEST_STATUS_LABEL } from "@/vocabulary/feedback";
import { listMyRequests } from "~/modules/feedback/requests.server";
import { RelativeTime } from "~/components/relative-time";

export const meta: MetaFunction = () => [{ title: "My requests · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  return { requests: await listMyRequests(context.app.db, { user }) };
}

export default function MyRequests() {
  const { requests } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
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
      {requests.length === 0 ? (
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
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
