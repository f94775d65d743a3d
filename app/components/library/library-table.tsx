// The desk's library table: a GET form of filters (works without JavaScript; every view is a URL),
// sortable column headers, and page links. On a phone the secondary columns fold into a line under
// the title instead of scrolling sideways.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { formatDate } from "@/vocabulary/dates";
import { ITEM_STATUSES, STATUS_LABEL, TYPE_LABEL } from "@/vocabulary/library";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";
import { BULK_FORM } from "./bulk-bar";
import { TagNameField } from "~/components/tag-name-field";

const SORT_TEXT: Record<string, string> = {
  updated: "Last updated",
  title: "Title",
  type: "Type",
  status: "Status",
  owner: "Owner",
  expires: "Expiry date",
};
const FACET_TEXT: Record<string, string> = {
  product: "Product",
  industry: "Industry",
  persona: "Persona",
  stage: "Stage",
  region: "Region",
};

type Row = {
  id: string;
  type: string;
  title: string;
  status: string;
  owner: string | null;
  updatedAt: string | Date;
  expiresAt: string | Date | null;
  publishAt: string | Date | null;
  problem: string | null;
  tags: string[];
  audience: string[];
};
export type LibraryTableProps = {
  rows: Row[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  /** The parsed query, as the URL had it. */
  query: Record<string, string | number | undefined>;
  /** Other parameters of the page to keep when the table's own change (e.g. the attention scope). */
  keep: Record<string, string>;
  counts: Partial<Record<string, number>>;
  canSeeAllStatuses: boolean;
  /** The bulk bar, shown between the summary and the rows; with it each row gets a checkbox for its form. */
  bulk?: ReactNode;
  options: {
    tags: { id: string; facet: string; label: string }[];
    tagCount: number;
    tagLabel: string | null;
    owners: { id: string; name: string }[];
    teams: { id: string; name: string }[];
  };
};

const ADVANCED = ["type", "tag", "owner", "audience", "expiring", "sort", "dir"] as const;

/** A URL for this table with some parameters changed (an empty value removes one). */
function hrefWith(props: Pick<LibraryTableProps, "query" | "keep">, change: Record<string, string | number | undefined>) {
  return addressWith("/library", props.keep, props.query, change);
}

export function LibraryTable(props: LibraryTableProps) {
  const { rows, total, page, pages, pageSize, query, canSeeAllStatuses } = props;
  const loading = useNavigation().state === "loading";
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const filtered = Object.entries(query).some(([k, v]) => k !== "page" && k !== "sort" && k !== "dir" && v !== undefined);
  return (
    <section aria-labelledby="library-table-h" className="library-table">
      <h2 id="library-table-h" className="visually-hidden">
        All items
      </h2>
      <Filters key={JSON.stringify(query)} {...props} />
      <p className="meta table-summary" role="status" aria-live="polite">
        {total === 0
          ? "No items match."
          : `${first.toLocaleString("en-GB")}–${(first + rows.length - 1).toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} items`}
        {total > pages * pageSize
          ? ` (the first ${(pages * pageSize).toLocaleString("en-GB")} are listed: narrow the search to see the rest)`
          : ""}
        {filtered ? (
          <>
            {" · "}
            <Link to={hrefWith({ query: {}, keep: props.keep }, {})}>Clear filters</Link>
          </>
        ) : null}
      </p>
      {rows.length ? props.bulk : null}
      {rows.length === 0 ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "No items here"}>
          <p>
            {filtered ? (
              <Link to={hrefWith({ query: {}, keep: props.keep }, {})}>Clear the filters</Link>
            ) : canSeeAllStatuses ? (
              <Link to="/publish">Publish the first piece of content</Link>
            ) : (
              "Nothing is published for your teams yet."
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap" aria-busy={loading || undefined}>
          <table className="items-table">
            <caption className="visually-hidden">
              Library items, sorted by {SORT_TEXT[String(query.sort ?? "updated")].toLowerCase()}, page {page} of {pages}
            </caption>
            <thead>
              <tr>
                {props.bulk ? (
                  <th scope="col" className="select-col">
                    <SelectPageBox />
                  </th>
                ) : null}
                <SortHeader {...props} column="title" />
                <SortHeader {...props} column="type" wide />
                <SortHeader {...props} column="status" />
                <SortHeader {...props} column="owner" wide />
                <th scope="col" className="wide-only">
                  Tags
                </th>
                <th scope="col" className="wide-only">
                  Audience
                </th>
                <SortHeader {...props} column="updated" wide />
                <SortHeader {...props} column="expires" />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  {props.bulk ? (
                    <td className="select-col">
                      <input type="checkbox" name="id" value={r.id} form={BULK_FORM} aria-label={`Select ${r.title}`} />
                    </td>
                  ) : null}
                  <th scope="row">
                    <Link to={`/items/${r.id}`} prefetch="intent">
                      {r.title}
                    </Link>
                    <div className="meta narrow-only">
                      {TYPE_LABEL[r.type] ?? r.type} · {r.owner ?? "No owner"} · updated {formatDate(r.updatedAt)}
                    </div>
                    {r.problem ? <div className="field-error">{r.problem}</div> : null}
                  </th>
                  <td className="wide-only">{TYPE_LABEL[r.type] ?? r.type}</td>
                  <td>
                    <span className={`badge ${r.status}`}>{STATUS_LABEL[r.status] ?? r.status}</span>
                    {r.status === "in_review" && r.publishAt ? (
                      <div className="meta">approved, publishes {formatDate(r.publishAt)}</div>
                    ) : null}
                  </td>
                  <td className="wide-only">{r.owner ?? "—"}</td>
                  <td className="wide-only">{r.tags.length ? r.tags.join(", ") : "—"}</td>
                  <td className="wide-only">{r.audience.length ? r.audience.join(", ") : "Everyone"}</td>
                  <td className="wide-only">{formatDate(r.updatedAt)}</td>
                  <td>{r.expiresAt ? formatDate(r.expiresAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PageLinks page={page} pages={pages} href={(p) => hrefWith(props, { page: p === 1 ? undefined : p })} />
    </section>
  );
}

function SortHeader(props: LibraryTableProps & { column: string; wide?: boolean }) {
  const { query, column, wide } = props;
  const current = (query.sort ?? "updated") === column;
  const defaultDir = column === "updated" ? "desc" : "asc";
  const dir = String(query.dir ?? defaultDir);
  const next = current ? (dir === "asc" ? "desc" : "asc") : defaultDir;
  const label = column === "updated" ? "Updated" : column === "expires" ? "Expires" : SORT_TEXT[column];
  return (
    <th
      scope="col"
      className={wide ? "wide-only" : undefined}
      aria-sort={current ? (dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <Link
        to={hrefWith(props, {
          sort: column === "updated" && next === "desc" ? undefined : column,
          dir: next === defaultDir ? undefined : next,
          page: undefined,
        })}
      >
        {label}
        {current ? <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span> : null}
      </Link>
    </th>
  );
}

function Filters({ query, keep, counts, canSeeAllStatuses, options }: LibraryTableProps) {
  const advanced = ADVANCED.some((k) => query[k] !== undefined);
  const value = (k: string) => (query[k] === undefined ? "" : String(query[k]));
  const facets = [...new Set(options.tags.map((t) => t.facet))];
  return (
    <Form method="get" action="/library" className="library-filters" role="search" aria-label="Filter the library">
      {Object.entries(keep).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className="filter-main">
        <div>
          <label htmlFor="lib-q">Search title, summary or owner</label>
          <input id="lib-q" name="q" type="search" defaultValue={value("q")} maxLength={100} />
        </div>
        {canSeeAllStatuses ? (
          <div>
            <label htmlFor="lib-status">Status</label>
            <select id="lib-status" name="status" defaultValue={value("status")}>
              <option value="">Any status</option>
              {ITEM_STATUSES.map((s) => [s, STATUS_LABEL[s]] as const).map(([s, text]) => (
                <option key={s} value={s}>
                  {text} ({(counts[s] ?? 0).toLocaleString("en-GB")})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit">Apply</button>
      </div>
      <details open={advanced}>
        <summary>More filters and sort</summary>
        <div className="filter-more">
          <Select
            id="type"
            label="Type"
            value={value("type")}
            any="Any type"
            options={Object.entries(TYPE_LABEL).map(([id, label]) => ({ id, label }))}
          />
          {options.tagCount > options.tags.length ? (
            <div>
              <TagNameField id="lib-tag" name="tag" label="Tag" defaultValue={options.tagLabel ?? ""} />
            </div>
          ) : (
            <div>
              <label htmlFor="lib-tag">Tag</label>
              <select id="lib-tag" name="tag" defaultValue={value("tag")}>
                <option value="">Any tag</option>
                {facets.map((f) => (
                  <optgroup key={f} label={FACET_TEXT[f] ?? f}>
                    {options.tags
                      .filter((t) => t.facet === f)
                      .map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.label}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </div>
          )}
          {options.owners.length ? (
            <Select
              id="owner"
              label="Owner"
              value={value("owner")}
              any="Anyone"
              options={[{ id: "me", label: "Me" }, ...options.owners.map((o) => ({ id: o.id, label: o.name }))]}
            />
          ) : null}
          <Select
            id="audience"
            label="Audience"
            value={value("audience")}
            any="Any audience"
            options={[
              { id: "everyone", label: "Everyone (no team limit)" },
              ...options.teams.map((t) => ({ id: t.id, label: `Only ${t.name}` })),
            ]}
          />
          <Select
            id="expiring"
            label="Expiry"
            value={value("expiring")}
            any="Any expiry"
            options={[
              { id: "7", label: "Expires within 7 days or expired" },
              { id: "30", label: "Expires within 30 days or expired" },
              { id: "90", label: "Expires within 90 days or expired" },
            ]}
          />
          <Select
            id="sort"
            label="Sort by"
            value={value("sort")}
            any="Last updated"
            options={Object.entries(SORT_TEXT)
              .filter(([id]) => id !== "updated")
              .map(([id, label]) => ({ id, label }))}
          />
          <Select
            id="dir"
            label="Order"
            value={value("dir")}
            any="Default order"
            options={[
              { id: "asc", label: "Ascending (A→Z, oldest first)" },
              { id: "desc", label: "Descending (Z→A, newest first)" },
            ]}
          />
        </div>
      </details>
    </Form>
  );
}

function Select({
  id,
  label,
  value,
  any,
  options,
}: {
  id: string;
  label: string;
  value: string;
  any: string;
  options: { id: string; label: string }[];
}) {
  return (
    <div>
      <label htmlFor={`lib-${id}`}>{label}</label>
      <select id={`lib-${id}`} name={id} defaultValue={value}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Ticks every row's box. It needs the page's scripts, so it is drawn disabled until they have run. */
function SelectPageBox() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <input
      type="checkbox"
      className="select-page"
      aria-label="Select every item on this page"
      disabled={!hydrated}
      onChange={(e) => {
        const boxes = document.querySelectorAll<HTMLInputElement>(`input[name="id"][form="${BULK_FORM}"]`);
        for (const box of boxes) box.checked = e.target.checked;
      }}
    />
  );
}
