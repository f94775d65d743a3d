// The Meilisearch engine: official client, settings from search/settings.ts, two indexes (items, and
// pages for "found on page N"), audience enforced by filters on both. Every write awaits its task,
// so the outbox row is only deleted once Meilisearch has really applied it.
import http from "node:http";
import https from "node:https";
import { Meilisearch, MeilisearchApiError, type Index, type Settings, type Task } from "meilisearch";
import { joined, meiliQuery, spread } from "./meili-text";
import { isBrowse, meiliFilter, tokenize } from "./query";
import { ITEMS_SETTINGS, NEVER, PAGES_SETTINGS, DEFAULT_INDEX, meiliSynonyms, pagesIndexName, searchSeparators } from "./settings";
import {
  HL_END,
  HL_START,
  MAX_RESULT_WINDOW,
  emptyFacets,
  noMatches,
  type EngineHit,
  type EngineResult,
  type SearchDocument,
  type SearchIndex,
  type SearchRequest,
} from "./types";

export type MeiliConfig = {
  host: string;
  key?: string;
  /** Items index name; the pages index is `<name>_pages`. Tests use a unique one per file. */
  index?: string;
  /** Per-request timeout, so a hung server falls back to Postgres quickly. */
  timeoutMs?: number;
  /** Largest document upload sent in one request; below the server's `--http-payload-size-limit`. */
  maxPayloadBytes?: number;
};

type ItemDoc = {
  id: string;
  type: string;
  title: string;
  summary: string;
  body: string;
  tags: string[];
  tagLabels: string[];
  audience: string[];
  status: "published";
  expiresAt: number;
  publishedAt: number;
  usefulness: number;
  /** Only hits with pages need the second (pages) query. */
  hasPages: boolean;
};
type PageDoc = { id: string; itemId: string; page: number; text: string; audience: string[]; status: "published"; expiresAt: number };

/** How long a write may take to be applied before the sync reports it failed (and retries later). */
const TASK_TIMEOUT_MS = 120_000;
/**
 * A fifth of Meilisearch's default payload limit (100 MB). NOTE: one outbox batch of 200 items with
 * long page text went over that limit; Meilisearch refused the batch every time and every change
 * queued behind it waited forever.
 */
const MAX_PAYLOAD_BYTES = 20_000_000;

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * The client's transport: node:http with keep-alive instead of the global fetch. NOTE: measured on
 * this stack, every request through Node's fetch (undici) to Meilisearch took ~45 ms more than the
 * search itself (curl and node:http: ~2 ms for the same request), which made the round trip, not
 * the engine, the whole search latency. Same contract as the client's fetch path: parsed JSON on
 * 2xx, MeilisearchApiError with the server's error body otherwise, and the abort reason on timeout
 * (so the client still reports MeilisearchRequestTimeOutError).
 */
export function nodeHttpClient(input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (init.body != null && typeof init.body !== "string") {
      reject(new TypeError("Meilisearch request body must be a string"));
      return;
    }
    const body = init.body ?? undefined;
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers).entries());
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const secure = url.protocol === "https:";
    const req = (secure ? https : http).request(
      url,
      { method: init.method ?? "GET", headers, agent: secure ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch (error) {
            reject(error);
            return;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(parsed);
          else reject(new MeilisearchApiError(new Response(null, { status, statusText: res.statusMessage ?? "" }), parsed as never));
        });
      },
    );
    const onAbort = () => {
      req.destroy();
      reject(signal!.reason);
    };
    // Whatever ends the request also drops its listener: the signal may outlive it.
    const fail = (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.end(body);
  });
}

/** The Meilisearch error code of a failed call ("index_not_found"), however the client wrapped it. */
function meiliCode(error: unknown): string | undefined {
  const e = error as { cause?: { code?: string; cause?: { code?: string } } } | undefined;
  return e?.cause?.code ?? e?.cause?.cause?.code;
}

export function toMeiliDocs(docs: SearchDocument[]): { items: ItemDoc[]; pages: PageDoc[] } {
  const items = docs.map((d): ItemDoc => ({
    id: d.id,
    type: d.type,
    title: spread(d.title),
    summary: spread(d.summary),
    body: spread(d.body),
    tags: d.tags,
    tagLabels: d.tagLabels.map(spread),
    audience: d.audience,
    status: "published",
    expiresAt: d.expiresAt ?? NEVER,
    publishedAt: d.publishedAt,
    usefulness: d.usefulness,
    hasPages: d.pages.length > 0,
  }));
  const pages = docs.flatMap((d) =>
    d.pages.map((p): PageDoc => ({
      id: `${d.id}_${p.page}`,
      itemId: d.id,
      page: p.page,
      text: spread(p.text),
      audience: d.audience,
      status: "published",
      expiresAt: d.expiresAt ?? NEVER,
    })),
  );
  return { items, pages };
}

