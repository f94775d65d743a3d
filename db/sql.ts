// Naming tables' columns inside raw `sql` templates through the schema objects, so a renamed column is
// a type error rather than a runtime one. `${table}` already renders the table's name.
import { sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/** A column's bare name (no table prefix): for SET targets, column lists, and columns of an alias or CTE. */
export const col = (column: PgColumn) => sql.identifier(column.name);

/** A column list without the parentheses: `"a", "b"`. */
export const cols = (...columns: PgColumn[]) => sql.join(columns.map(col), sql`, `);

/** A `like`/`ilike` pattern for "contains": `%`, `_` and `\` typed by a person are text, not wildcards. */
export const containsPattern = (text: string) => `%${likeText(text)}%`;

/** A `like`/`ilike` pattern for "starts with", typed text escaped as for `containsPattern`. */
export const startsWithPattern = (text: string) => `${likeText(text)}%`;

const likeText = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
