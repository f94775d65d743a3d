// The Insights page's per-item table: every item with usage in the range, searched by title, sorted by any
// column and paged, all in the URL (with the page's range and team) so a view can be bookmarked and works
// without JavaScript. The CSV download still has every row.
import { Link } from "@remix-run/react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { DataTable } from "~/components/data-table";
import { sortableColumns } from "~/components/sortable-columns";
import { TableSearch, TableStatus } from "~/components/table-search";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";
import { pct, Section, type InsightLinks, type InsightsData } from "./sections";

type SortKey = "title" | "views" | "sellers" | "shares" | "ratings" | "score" | "buyers";

const COLUMNS: { sort: SortKey; label: string; title?: string }[] = [
  { sort: "title", label: "Item" },
  { sort: "views", label: "Views" },
  { sort: "sellers", label: "Sellers" },
  { sort: "shares", label: "Shares" },
  { sort: "ratings", label: "Useful", title: "Sellers who said it was useful, of those who answered" },
  {
    sort: "score",
    label: "Found useful (adjusted)",
    title: "Share found useful, lowered when few answered: 1 of 1 does not outrank 95 of 100",
  },
  { sort: "buyers", label: "Buyers", title: "Shared with buyers through tracked links, and the share of those links buyers opened" },
];

const answered = (i: { useful: number; notUseful: number }) => i.useful + i.notUseful;

export function ItemsSection({
  items,
  itemsTable: table,
  filters,
  csv,
  detail,
}: Pick<InsightsData, "items" | "itemsTable" | "filters"> & InsightLinks) {
  const sort: SortKey = (table.sort as SortKey | undefined) ?? "views";
  const defaultDir = (s: SortKey) => (s === "title" ? "asc" : "desc");
  const dir = table.dir ?? defaultDir(sort);
  const keep = { from: filters.range.from, to: filters.range.to, team: filters.teamId ?? undefined };
  const href = (change: Record<string, string | number | undefined>) =>
    `${addressWith("/insights", keep, { q: table.q, sort: table.sort, dir: table.dir }, change)}#items`;
  const columns = sortableColumns({ columns: COLUMNS, sort, dir, defaultSort: "views", defaultDir, href });
  return (
    <Section id="items" title="Usage and usefulness per item" csv={csv("items")}>
      <TableSearch
        action="/insights#items"
        id="items-q"
        label="Find an item"
        name="Search the items table"
        q={table.q}
        placeholder="Words in its title"
        keep={{ ...keep, sort: table.sort, dir: table.dir }}
      />
      <TableStatus
        page={table.page ?? 1}
        pageSize={table.pageSize}
        shown={items.length}
        total={table.total}
        noun="items"
        q={table.q}
        none="No usage in this period."
        noMatch={`No item with usage in this period has “${table.q}” in its title.`}
        unsearched=" with usage in this period"
        after="; the CSV has every one."
      />
      {items.length === 0 ? (
        table.q ? (
          <EmptyState title="Nothing matches">
            <Link to={href({ q: undefined, page: undefined })}>Clear the search</Link>
          </EmptyState>
        ) : (
          <EmptyState title="No usage in this period">Try a longer date range or another team.</EmptyState>
        )
      ) : (
        <DataTable label="Table of usage and usefulness per item" labelledBy="items" columns={columns}>
          {items.map((i) => (
            <tr key={i.itemId}>
              <th scope="row">
                <Link to={detail(i.itemId)}>{i.title}</Link>
                <div className="meta">{TYPE_LABEL[i.type] ?? i.type}</div>
              </th>
              <td>{i.views}</td>
              <td>{i.uniqueSellers}</td>
              <td>{i.shares}</td>
              {/* Unrated is "–", not "0 %": the adjusted share of an item nobody answered for is 0, which
                  read as "nobody found it useful". */}
              <td>{answered(i) ? `${i.useful}/${answered(i)}` : "–"}</td>
              <td>{answered(i) ? pct(i.score) : "–"}</td>
              <td>{i.buyerShares ? `${i.buyerShares} · ${pct(i.buyerOpenRate)} opened` : "–"}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks page={table.page ?? 1} pages={table.pages} href={(p) => href({ page: p > 1 ? p : undefined })} />
    </Section>
  );
}
