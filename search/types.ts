// The one search interface every engine implements, and the shapes that cross it.
import { FACETS, ITEM_TYPES, type Facet, type ItemType } from "@/vocabulary/library";

export type EngineName = "postgres" | "meilisearch";

/** Filter chips: the item type plus every tag facet. */
export const SEARCH_FACETS = ["type", ...FACETS] as const;
export type SearchFacet = (typeof SEARCH_FACETS)[number];
export { FACETS, ITEM_TYPES, type Facet, type ItemType };

/**
 * What an engine stores for one published item. Built from library rows by search/documents.ts,
 * which copies only what a seller may read (no owner, no review notes, no drafts).
 */
export type SearchDocument = {
  id: string;
  type: ItemType;
  title: string;
  summary: string;
  /** "facet:value", e.g. "product:atlas". */
  tags: string[];
  /** Human labels of the tags, searchable ("Financial services"). */
  tagLabels: string[];
  /** Team ids; empty means everyone. */
  audience: string[];
  /** Epoch ms, or null for never. */
  expiresAt: number | null;
  /** Epoch ms. */
  publishedAt: number;
  /** Fair usefulness score in [0, 1]; 0 when nobody rated yet. */
  usefulness: number;
  /** Extracted text of the newest version, bounded. */
  body: string;
  /** Per-page text of the newest version (documents, decks); empty for messaging. */
  pages: { page: number; text: string }[];
};

/** Who is searching, reduced to what the audience rule needs. Built from a SessionUser only. */
export type SearchScope = { teams: string[]; now: Date };

export type SearchRequest = {
  /** Normalised query (search/query.ts); "" browses by usefulness and freshness. */
  q: string;
  types: ItemType[];
  /** Within one facet any value matches; across facets all must. */
  tags: { facet: Facet; value: string }[];
  offset: number;
  limit: number;
  scope: SearchScope;
};

export type EngineHit = {
  id: string;
  type: ItemType;
  title: string;
  /** Plain text with HL_START/HL_END around matches; turned into safe HTML by the service. */
  snippet: string;
  page?: number;
};

export type FacetCounts = Record<SearchFacet, Record<string, number>>;

export type EngineResult = {
  hits: EngineHit[];
  total: number;
  /** False when the engine stopped counting at its cap (facets then describe the first matches). */
  totalExact: boolean;
  facets: FacetCounts;
};

export interface SearchIndex {
  readonly engine: EngineName;
  /** Adds or replaces documents. */
  index(docs: SearchDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  search(request: SearchRequest): Promise<EngineResult>;
  /** Groups of equivalent terms; replaces the whole set. */
  applySynonyms(groups: string[][]): Promise<void>;
  /** Applies index settings idempotently (creates what is missing). */
  setup(): Promise<void>;
  /** Builds a complete new index from `batches` and swaps it in; searches keep working meanwhile. */
  rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ documents: number }>;
  count(): Promise<number>;
  /** Throws when the engine cannot answer. */
  ping(): Promise<void>;
}

/** Highlight markers: private-use characters that never occur in real text, escaped to <mark> at the edge. */
export const HL_START = "\uE000";
export const HL_END = "\uE001";

/** The furthest a result list can be paged (both engines cap ranking work here). */
export const MAX_RESULT_WINDOW = 1000;

export const emptyFacets = (): FacetCounts => Object.fromEntries(SEARCH_FACETS.map((f) => [f, {}])) as FacetCounts;

/** The answer to a query that has no word to look for (see `isBrowse`): an engine must not list the library for it. */
export const noMatches = (): EngineResult => ({ hits: [], total: 0, totalExact: true, facets: emptyFacets() });