/** Documents as JSON arrays of at most `maxBytes` each (a single larger document goes alone). */
export function jsonRuns(docs: object[], maxBytes: number): string[] {
  const runs: string[] = [];
  let run: string[] = [];
  let bytes = 2;
  for (const doc of docs) {
    const json = JSON.stringify(doc);
    const size = Buffer.byteLength(json) + 1;
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(`[${run.join(",")}]`);
      run = [];
      bytes = 2;
    }
    run.push(json);
    bytes += size;
  }
  if (run.length > 0) runs.push(`[${run.join(",")}]`);
  return runs;
}

export function createMeiliIndex(config: MeiliConfig): SearchIndex & { client: Meilisearch; indexName: string } {
  const client = new Meilisearch({ host: config.host, apiKey: config.key, timeout: config.timeoutMs ?? 2_000, httpClient: nodeHttpClient });
  const name = config.index ?? DEFAULT_INDEX;
  const items = () => client.index<ItemDoc>(name);
  const pages = () => client.index<PageDoc>(pagesIndexName(name));
  let synonyms: Record<string, string[]> = {};

  const waitFor = (enqueued: Promise<{ taskUid: number }>) => waitForTask(client, enqueued);

  async function ensureIndex(uid: string, settings: Settings) {
    const exists = await client.getIndex(uid).then(
      () => true,
      (error: unknown) => {
        if (meiliCode(error) === "index_not_found") return false;
        throw error;
      },
    );
    if (!exists) await waitFor(client.createIndex(uid, { primaryKey: "id" }));
    await checked(client.index(uid).updateSettings(settings));
  }

  const itemSettings = (): Settings => ({ ...ITEMS_SETTINGS, separatorTokens: searchSeparators(), synonyms });
  const pageSettings = (): Settings => ({ ...PAGES_SETTINGS, separatorTokens: searchSeparators(), synonyms });

  async function checked(task: Promise<{ taskUid: number }>) {
    const done = await waitFor(task);
    if (done.status !== "succeeded") throw new Error(`Meilisearch task ${done.uid} ${done.status}: ${done.error?.message ?? ""}`);
  }

  async function upload(uid: string, docs: object[]) {
    for (const json of jsonRuns(docs, config.maxPayloadBytes ?? MAX_PAYLOAD_BYTES)) {
      await checked(client.index(uid).addDocumentsFromString(json, "application/json", { primaryKey: "id" }));
    }
  }

  async function addTo(itemsUid: string, docs: SearchDocument[]) {
    const mapped = toMeiliDocs(docs);
    await upload(itemsUid, mapped.items);
    // Pages of re-indexed items are replaced as a whole: a new version may have fewer pages.
    await checked(client.index(pagesIndexName(itemsUid)).deleteDocuments({ filter: itemIdFilter(docs.map((d) => d.id)) }));
    await upload(pagesIndexName(itemsUid), mapped.pages);
  }

  return {
    engine: "meilisearch",
    client,
    indexName: name,

    async index(docs) {
      if (docs.length) await addTo(name, docs);
    },

    async remove(ids) {
      if (ids.length === 0) return;
      await checked(items().deleteDocuments(ids));
      await checked(pages().deleteDocuments({ filter: itemIdFilter(ids) }));
    },

    search: (request: SearchRequest) => searchIndexes(items(), pages(), request),

    async applySynonyms(groups) {
      synonyms = meiliSynonyms(groups);
      await checked(items().updateSynonyms(synonyms));
      await checked(pages().updateSynonyms(synonyms));
    },

    async setup() {
      await ensureIndex(name, itemSettings());
      await ensureIndex(pagesIndexName(name), pageSettings());
    },

    async rebuild(batches) {
      // Build a complete copy under a temporary name, then swap it in atomically and drop the old one.
      const temp = `${name}_build_${Date.now().toString(36)}`;
      await this.setup();
      await ensureIndex(temp, itemSettings());
      await ensureIndex(pagesIndexName(temp), pageSettings());
      let documents = 0;
      try {
        for await (const docs of batches) {
          await addTo(temp, docs);
          documents += docs.length;
        }
        await checked(
          client.swapIndexes([
            { indexes: [name, temp], rename: false },
            { indexes: [pagesIndexName(name), pagesIndexName(temp)], rename: false },
          ]),
        );
      } finally {
        await client.deleteIndexIfExists(temp);
        await client.deleteIndexIfExists(pagesIndexName(temp));
      }
      return { documents };
    },

    async count() {
      const stats = await items().getStats();
      return stats.numberOfDocuments;
    },

    async ping() {
      await client.health();
    },
  };
}

