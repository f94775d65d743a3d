// "Awaiting my review": what this marketer or admin may approve, oldest submission first.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "@/vocabulary/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TYPE_LABEL } from "@/vocabulary/library";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { awaitingReview, awaitingReviewCount } from "~/modules/library/review.server";
import { pageNumber } from "~/modules/validation.server";

export const meta: MetaFunction = () => [{ title: "Review queue · Fieldkit" }];

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const page = pageNumber(new URL(request.url).searchParams.get("page"));
  const [entries, total] = await Promise.all([
    awaitingReview(context.app.db, { user, limit: PAGE, offset: (page - 1) * PAGE }),
    awaitingReviewCount(context.app.db, { user }),
  ]);
  return { entries, total, page, pages: Math.max(1, Math.ceil(total / PAGE)) };
}

export default function ReviewQueue() {
  const { entries, total, page, pages } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Awaiting my review</h1>
      <p className="meta">
        Items others submitted that you may approve or send back, the longest-waiting first. Your own submissions wait for someone else.
      </p>
      {entries.length === 0 ? (
        <EmptyState title="Nothing to review">
          <p>
            When a colleague submits an item for review, it appears here.{" "}
            <Link to="/library?status=in_review">See everything in review</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="meta" role="status">
            {total === 1 ? "1 item waits" : `${total.toLocaleString("en-GB")} items wait`}
            {pages > 1 ? ` · page ${page} of ${pages}` : ""}
          </p>
          <ol className="list review-queue" start={(page - 1) * PAGE + 1}>
            {entries.map((e) => (
              <li key={e.id}>
                <Link className="item-row" to={`/items/${e.id}`} prefetch="intent">
                  <div>
                    <strong>{e.title}</strong>
                    <div className="meta">
                      {TYPE_LABEL[e.type] ?? e.type} · owned by {e.owner ?? "nobody"}
                      {e.submitter ? ` · submitted by ${e.submitter}` : ""}
                      {e.submittedAt ? ` · ${formatDateTime(e.submittedAt)}` : ""}
                    </div>
                  </div>
                </Link>
              </li>
            ))}
          </ol>
          {pages > 1 ? (
            <nav aria-label="Pages" className="pager">
              {page > 1 ? (
                <Link to={page === 2 ? "/review" : `/review?page=${page - 1}`}>← Waiting longer</Link>
              ) : (
                <span aria-hidden="true" />
              )}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link to={`/review?page=${page + 1}`}>More recent →</Link> : <span aria-hidden="true" />}
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
