// The header row and scrolling box the app's data tables share, so their markup (scope, caption, region) stays alike.
import type { CSSProperties, ReactNode } from "react";
import { TableScroll } from "./table-scroll";

/** A header: its text, or its text with a tooltip (`title`) and, for a sortable column, its order (`sort`). */
export type Column = ReactNode | { label: ReactNode; title?: string; sort?: "ascending" | "descending" };

const isDescribed = (c: Column): c is { label: ReactNode; title?: string; sort?: "ascending" | "descending" } =>
  typeof c === "object" && c !== null && "label" in c;

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          isDescribed(c) ? (
            <th key={i} scope="col" title={c.title} aria-sort={c.sort}>
              {c.label}
            </th>
          ) : (
            <th key={i} scope="col">
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * A table in its scrolling region. It is named by a visually hidden `caption`, or by the heading
 * `labelledBy` points at; `children` are the body rows.
 */
export function DataTable({
  label,
  caption,
  labelledBy,
  className,
  style,
  columns,
  children,
}: {
  label: string;
  caption?: string;
  labelledBy?: string;
  className?: string;
  style?: CSSProperties;
  columns: readonly Column[];
  children: ReactNode;
}) {
  return (
    <TableScroll label={label} style={style}>
      <table className={className} aria-labelledby={labelledBy}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}
