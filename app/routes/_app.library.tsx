// The desk's library: what needs attention (review, expiry, re-verification, blocked drafts) as counts
// that open the table filtered, then every item as a searchable, filterable, sortable, paged table
// driven by the URL.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { BulkBar } from "~/components/library/bulk-bar";
import { LibraryTable } from "~/components/library/library-table";
import { requireUser } from "~/modules/auth/guard.server";
import { bulkFromForm, bulkUpdate, parseUndo, undoBulk } from "~/modules/library/bulk.server";
import { formAction } from "~/modules/page-errors.server";
import { awaitingReviewCountOnce } from "~/modules/library/review.server";
import { libraryFilterOptions, parseLibraryQuery, queryLibrary } from "~/modules/library/table.server";
import { readForm } from "~/modules/request-body.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Library · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const params = new URL(request.url).searchParams;
  const query = parseLibraryQuery(params);
  const scope = params.get("scope") === "all" ? "all" : "mine";
  const db = context.app.db;
  const [{ counts, attention, ...table }, options, review] = await Promise.all([
    pageWithin((page) => queryLibrary(db, { user, query: page ? { ...query, page } : query, mine: scope === "mine" })),
    libraryFilterOptions(db, { user, tag: query.tag }),
    awaitingReviewCountOnce(context.app, user),
  ]);
  return {
    ...table,
    query,
    scope,
    options,
    counts,
    canSeeAllStatuses: user.role !== "manager",
    attention: attention ? { review, ...attention } : null,
  };
}

/** The bulk bar: a change to the ticked rows, or to every item of the view the address filters. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = await readForm(request);
  const view = parseLibraryQuery(new URL(request.url).searchParams);
  return formAction(
    () =>
      form.get("intent") === "undo"
        ? undoBulk(context.app, user, parseUndo(form.get("undo")))
        : bulkUpdate(context.app, user, bulkFromForm(form), view),
    { echo: { done: null, undo: null } },
  );
}

export default function Library() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { pathname, search } = useLocation();
  const { attention, scope } = d;
  const owner = scope === "mine" ? "&owner=me" : "";
  const tiles = attention
    ? [
        { n: attention.review, text: "waiting for your review", to: "/review" },
        { n: attention.expiring, text: "expiring within 30 days or expired", to: `/library?expiring=30&sort=expires${owner}` },
        { n: attention.stale, text: "not re-verified in time", to: `/library?needs=stale${owner}` },
        { n: attention.blocked, text: "blocked drafts", to: `/library?needs=blocked${owner}` },
      ]
    : [];
  const total = tiles.reduce((sum, t) => sum + t.n, 0);
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

      {attention ? (
        <section aria-labelledby="attention-h" className="attention">
          <div className="row heading-row">
            <h2 id="attention-h">Needs attention</h2>
            <nav aria-label="Whose items" className="tabs compact">
              <Link to="?scope=mine" aria-current={scope === "mine" ? "page" : undefined}>
                Items I own
              </Link>
              <Link to="?scope=all" aria-current={scope === "all" ? "page" : undefined}>
                All items
              </Link>
            </nav>
          </div>
          {total === 0 ? (
            <p className="meta">
              Nothing waits for your review, is expiring in the next 30 days, is overdue for re-verification, or is blocked.
            </p>
          ) : (
            <ul className="attention-tiles">
              {tiles.map((t) => (
                <li key={t.text}>
                  {t.n ? (
                    <Link to={t.to}>
                      <strong>{t.n.toLocaleString("en-GB")}</strong> {t.text}
                    </Link>
                  ) : (
                    <span>
                      <strong>0</strong> {t.text}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <LibraryTable
        bulk={
          d.canSeeAllStatuses ? (
            <BulkBar total={d.total} shown={d.rows.length} action={`${pathname}${search}`} result={result} options={d.options} />
          ) : undefined
        }
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
