// A paged table's own search box and its "26–50 of 8,021" line: a plain GET form that keeps the
// view's other parameters (range, team, order), so a search is an address that can be shared, and a
// status line a screen reader announces when the rows change.
import { Form } from "@remix-run/react";
import { KeepFields } from "./sortable-columns";

export function TableSearch({
  action,
  id,
  label,
  name,
  q,
  placeholder,
  keep,
}: {
  action: string;
  id: string;
  /** The field's label; the form is a search landmark named `name`. */
  label: string;
  name: string;
  q: string | undefined;
  placeholder: string;
  keep: Record<string, string | undefined>;
}) {
  return (
    // key: a new search (or a cleared one) resets the field to what the address says.
    <Form method="get" action={action} className="inbox-filters" role="search" aria-label={name} key={q ?? ""}>
      <KeepFields values={keep} />
      <div>
        <label htmlFor={id}>{label}</label>
        <input id={id} name="q" type="search" defaultValue={q ?? ""} maxLength={100} placeholder={placeholder} />
      </div>
      <button type="submit">Search</button>
    </Form>
  );
}

/** "26–50 of 8,021 items": which rows of how many a page shows. */
function shownOf({ page, pageSize, shown, total, noun }: { page: number; pageSize: number; shown: number; total: number; noun: string }) {
  const first = (page - 1) * pageSize + 1;
  const n = (x: number) => x.toLocaleString("en-GB");
  return `${n(first)}–${n(first + shown - 1)} of ${n(total)} ${noun}`;
}

/**
 * The line over a paged table: "1–25 of 300 sellers matching “ana”", or why there is nothing. `unsearched`
 * follows the count when there is no search, `after` follows it always.
 */
export function TableStatus({
  page,
  pageSize,
  shown,
  total,
  noun,
  q,
  none,
  noMatch,
  unsearched = "",
  after = "",
}: {
  page: number;
  pageSize: number;
  shown: number;
  total: number;
  noun: string;
  q: string | undefined;
  none: string;
  noMatch: string;
  unsearched?: string;
  after?: string;
}) {
  return (
    <p className="meta" role="status">
      {total === 0
        ? q
          ? noMatch
          : none
        : `${shownOf({ page, pageSize, shown, total, noun })}${q ? ` matching “${q}”` : unsearched}${after}`}
    </p>
  );
}
