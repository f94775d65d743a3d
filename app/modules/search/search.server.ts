// Searching the library as a given user: input parsing with clear 400s, the audience scope built
// from the SessionUser (never from the request), safe snippets, facet labels, and the query log.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { items, searchQueries, tags } from "@/db/schema";
import { FACETS, ITEM_TYPES, type Facet, type ItemType, TYPE_LABEL } from "@/vocabulary/library";
import { MAX_QUERY_CHARS, normaliseQuery, snippetHtml, tokenize } from "@/search/query";
import { MAX_RESULT_WINDOW, SEARCH_FACETS, type SearchFacet } from "@/search/types";
import type { SearchService } from "@/search/service";
import { audienceTeams, visibleItemsWhere } from "~/modules/library/audience.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { uuidSchema } from "~/modules/validation.server";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;
/** Tag values are admin-made slugs; anything else cannot be a tag and is refused rather than guessed. */
const TAG_VALUE = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export type SearchInput = {
  q: string;
  types: ItemType[];
  tags: { facet: Facet; value: string }[];
  page: number;
  limit: number;
};

/** Parses `q, type*, tag*, page, limit` (query string or form), answering bad input with a 400 that says why. */
export function parseSearchParams(params: URLSearchParams): SearchInput {
  const raw = params.get("q") ?? "";
  if (raw.length > MAX_QUERY_CHARS) {
    throw new AppError("bad_request", `Search for at most ${MAX_QUERY_CHARS} characters.`);
  }
  const types = params.getAll("type").filter((t) => t !== "");
  for (const t of types) {
    if (!(ITEM_TYPES as readonly string[]).includes(t)) {
      throw new AppError("bad_request", `Unknown type "${t.slice(0, 40)}". Use one of: ${ITEM_TYPES.join(", ")}.`);
    }
  }
  const tagFilters = params
    .getAll("tag")
    .filter((t) => t !== "")
    .map((t) => {
      const i = t.indexOf(":");
      const facet = t.slice(0, i);
      const value = t.slice(i + 1);
      if (i < 1 || !(FACETS as readonly string[]).includes(facet)) {
        throw new AppError(
          "bad_request",
          `Unknown filter "${t.slice(0, 40)}". Tags look like facet:value, facet one of ${FACETS.join(", ")}.`,
        );
      }
      if (!TAG_VALUE.test(value)) throw new AppError("bad_request", `"${t.slice(0, 40)}" is not a tag value.`);
      return { facet: facet as Facet, value: value.toLowerCase() };
    });
  const int = (name: string, fallback: number, min: number, max: number) => {
    const value = params.get(name);
    if (value === null || value === "") return fallback;
    const parsed = z.coerce.number().int().min(min).max(max).safeParse(value);
    if (!parsed.success) throw new AppError("bad_request", `${name} must be a whole number from ${min} to ${max}.`);
    return parsed.data;
  };
  const limit = int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  const page = int("page", 1, 1, lastPage(limit));
  return { q: normaliseQuery(raw), types: [...new Set(types)] as ItemType[], tags: dedupeTags(tagFilters), page, limit };
}

/** The deepest page the engines can answer (they rank no further than the result window). */
function lastPage(limit: number): number {
  return Math.ceil(MAX_RESULT_WINDOW / limit);
}

/**
 * The page a "More results" link may open, if any: only under a full page, with more matches beyond
 * it, and never past the last page parseSearchParams accepts (a link there answered 400).
 */
export function nextPage(result: Pick<SearchResultView, "hits" | "total" | "page" | "limit">): number | null {
  const more = result.hits.length === result.limit && result.total > result.page * result.limit;
  return more && result.page < lastPage(result.limit) ? result.page + 1 : null;
}

const dedupeTags = (list: SearchInput["tags"]) =>
  list.filter((t, i) => list.findIndex((o) => o.facet === t.facet && o.value === t.value) === i);

export type SearchHitView = { id: string; title: string; type: ItemType; snippet: string; page?: number };
export type FacetView = Record<SearchFacet, { value: string; label: string; count: number }[]>;
export type SearchResultView = {
  q: string;
  hits: SearchHitView[];
  facets: FacetView;
  total: number;
  totalExact: boolean;
  tookMs: number;
  engine: "postgres" | "meilisearch";
  page: number;
  limit: number;
  /** Query-log id, for click recording; absent for a query without words. */
  queryId?: string;
};

function requireService(ctx: AppContext): SearchService {
  const service = ctx.services.search;
  if (!service) throw new AppError("unavailable", "Search is starting up. Try again in a moment.");
  return service;
}

/**
 * Titles only, for a picker (adding an item to a share): the same engine, scope and limits as a search,
 * but not logged: the seller is choosing among items they know, and marketing's "searches that found
 * nothing" would count each letter typed into it.
 */
export async function pickItems(ctx: AppContext, user: SessionUser, q: string, limit: number) {
  const input = parseSearchParams(new URLSearchParams({ q }));
  const result = await requireService(ctx).search({
    q: input.q,
    types: [],
    tags: [],
    offset: 0,
    limit,
    scope: { teams: audienceTeams(user), now: new Date() },
  });
  return result.hits.map((h) => ({ id: h.id, title: h.title, type: h.type }));
}

