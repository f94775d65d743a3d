// The desk's library: what needs attention (review, expiry, re-verification, blocked drafts), then
// every item as a searchable, filterable, sortable, paged table driven by the URL.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "~/components/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LibraryTable } from "~/components/library/library-table";
import { requireUser } from "~/modules/auth/guard.server";
import { seesWholeLibrary } from "~/modules/library/audience.server";
import { countItemsByStatus } from "~/modules/library/items.server";
import { trustLists } from "~/modules/library/lifecycle.server";
import { awaitingReview, awaitingReviewCount } from "~/modules/library/review.server";
import { libraryFilterOptions, parseLibraryQuery, queryLibrary } from "~/modules/library/table.server";

export const meta: MetaFunction = () => [{ title: "Library · Fieldkit" }];

/** Rows shown per attention list; the rest is a link away. */
const ATTENTION_ROWS = 5;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const params = new URL(request.url).searchParams;
  const query = parseLibraryQuery(params);
  const scope = params.get("scope") === "all" ? "all" : "mine";
  const db = context.app.db;
  const desk = seesWholeLibrary(user);
  const [table, options, counts, trust, review, reviewCount] = await Promise.all([
    queryLibrary(db, { user, query }),
    libraryFilterOptions(db, { user }),
    countItemsByStatus(db, { user }),
    desk ? trustLists(db, user, { mine: scope === "mine" }) : null,
    desk ? awaitingReview(db, { user, limit: ATTENTION_ROWS }) : [],
    desk ? awaitingReviewCount(db, { user }) : 0,
  ]);
  // NOTE: the lists hold up to 100 rows each; at 10,000 items the page would carry hundreds of links.
  const cut = <T,>(rows: T[]) => ({ rows: rows.slice(0, ATTENTION_ROWS), count: rows.length });
  return {
    ...table,
    query,
    scope,
    options,
    counts,
    canSeeAllStatuses: user.role !== "manager",
    review: { rows: review, count: reviewCount },
    trust: trust ? { expiring: cut(trust.expiring), stale: cut(trust.stale), problems: cut(trust.problems) } : null,
  };
}

export default function Library() {
  const d = useLoaderData<typeof loader>();
  const { trust, review, scope } = d;
  const attention = trust ? review.count + trust.expiring.count + trust.stale.count + trust.problems.count : 0;
  const more = (count: number) => (count >= 100 ? "100+" : String(count));
  return (
    <>
      <div className="row heading-row">
        <h1>Library</h1>
        {d.canSeeAllStatuses ? (
          <Link className="button" to="/publish">
            Publish
          </Link>
        ) : null}
      </div>

      {trust ? (
        <section aria-labelledby="attention-h" className="attention">
          <h2 id="attention-h">
            Needs attention {attention ? <span className="badge in_review">{attention >= 100 ? "100+" : attention}</span> : null}
          </h2>
          <nav aria-label="Whose items" className="row tabs">
            <Link to="?scope=mine" aria-current={scope === "mine" ? "page" : undefined}>
              Items I own
            </Link>
            <Link to="?scope=all" aria-current={scope === "all" ? "page" : undefined}>
              All items
            </Link>
          </nav>
          {attention === 0 ? (
            <p className="meta">Nothing waits for your review, is expiring in the next 30 days, is overdue for re-verification, or is blocked.</p>
          ) : (
            <div className="trust-grid">
              <TrustList
                title={`Waiting for your review (${review.count})`}
                all={{ to: "/review", text: "Open the review queue" }}
                count={review.count}
                rows={review.rows.map((i) => ({ id: i.id, title: i.title, note: `submitted ${i.submittedAt ? formatDate(i.submittedAt) : ""}${i.submitter ? ` by ${i.submitter}` : ""}` }))}
              />
              <TrustList
                title={`Expiring within 30 days (${more(trust.expiring.count)})`}
                all={{ to: `/library?expiring=30&sort=expires${scope === "mine" ? "&owner=me" : ""}`, text: "See them all in the table" }}
                count={trust.expiring.count}
                rows={trust.expiring.rows.map((i) => ({ ...i, note: `expires ${i.expiresAt ? formatDate(i.expiresAt) : "—"}` }))}
              />
              <TrustList
                title={`Not re-verified in time (${more(trust.stale.count)})`}
                count={trust.stale.count}
                rows={trust.stale.rows.map((i) => ({ ...i, note: `last verified ${i.verifiedAt ? formatDate(i.verifiedAt) : "never"}, every ${i.verifyIntervalDays} days` }))}
              />
              <TrustList title={`Blocked drafts (${more(trust.problems.count)})`} count={trust.problems.count} rows={trust.problems.rows.map((i) => ({ ...i, note: i.problem ?? "" }))} />
            </div>
          )}
        </section>
      ) : null}

      <LibraryTable
        rows={d.rows}
        total={d.total}
        page={d.page}
        pages={d.pages}
        pageSize={d.pageSize}
        query={d.query}
        keep={scope === "all" ? { scope } : {}}
        counts={d.counts}
        canSeeAllStatuses={d.canSeeAllStatuses}
        options={d.options}
      />
    </>
  );
}

function TrustList({ title, rows, count, all }: { title: string; rows: { id: string; title: string; note: string }[]; count: number; all?: { to: string; text: string } }) {
  if (count === 0) return null;
  return (
    <div className="card">
      <h3>{title}</h3>
      <ul className="plain">
        {rows.map((r) => (
          <li key={r.id}>
            <Link to={`/items/${r.id}`}>{r.title}</Link>
            <div className="meta">{r.note}</div>
          </li>
        ))}
      </ul>
      {count > rows.length && all ? (
        <p className="meta">
          <Link to={all.to}>{all.text}</Link>
        </p>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
