// One seller's use of Fieldkit in the range, for the managers of their team and admins: their figures,
// every item they used (opened, shared, downloaded, time spent, their rating and comment), searched,
// sorted and paged, and what they asked marketing for. A manager's coaching question: "what does Ana
// use, what did she think of it, and what did she need that we do not have?".
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { REQUEST_STATUS_LABEL, sellerItemSortDefaultDir, type SellerItemSort } from "@/vocabulary/feedback";
import { TYPE_LABEL } from "@/vocabulary/library";
import { DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { InsightFilters } from "~/components/feedback/filters";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { sortableColumns } from "~/components/sortable-columns";
import { TableSearch, TableStatus } from "~/components/table-search";
import { addressWith } from "~/lib/address";
import { requireUser } from "~/modules/auth/guard.server";
import { readFilters } from "~/modules/insights/page.server";
import { SellerItemsQuery, sellerDetail } from "~/modules/insights/seller-detail.server";
import { pageData } from "~/modules/page-errors.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.seller.name ?? "Seller"} · Sellers' activity · Fieldkit` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["manager", "admin"]);
  return pageData(async () => {
    const url = new URL(request.url);
    const filters = readFilters(url);
    const query = SellerItemsQuery.parse(Object.fromEntries(url.searchParams));
    const detail = await pageWithin(
      (page) =>
        sellerDetail(context.app.db, { user, sellerId: params.id ?? "", range: filters.range, query: page ? { ...query, page } : query }),
      ({ items }) => items,
    );
    return { filters, query, ...detail };
  });
}

const COLUMNS: { sort?: SellerItemSort; label: string; title?: string }[] = [
  { sort: "title", label: "Item" },
  { sort: "views", label: "Opened" },
  { sort: "shares", label: "Shared" },
  { label: "Downloads" },
  { label: "Time spent", title: "Time on the item's page in the period" },
  { sort: "last", label: "Last used" },
  { label: "Their rating", title: "Their latest answer to “Was this useful?” on the item" },
];

const duration = (s: number) => (s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export default function SellerActivity() {
  const { filters, query, seller, totals, items, requests, requestsTotal } = useLoaderData<typeof loader>();
  const range = { from: filters.range.from, to: filters.range.to };
  const path = `/insights/sellers/${seller.id}`;
  const sort: SellerItemSort = query.sort ?? "views";
  const dir = query.dir ?? sellerItemSortDefaultDir(sort);
  const href = (change: Record<string, string | number | undefined>) =>
    addressWith(path, range, { q: query.q, sort: query.sort, dir: query.dir }, change);
  const columns = sortableColumns({ columns: COLUMNS, sort, dir, defaultSort: "views", defaultDir: sellerItemSortDefaultDir, href });
  return (
    <>
      <p>
        <Link to={addressWith("/insights/sellers", range)}>← Sellers&apos; activity</Link>
      </p>
      <h1>{seller.name}</h1>
      <p className="meta">
        {seller.email} · {seller.team ?? "No team"}
        {seller.active ? "" : " · Deactivated"} · {filters.range.from} to {filters.range.to} (UTC days)
      </p>
      <InsightFilters filters={filters} teams={null} action={path} />
      <dl className="kpis">
        {[
          { label: "Active days", value: totals.activeDays, title: "Days in the period with any use of Fieldkit" },
          { label: "Items opened", value: totals.views, title: "Times they opened an item, as in Sellers' activity" },
          { label: "Different items", value: totals.items, title: "Items they opened, shared or downloaded in the period" },
          { label: "Shares", value: totals.shares },
          { label: "Downloads", value: totals.downloads },
          { label: "Ratings given", value: totals.ratings },
          { label: "Said useful", value: totals.useful, title: "Of their ratings in the period, how many said “useful”" },
          { label: "Searches", value: totals.searches },
          { label: "Found nothing", value: totals.emptySearches, title: "Searches that came back empty: what the library did not have" },
        ].map((k) => (
          <div key={k.label}>
            <dt title={k.title}>{k.label}</dt>
            <dd>{k.value}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="used">
        <h2 id="used">What they used</h2>
        <TableSearch
          action={path}
          id="seller-items-q"
          label="Find an item"
          name="Search this seller's items"
          q={query.q}
          placeholder="Words in its title"
          keep={{ ...range, sort: query.sort, dir: query.dir }}
        />
        <TableStatus
          page={items.page}
          pageSize={items.pageSize}
          total={items.total}
          shown={items.rows.length}
          noun="items"
          q={query.q}
          none="Nothing used in this period."
          noMatch={`No item they used in this period has “${query.q}” in its title.`}
        />
        {items.rows.length === 0 ? (
          query.q ? (
            <EmptyState title="Nothing matches">
              <Link to={href({ q: undefined, page: undefined })}>Clear the search</Link>
            </EmptyState>
          ) : (
            <EmptyState title="No use in this period">Try a longer date range.</EmptyState>
          )
        ) : (
          <DataTable label="Table of the items this seller used" labelledBy="used" columns={columns}>
            {items.rows.map((r) => (
              <tr key={r.itemId}>
                <th scope="row">
                  <Link to={addressWith(`/insights/items/${r.itemId}`, range)}>{r.title}</Link>
                  <div className="meta">{TYPE_LABEL[r.type] ?? r.type}</div>
                </th>
                <td>{r.views}</td>
                <td>{r.shares}</td>
                <td>{r.downloads}</td>
                <td>{r.dwellS ? duration(r.dwellS) : "–"}</td>
                <td>{formatDate(`${r.lastDay}T00:00:00Z`)}</td>
                <td>
                  {r.useful === null ? "–" : r.useful ? "Useful" : "Not useful"}
                  {r.comment ? <div className="meta">“{r.comment}”</div> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        <PageLinks page={items.page} pages={items.pages} href={(p) => href({ page: p > 1 ? p : undefined })} />
      </section>

      <section aria-labelledby="asked">
        <h2 id="asked">What they asked marketing for</h2>
        {requests.length === 0 ? (
          <EmptyState title="No content requests in this period">When they ask for something the library lacks, it shows here.</EmptyState>
        ) : (
          <>
            <p className="meta">
              {requestsTotal > requests.length
                ? `The newest ${requests.length} of ${requestsTotal} requests in the period.`
                : `${requestsTotal} ${requestsTotal === 1 ? "request" : "requests"} in the period.`}
            </p>
            <ul className="list">
              {requests.map((r) => (
                <li key={r.id}>
                  <p>{r.text}</p>
                  <p className="meta">
                    {formatDate(r.createdAt)} · {REQUEST_STATUS_LABEL[r.status] ?? r.status}
                    {r.answerItemId ? (
                      <>
                        {" · "}
                        <Link to={`/items/${r.answerItemId}`}>The content that answered it</Link>
                      </>
                    ) : null}
                  </p>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
