// Each seller's activity for the managers of their teams and admins: active days, views, the last active
// day and the ratings given, searchable by name, sortable and paged, with the range and team of the
// Insights filters. The least active come first: who needs a hand with Fieldkit.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { sellerSortDefaultDir, type SellerSort } from "@/vocabulary/feedback";
import { DataTable } from "~/components/data-table";
import { sortableColumns } from "~/components/sortable-columns";
import { TableSearch, TableStatus } from "~/components/table-search";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsvLink } from "~/components/feedback/charts";
import { InsightFilters } from "~/components/feedback/filters";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { readFilters } from "~/modules/insights/page.server";
import { scopeTeams } from "~/modules/insights/scope.server";
import { sellerActivity, SellersQuery } from "~/modules/insights/sellers.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Sellers' activity · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["manager", "admin"]);
  return pageData(async () => {
    const url = new URL(request.url);
    const filters = readFilters(url);
    const query = SellersQuery.parse(Object.fromEntries(url.searchParams));
    const [list, teams] = await Promise.all([
      pageWithin((page) =>
        sellerActivity(context.app.db, { user, range: filters.range, teamId: filters.teamId, query: page ? { ...query, page } : query }),
      ),
      scopeTeams(context.app.db, { user }),
    ]);
    return { filters, query, teams, leadsOnly: user.role === "manager", ...list };
  });
}

const COLUMNS: { sort?: SellerSort; label: string; title?: string }[] = [
  { sort: "name", label: "Seller" },
  { label: "Team" },
  { sort: "days", label: "Active days", title: "Days in the period with any use of Fieldkit" },
  { sort: "last", label: "Last active" },
  { sort: "views", label: "Items opened" },
  { sort: "ratings", label: "Ratings given" },
];

export default function Sellers() {
  const { filters, query, teams, leadsOnly, rows, total, page, pages, pageSize } = useLoaderData<typeof loader>();
  const sort: SellerSort = query.sort ?? "days";
  const dir = query.dir ?? sellerSortDefaultDir(sort);
  const keep = { from: filters.range.from, to: filters.range.to, team: filters.teamId ?? undefined };
  const href = (change: Record<string, string | number | undefined>) =>
    addressWith("/insights/sellers", keep, { q: query.q, sort: query.sort, dir: query.dir }, change);
  const columns = sortableColumns({ columns: COLUMNS, sort, dir, defaultSort: "days", defaultDir: sellerSortDefaultDir, href });
  return (
    <>
      <p>
        <Link to={addressWith("/insights", keep)}>← All insights</Link>
      </p>
      <h1>Sellers&apos; activity</h1>
      <p className="meta">
        {filters.range.from} to {filters.range.to} (UTC days). Every seller
        {filters.teamId ? " of the team" : leadsOnly ? " of the teams you lead" : ""}, the least active first unless you sort otherwise.
      </p>
      <InsightFilters filters={filters} teams={teams} action="/insights/sellers" />
      <p>
        <CsvLink href={addressWith("/insights/export", { table: "sellers" }, keep)}>Download CSV of every seller</CsvLink>
      </p>
      <TableSearch
        action="/insights/sellers"
        id="sellers-q"
        label="Find a seller"
        name="Find a seller"
        q={query.q}
        placeholder="Name or email"
        keep={{ ...keep, sort: query.sort, dir: query.dir }}
      />
      <TableStatus
        page={page}
        pageSize={pageSize}
        total={total}
        shown={rows.length}
        noun="sellers"
        q={query.q}
        none="No sellers in these teams."
        noMatch={`No seller matches “${query.q}”.`}
      />
      {rows.length === 0 ? (
        query.q ? (
          <EmptyState title="Nothing matches">
            <Link to={href({ q: undefined, page: undefined })}>Clear the search</Link>
          </EmptyState>
        ) : (
          <EmptyState title="No sellers here">When sellers join these teams, their activity shows here.</EmptyState>
        )
      ) : (
        <DataTable label="Table of sellers' activity" caption="Sellers' activity in the period" columns={columns}>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={addressWith(`/insights/sellers/${r.id}`, { from: filters.range.from, to: filters.range.to })}>{r.name}</Link>
                <div className="meta">{r.email}</div>
              </th>
              <td>{r.team ?? "No team"}</td>
              <td>{r.activeDays}</td>
              <td>{r.lastDay ? formatDate(`${r.lastDay}T00:00:00Z`) : "Not in this period"}</td>
              <td>{r.views}</td>
              <td>{r.ratings}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks page={page} pages={pages} href={(p) => href({ page: p > 1 ? p : undefined })} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
