// Marketing's feedback inbox: ratings that say something as a filtered, paged list of one-line entries;
// the one opened (?open=id) shows in a detail pane to reply, resolve with the version that fixed it, or
// re-open. Content requests have their own page (/feedback/requests). Every form works without JavaScript.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { PageLinks } from "~/components/page-links";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { InboxPane } from "~/components/feedback/inbox-pane";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { handleInboxAction, listInbox, paneOrNull, parseInboxQuery } from "~/modules/feedback/inbox.server";
import { REASON_LABEL } from "@/vocabulary/feedback";
import { addressWith } from "~/lib/address";
import { readForm } from "~/modules/request-body.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Feedback inbox · Fieldkit" }];

const SHOW_TEXT: Record<string, string> = { unanswered: "Unanswered", replied: "Answered, still open", resolved: "Resolved", all: "All" };
const SORT_TEXT: Record<string, string> = { newest: "Newest first", oldest: "Oldest first" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const query = parseInboxQuery(new URL(request.url).searchParams);
  const [list, pane] = await Promise.all([
    pageWithin((page) => listInbox(context.app.db, { user, query: page ? { ...query, page } : query })),
    paneOrNull(context.app.db, user, query.open),
  ]);
  return { query, ...list, pane };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = Object.fromEntries(await readForm(request)) as Record<string, string>;
  const result = await handleInboxAction(context.app.db, { user, form });
  return "error" in result ? data(result, { status: result.status }) : result;
}

/** This page's URL with some parameters changed (undefined removes one). */
const hrefWith = (query: Record<string, string | number | undefined>, change: Record<string, string | number | undefined>) =>
  addressWith("/feedback", query, change);

export default function FeedbackInbox() {
  const { query, rows, total, page, pages, item, pane } = useLoaderData<typeof loader>();
  const show = query.show ?? "unanswered";
  return (
    <>
      <div className="row heading-row">
        <h1>Feedback inbox</h1>
        <Link to="/feedback/requests">Content requests</Link>
      </div>
      <Form
        method="get"
        action="/feedback"
        className="inbox-filters"
        key={JSON.stringify(query)}
        role="search"
        aria-label="Filter feedback"
      >
        {item ? <input type="hidden" name="item" value={item.id} /> : null}
        <div>
          <label htmlFor="inbox-q">Search feedback</label>
          <input
            id="inbox-q"
            name="q"
            type="search"
            defaultValue={query.q ?? ""}
            maxLength={200}
            placeholder="Item, comment, seller or team"
          />
        </div>
        <div>
          <label htmlFor="inbox-show">Show</label>
          <select id="inbox-show" name="show" defaultValue={show}>
            {Object.entries(SHOW_TEXT).map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="inbox-reason">Reason</label>
          <select id="inbox-reason" name="reason" defaultValue={query.reason ?? ""}>
            <option value="">Any reason</option>
            {Object.entries(REASON_LABEL).map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
            <option value="none">No reason given</option>
          </select>
        </div>
        <div>
          <label htmlFor="inbox-sort">Sort</label>
          <select id="inbox-sort" name="sort" defaultValue={query.sort ?? "newest"}>
            {Object.entries(SORT_TEXT).map(([v, text]) => (
              <option key={v} value={v}>
                {text}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Apply</button>
      </Form>
      {item ? (
        <p className="filter-chip">
          Item: <strong>{item.title}</strong>{" "}
          <Link to={hrefWith(query, { item: undefined, page: undefined, open: undefined })}>Show every item</Link>
        </p>
      ) : null}
      <p className="meta" role="status">
        {total === 0
          ? "Nothing here."
          : `${total.toLocaleString("en-GB")} ${total === 1 ? "rating" : "ratings"}${pages > 1 ? ` · page ${page} of ${pages}` : ""}`}
      </p>

      <div className={pane ? "inbox-layout has-pane" : "inbox-layout"}>
        <div className="inbox-list-col">
          {rows.length === 0 ? (
            <EmptyState title={show === "unanswered" && !item && !query.reason && !query.q ? "Inbox zero" : "Nothing matches"}>
              {query.q ? (
                <Link to={hrefWith(query, { q: undefined, page: undefined, open: undefined })}>Clear the search</Link>
              ) : (
                `New comments and "not useful" answers from sellers land here.`
              )}
            </EmptyState>
          ) : (
            <ul className="inbox-list" id="inbox-list">
              {rows.map((r) => (
                <li key={r.id}>
                  <Link
                    className="inbox-line"
                    to={hrefWith(query, { open: r.id })}
                    aria-current={pane?.id === r.id ? "true" : undefined}
                    preventScrollReset
                  >
                    <span className={r.useful ? "badge published" : "badge in_review"}>{r.useful ? "Useful" : "Not useful"}</span>{" "}
                    <strong>{r.itemTitle}</strong> <span className="meta">v{r.versionNumber}</span>
                    {r.reasons.length ? <span className="meta"> · {r.reasons.map((x) => REASON_LABEL[x] ?? x).join(", ")}</span> : null}
                    {r.excerpt ? <span className="inbox-excerpt">“{r.excerpt}”</span> : null}
                    <span className="meta inbox-who">
                      {r.rater}
                      {r.team ? `, ${r.team}` : ""} · {formatDate(r.at)}
                      {r.replies ? ` · ${r.replies} ${r.replies === 1 ? "reply" : "replies"}` : ""}
                      {r.resolvedAt ? " · resolved" : ""}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {/* Addresses stop at page 1,000: the pager's Next does too, and does not wrap back to the newest. */}
          <PageLinks
            page={page}
            pages={pages}
            href={(p) => hrefWith(query, { page: p === 1 ? undefined : p, open: undefined })}
            prev={query.sort === "oldest" ? "← Older" : "← Newer"}
            next={query.sort === "oldest" ? "Newer →" : "Older →"}
          />
        </div>
        {pane ? (
          <InboxPane
            rating={pane}
            closeHref={hrefWith(query, { open: undefined })}
            itemHref={hrefWith({}, { item: pane.itemId, show: "all" })}
          />
        ) : rows.length ? (
          <p className="meta inbox-hint">Choose a rating to read it in full and reply.</p>
        ) : null}
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