/**
 * Searches published items in the user's audience — for every role, per the contract: /search is
 * the seller's view of the library. Logs the query for the content-gap report.
 */
export async function searchItems(ctx: AppContext, user: SessionUser, input: SearchInput): Promise<SearchResultView> {
  const service = requireService(ctx);
  const result = await service.search({
    q: input.q,
    types: input.types,
    tags: input.tags,
    offset: (input.page - 1) * input.limit,
    limit: input.limit,
    scope: { teams: audienceTeams(user), now: new Date() },
  });
  const labels = await tagLabels(ctx);
  const facets = Object.fromEntries(
    SEARCH_FACETS.map((facet) => [
      facet,
      Object.entries(result.facets[facet] ?? {})
        .map(([value, count]) => ({
          value,
          label: facet === "type" ? (TYPE_LABEL[value] ?? value) : (labels.get(`${facet}:${value}`) ?? value),
          count,
        }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    ]),
  ) as FacetView;
  // Only a query with words is a search worth reporting: punctuation alone ("!!!") looked for nothing.
  const queryId = tokenize(input.q).length > 0 ? await logQuery(ctx, user, input.q, result.total) : undefined;
  return {
    q: input.q,
    hits: result.hits.map((h) => ({
      id: h.id,
      title: h.title,
      type: h.type,
      snippet: snippetHtml(h.snippet),
      ...(h.page !== undefined ? { page: h.page } : {}),
    })),
    facets,
    total: result.total,
    totalExact: result.totalExact,
    tookMs: result.tookMs,
    engine: result.engine,
    page: input.page,
    limit: input.limit,
    queryId,
  };
}

let labelCache: { at: number; labels: Map<string, string> } | undefined;
async function tagLabels(ctx: AppContext): Promise<Map<string, string>> {
  if (labelCache && Date.now() - labelCache.at < 30_000) return labelCache.labels;
  const rows = await ctx.db.select({ facet: tags.facet, value: tags.value, label: tags.label }).from(tags);
  labelCache = { at: Date.now(), labels: new Map(rows.map((r) => [`${r.facet}:${r.value}`, r.label])) };
  return labelCache.labels;
}

/** Typing "p", "pr", "pri"… is one search: refine the latest row while it is a prefix chain and unclicked. */
const REFINE_WINDOW_MS = 30_000;
/**
 * The same words again soon after are the same search, clicked or not: coming back from a hit, the next
 * page, a filter chip. NOTE: each used to add a row, so every search that found something also counted
 * as one "nobody opened", and the gaps report grew with paging.
 */
const SAME_SEARCH_WINDOW_MS = 10 * 60_000;

async function logQuery(ctx: AppContext, user: SessionUser, queryNorm: string, resultCount: number): Promise<string> {
  const recent = await ctx.db
    .select({ id: searchQueries.id, queryNorm: searchQueries.queryNorm, clickedItemId: searchQueries.clickedItemId, at: searchQueries.at })
    .from(searchQueries)
    .where(and(eq(searchQueries.userId, user.id), gt(searchQueries.at, new Date(Date.now() - SAME_SEARCH_WINDOW_MS))))
    .orderBy(desc(searchQueries.at))
    .limit(20);
  const same = recent.find((r) => r.queryNorm === queryNorm);
  if (same) return same.id;
  const latest = recent[0];
  if (
    latest &&
    latest.clickedItemId === null &&
    latest.at.getTime() > Date.now() - REFINE_WINDOW_MS &&
    (queryNorm.startsWith(latest.queryNorm) || latest.queryNorm.startsWith(queryNorm))
  ) {
    await ctx.db.update(searchQueries).set({ queryNorm, resultCount, at: new Date() }).where(eq(searchQueries.id, latest.id));
    return latest.id;
  }
  const [row] = await ctx.db
    .insert(searchQueries)
    .values({ userId: user.id, teamId: user.teamId, queryNorm, resultCount })
    .returning({ id: searchQueries.id });
  return row.id;
}

export const ClickInput = z.object({
  qid: uuidSchema("qid must be a query id."),
  item: uuidSchema("item must be an item id."),
  pos: z.coerce.number().int().min(1).max(MAX_RESULT_WINDOW),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});
export type ClickInput = z.infer<typeof ClickInput>;

/** Records which result was opened (only on the user's own query), and says where to go. */
export async function recordClick(ctx: AppContext, user: SessionUser, input: ClickInput): Promise<string> {
  await ctx.db
    .update(searchQueries)
    .set({ clickedItemId: input.item, clickedPosition: input.pos })
    .where(
      and(
        eq(searchQueries.id, input.qid),
        eq(searchQueries.userId, user.id),
        // Only an item the user may see: a click on any other id must leave no trace in insights (decision 019).
        sql`exists (select 1 from ${items} where ${items.id} = ${input.item} and ${visibleItemsWhere(user)})`,
      ),
    );
  return `/items/${input.item}${input.page ? `?page=${input.page}` : ""}`;
}