/**
 * Waits until Meilisearch has processed a task: polls, quickly at first (most writes here take a
 * few ms), then every 100 ms. NOTE: not the client's `waitTask`: meilisearch-js 0.62 passes one
 * AbortSignal to every poll and leaves an "abort" listener on it per poll that is never removed, so
 * any task taking more than ~10 polls printed MaxListenersExceededWarning (and kept every listener
 * until the wait ended; meilisearch-js#1930). Each poll here is a request of its own, bounded by the
 * client's per-request timeout, and nothing outlives it.
 */
async function waitForTask(client: Meilisearch, enqueued: Promise<{ taskUid: number }>): Promise<Task> {
  const { taskUid } = await enqueued;
  const deadline = Date.now() + TASK_TIMEOUT_MS;
  for (let delay = 2; ; delay = Math.min(100, delay * 2)) {
    const task = await client.tasks.getTask(taskUid);
    if (task.status !== "enqueued" && task.status !== "processing") return task;
    if (Date.now() > deadline) throw new Error(`Meilisearch task ${taskUid} still ${task.status} after ${TASK_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * Items matching the query within the request's filters, then, for hits with pages, the best page
 * of each from the pages index under the same audience rule, whose snippet wins over the item's.
 */
async function searchIndexes(items: Index<ItemDoc>, pages: Index<PageDoc>, request: SearchRequest): Promise<EngineResult> {
  const q = meiliQuery(request.q);
  const words = tokenize(request.q);
  if (!q && !isBrowse(request.q)) return noMatches();
  const filter = meiliFilter(request);
  const offset = Math.min(request.offset, MAX_RESULT_WINDOW);
  const res = await items.search(q, {
    filter,
    facets: ["type", "tags"],
    offset,
    limit: Math.min(request.limit, MAX_RESULT_WINDOW - offset),
    // Every word must match, as on Postgres: the default ("last") drops words from the end until
    // something matches, so "atlas spaceship" listed Atlas items here and nothing there, and the
    // content-gap report (queries with no results) depended on the engine.
    matchingStrategy: "all",
    attributesToRetrieve: ["id", "type", "title", "hasPages"],
    attributesToCrop: ["summary", "body"],
    cropLength: 26,
    cropMarker: "…",
    attributesToHighlight: ["summary", "body"],
    highlightPreTag: HL_START,
    highlightPostTag: HL_END,
  });
  const facets = emptyFacets();
  for (const [value, n] of Object.entries(res.facetDistribution?.type ?? {})) facets.type[value] = n;
  for (const [tag, n] of Object.entries(res.facetDistribution?.tags ?? {})) {
    const i = tag.indexOf(":");
    const facet = tag.slice(0, i) as keyof typeof facets;
    if (facets[facet] && facet !== "type") facets[facet][tag.slice(i + 1)] = n;
  }
  const ids = res.hits.filter((h) => h.hasPages).map((h) => h.id);
  const pageHits =
    q && ids.length
      ? (
          await pages.search(q, {
            filter: [...meiliFilter({ ...request, types: [], tags: [] }), itemIdFilter(ids)],
            limit: ids.length,
            // As on Postgres, a page is "where it was found" only when it holds every word.
            matchingStrategy: "all",
            attributesToRetrieve: ["itemId", "page"],
            attributesToCrop: ["text"],
            cropLength: 26,
            cropMarker: "…",
            attributesToHighlight: ["text"],
            highlightPreTag: HL_START,
            highlightPostTag: HL_END,
          })
        ).hits
      : [];
  const hits = res.hits.map((h): EngineHit => {
    const page = pageHits.find((p) => p.itemId === h.id && p._formatted?.text?.includes(HL_START));
    const title = joined(h.title, words);
    if (page)
      return { id: h.id, type: h.type as EngineHit["type"], title, snippet: joined(page._formatted!.text!, words), page: page.page };
    const body = h._formatted?.body ?? "";
    const summary = h._formatted?.summary ?? "";
    const snippet = body.includes(HL_START) && !summary.includes(HL_START) ? body : summary || body;
    return { id: h.id, type: h.type as EngineHit["type"], title, snippet: joined(snippet, words) };
  });
  const total = res.estimatedTotalHits ?? hits.length;
  return { hits, total, totalExact: total < MAX_RESULT_WINDOW, facets };
}

function itemIdFilter(ids: string[]): string {
  return `itemId IN [${ids.map((id) => JSON.stringify(id)).join(", ")}]`;
}
