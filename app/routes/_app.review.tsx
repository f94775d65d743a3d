// "Awaiting my review": what this marketer or admin may approve, oldest submission first.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "@/vocabulary/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { PageLinks } from "~/components/page-links";
import { addressWith } from "~/lib/address";
import { ITEM_TYPES, REVIEW_SORT_LABEL, REVIEW_SORTS, TYPE_LABEL } from "@/vocabulary/library";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { awaitingReview, awaitingReviewCount, type ReviewFilter } from "~/modules/library/review.server";
import { pageNumber } from "~/modules/validation.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Review queue · Fieldkit" }];

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const params = new URL(request.url).searchParams;
  const page = pageNumber(params.get("page"));
  // An unknown type or sort is ignored, as on the library's table: an old bookmark still opens the queue.
  const filter: ReviewFilter = {
    q: (params.get("q") ?? "").trim().slice(0, 200) || undefined,
    type: ITEM_TYPES.find((t) => t === params.get("type")),
  };
  const sort = REVIEW_SORTS.find((s) => s === params.get("sort")) ?? "waiting";
  const filtered = Boolean(filter.q || filter.type);
  const [list, waiting] = await Promise.all([
    pageWithin(async (last) => {
      const shown = last ?? page;
      const [entries, total] = await Promise.all([
        awaitingReview(context.app.db, { user, filter, sort, limit: PAGE, offset: (shown - 1) * PAGE }),
        awaitingReviewCount(context.app.db, { user, filter }),
      ]);
      return { entries, total, page: shown, pages: Math.max(1, Math.ceil(total / PAGE)) };
    }),
    filtered ? awaitingReviewCount(context.app.db, { user }) : null,
  ]);
  return {
    ...list,
    waiting: waiting ?? list.total,
    q: filter.q ?? "",
    type: filter.type ?? "",
    sort,
  };
}

export default function ReviewQueue() {
  const { entries, total, waiting, q, type, sort, page, pages } = useLoaderData<typeof loader>();
  const href = (p: number) => addressWith("/review", { q, type, sort: sort === "waiting" ? undefined : sort, page: p > 1 ? p : undefined });
  const filtered = Boolean(q || type);
  return (
    <>
      <h1>Awaiting my review</h1>
      <p className="meta">
        Items others submitted that you may approve or send back, the longest-waiting first unless you sort them otherwise. Your own
        submissions wait for someone else.
      </p>
      {waiting > 0 ? (
        <Form method="get" className="inbox-filters" key={`${q}|${type}|${sort}`} role="search" aria-label="Filter the review queue">
          <div>
            <label htmlFor="review-q">Search</label>
            <input id="review-q" name="q" type="search" defaultValue={q} maxLength={200} placeholder="Title, owner or submitter" />
          </div>
          <div>
            <label htmlFor="review-type">Type</label>
            <select id="review-type" name="type" defaultValue={type}>
              <option value="">Any type</option>
              {ITEM_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABEL[t]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="review-sort">Sort</label>
            <select id="review-sort" name="sort" defaultValue={sort}>
              {REVIEW_SORTS.map((s) => (
                <option key={s} value={s}>
                  {REVIEW_SORT_LABEL[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Apply</button>
        </Form>
      ) : null}
      {entries.length === 0 && filtered ? (
        <EmptyState title="Nothing waiting matches">
          <p>
            {waiting === 1 ? "1 item waits" : `${waiting.toLocaleString("en-GB")} items wait`} in all.{" "}
            <Link to={addressWith("/review", { sort: sort === "waiting" ? undefined : sort })}>Clear the search</Link>
          </p>
        </EmptyState>
      ) : entries.length === 0 ? (
        <EmptyState title="Nothing to review">
          <p>
            When a colleague submits an item for review, it appears here.{" "}
            <Link to="/library?status=in_review">See everything in review</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="meta" role="status">
            {filtered
              ? `${total.toLocaleString("en-GB")} of ${waiting.toLocaleString("en-GB")} waiting ${waiting === 1 ? "item matches" : "items match"}`
              : total === 1
                ? "1 item waits"
                : `${total.toLocaleString("en-GB")} items wait`}
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
          <PageLinks page={page} pages={pages} href={href} />
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
