// Zod's error class for route actions. NOTE: route modules import it from here, not from "zod": a
// `.server` module is empty in the browser bundle, while a plain `import { ZodError } from "zod"` in a
// route made esbuild load all of zod (~450 KB, ~100 KB gzip) on pages that never validate in the browser.
import { z } from "zod";
import { UUID_PATTERN } from "@/vocabulary/ids";
import { MAX_LIST_PAGE } from "@/vocabulary/paging";

export { ZodError } from "zod";

/** A filter read from an address: empty is unset, and a bad value in a hand-edited URL drops that filter
 * rather than failing the page. */
export const urlFilter = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional()).catch(undefined);

/** A `?page=` number in a list's filters: at most 1,000 (deeper pages are a search's job); unset when missing or nonsense. */
export const urlPage = urlFilter(z.coerce.number().int().min(1).max(MAX_LIST_PAGE));

/**
 * An API list's `?page=` and `?limit=`: a script sent them on purpose, so a bad one is a 400 that says
 * so. Read as a page's `urlPage`, `page=1001` answered page 1 (or, with no limit, everyone) while
 * `pages` promised more, and a sync script looped or read rows twice.
 */
export const apiPage = z.coerce
  .number({ message: "page must be a whole number from 1" })
  .int("page must be a whole number from 1")
  .min(1, "page must be a whole number from 1")
  .max(1_000_000, "page must be at most 1000000")
  .optional();
export const apiLimit = (max: number) =>
  z.coerce
    .number({ message: `limit must be a whole number from 1 to ${max}` })
    .int(`limit must be a whole number from 1 to ${max}`)
    .min(1, `limit must be a whole number from 1 to ${max}`)
    .max(max, `limit must be a whole number from 1 to ${max}`)
    .optional();

/** A newest-first list's `?before=` (the last id shown, components/older-pager.tsx); unset when missing or nonsense. */
export const urlBefore = urlFilter(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER));

/**
 * A paged table's own search, order and page (`q`, `sort`, `dir`, `page`) from its address; a nonsense
 * value falls back to the table's default. `.extend` it for the table's filters.
 */
export const tableQuery = <S extends readonly [string, ...string[]]>(sorts: S) =>
  z.object({
    q: urlFilter(z.string().trim().max(100)),
    sort: urlFilter(z.enum(sorts)),
    dir: urlFilter(z.enum(["asc", "desc"])),
    page: urlPage,
  });

/** A `?page=` number on its own: 1 when missing or nonsense. */
export const pageNumber = (value: unknown) => urlPage.parse(value) ?? 1;

/** A string field that must be a UUID, with the message a user sees otherwise. */
export const uuidSchema = (message = "must be a UUID") => z.string().regex(UUID_PATTERN, message);
