// The audience rule and the filter chips, the same for every part of a search: they bound hits,
// counts, facets and snippets alike.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { SearchRequest } from "../types";

/** The columns the filters test, on whichever alias of search_documents a statement reads. */
export type FilteredColumns = { expiresAt: SQLWrapper; audience: SQLWrapper; type: SQLWrapper; tags: SQLWrapper };

/** `walk`: the row-by-row form of a static-order walk, which no index may serve (see below). */
export function filters(request: SearchRequest, docs: FilteredColumns, walk = false): SQL {
  const { teams, now } = request.scope;
  // A walk of the static order tests the chips on each row: written so no index can serve them, or
  // the planner combines the type or tag index (every deck in the table) with the band's range.
  const type = walk ? sql`(${docs.type} || '')` : sql`${docs.type}`;
  const tags = walk ? sql`(${docs.tags} || '{}'::text[])` : sql`${docs.tags}`;
  // NOTE: `audience = '{}'` rather than `cardinality(audience) = 0` (same rows, audience is not null):
  // the planner estimates a column comparison from its statistics (most items are for everyone),
  // but guesses a small fixed share for the function, then plans a full scan and sort instead of
  // walking the static-order index for common terms.
  const parts: SQL[] = [
    sql`(${docs.expiresAt} is null or ${docs.expiresAt} > ${now.toISOString()}::timestamptz)`,
    teams.length
      ? sql`(${docs.audience} = '{}'::uuid[] or ${docs.audience} && array[${sql.join(
          teams.map((t) => sql`${t}::uuid`),
          sql`, `,
        )}])`
      : sql`${docs.audience} = '{}'::uuid[]`,
  ];
  if (request.types.length)
    parts.push(
      sql`${type} in (${sql.join(
        request.types.map((t) => sql`${t}`),
        sql`, `,
      )})`,
    );
  const byFacet = new Map<string, string[]>();
  for (const t of request.tags) byFacet.set(t.facet, [...(byFacet.get(t.facet) ?? []), `${t.facet}:${t.value}`]);
  for (const values of byFacet.values()) {
    parts.push(
      sql`${tags} && array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`,
    );
  }
  return sql.join(parts, sql` and `);
}
