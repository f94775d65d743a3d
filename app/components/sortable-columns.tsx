// Column headers that sort a server-side table through its address: each a link to the view sorted by
// that column (again: the other way), with its order on the header (`aria-sort`) and an arrow.
import { Link } from "@remix-run/react";
import type { Column } from "./data-table";

type Dir = "asc" | "desc";

export function sortableColumns<S extends string>({
  columns,
  sort,
  dir,
  defaultSort,
  defaultDir,
  href,
}: {
  /** A column without `sort` is a plain header. */
  columns: { sort?: S; label: string; title?: string }[];
  sort: S;
  dir: Dir;
  /** The view's order when the address names none: its links leave `sort` and `dir` out. */
  defaultSort: S;
  defaultDir: (sort: S) => Dir;
  /** The address with these parameters changed (undefined removes one). */
  href: (change: Record<string, string | undefined>) => string;
}): Column[] {
  return columns.map((c) => {
    if (!c.sort) return c.title ? { label: c.label, title: c.title } : c.label;
    const current = c.sort === sort;
    const next = current ? (dir === "asc" ? "desc" : "asc") : defaultDir(c.sort);
    const usual = next === defaultDir(c.sort);
    return {
      title: c.title,
      sort: current ? (dir === "asc" ? "ascending" : "descending") : undefined,
      label: (
        <Link
          to={href({ sort: c.sort === defaultSort && usual ? undefined : c.sort, dir: usual ? undefined : next, page: undefined })}
          preventScrollReset
        >
          {c.label}
          {current ? <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span> : null}
        </Link>
      ),
    };
  });
}

/** The hidden fields that carry a view's other parameters through its search form. */
export function KeepFields({ values }: { values: Record<string, string | undefined> }) {
  return Object.entries(values).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null));
}
