// The Postgres full-text engine (default; PGlite and PostgreSQL alike).
//
// Scale design (docs/decisions/search-postgres-engine.md): ranking every match with ts_rank is what
// makes naive FTS slow on common words, so every step does bounded work. A sample of at most
// SAMPLE+1 matches decides: a rarer query is complete (exact count and facets, rank them all); a
// common one gets a planner-estimated count, facets scaled from the sample, and ranking over the
// best title and body matches by static score (usefulness, freshness). Typo correction runs only
// when nothing matched, against a small lexicon of words, never against documents.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { expandSynonyms, lexiconWords, toTsquery, tokenize, type QueryNode } from "./query";
import {
  HL_END,
  HL_START,
  MAX_RESULT_WINDOW,
  SEARCH_FACETS,
  emptyFacets,
  type EngineHit,
  type EngineResult,
  type FacetCounts,
  type SearchDocument,
  type SearchIndex,
  type SearchRequest,
} from "./types";
import { rowsOf } from "../db/client";

/** Each candidate branch (title, body) contributes at most this many items to ranking. */
const CANDIDATES = 100;
/** Matches read before a term counts as common (then: estimated count, sampled facets, static-order candidates). */
const SAMPLE = 300;
const SYNONYM_TTL_MS = 10_000;
const ROWS_TTL_MS = 60_000;
const HEADLINE = `StartSel="${HL_START}", StopSel="${HL_END}", MaxWords=26, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;


const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
const uuidSet = (ids: string[]) => sql`(select (jsonb_array_elements_text(${json(ids)}))::uuid)`;

export function createPostgresIndex(db: Db): SearchIndex & { invalidateSynonyms(): void } {
  let synonyms: { groups: string[][]; at: number } | undefined;

  async function synonymGroups(): Promise<string[][]> {
    if (synonyms && Date.now() - synonyms.at < SYNONYM_TTL_MS) return synonyms.groups;
    const rows = rowsOf<{ terms: string[] }>(await db.execute(sql`select terms from search_synonyms`));
    synonyms = { groups: rows.map((r) => r.terms), at: Date.now() };
    return synonyms.groups;
  }

  /** The audience rule and the chips, on search_documents `d`. */
  function filters(request: SearchRequest): SQL {
    const { teams, now } = request.scope;
    // NOTE: `audience = '{}'` rather than `cardinality(audience) = 0` (same rows, audience is not null):
    // the planner estimates a column comparison from its statistics (most items are for everyone),
    // but guesses 0.5% for the function, then plans a full scan and sort instead of walking the
    // static-order index for common terms.
    const parts: SQL[] = [
      sql`(d.expires_at is null or d.expires_at > ${now.toISOString()}::timestamptz)`,
      teams.length
        ? sql`(d.audience = '{}'::uuid[] or d.audience && array[${sql.join(teams.map((t) => sql`${t}::uuid`), sql`, `)}])`
        : sql`d.audience = '{}'::uuid[]`,
    ];
    if (request.types.length) parts.push(sql`d.type in (${sql.join(request.types.map((t) => sql`${t}`), sql`, `)})`);
    const byFacet = new Map<string, string[]>();
    for (const t of request.tags) byFacet.set(t.facet, [...(byFacet.get(t.facet) ?? []), `${t.facet}:${t.value}`]);
    for (const values of byFacet.values()) {
      parts.push(sql`d.tags && array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`);
    }
    return sql.join(parts, sql` and `);
  }

  /**
   * Up to SAMPLE+1 matches: bounded work whatever the term. When the sample is not full it is the
   * complete match set (exact count and facets, and the only rows ranking needs to see). It is the
   * best matches by static score, so for a common term it is also the body candidates.
   *
   * `walk`: read the (usefulness, published_at) index in order and stop after SAMPLE+1 matches, which
   * is cheap only when a good share of rows match. Otherwise the GIN index finds every match and they
   * are sorted. NOTE: we choose, not the planner: it does not count detoasting `tsv` (~2 KB, out of
   * line) for each row an ordered walk tests, so it walks for terms matching a few percent of rows and
   * reads thousands of rows; `+ 0` makes the order unusable for the index when walking is wrong.
   */
  async function sample(match: SQL, request: SearchRequest, walk: boolean) {
    const order = walk
      ? sql`d.usefulness desc, d.published_at desc`
      : sql`d.usefulness + 0 desc, d.published_at + interval '0 s' desc`;
    return rowsOf<{ id: string; type: string; tags: string[] }>(
      await db.execute(sql`
        select d.item_id as id, d.type, d.tags from search_documents d
        where ${match} and ${filters(request)}
        order by ${order} limit ${SAMPLE + 1}`),
    );
  }

  let tableRows: { n: number; at: number } | undefined;
  /** The planner's row count of search_documents (from the last ANALYZE), cached briefly. */
  async function documentRows(): Promise<number> {
    if (tableRows && Date.now() - tableRows.at < ROWS_TTL_MS) return tableRows.n;
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`select reltuples::float8 as n from pg_class where oid = 'search_documents'::regclass`),
    );
    tableRows = { n: Number(row?.n ?? 0), at: Date.now() };
    return tableRows.n;
  }

  /**
   * Whether an ordered walk is cheaper than visiting every match. A walk tests about SAMPLE/share rows
   * (each detoasting a vector), the GIN path visits about one heap page per match: comparable per row,
   * so walk when SAMPLE × rows / estimated ≤ estimated, i.e. from ~5% of 100k or ~1.7% of 1M rows.
   */
  const walkable = async (estimated: number) =>
    estimated > SAMPLE && estimated * estimated >= (SAMPLE + 1) * (await documentRows());

  /** The planner's estimate of all matches, for terms too common to count (an EXPLAIN, no execution). */
  async function estimate(match: SQL, request: SearchRequest): Promise<number> {
    const [row] = rowsOf<Record<string, unknown>>(
      await db.execute(sql`explain (format json) select 1 from search_documents d where ${match} and ${filters(request)}`),
    );
    const value = Object.values(row)[0];
    const plan = (typeof value === "string" ? JSON.parse(value) : value) as { Plan: { "Plan Rows": number } }[];
    return Math.round(plan[0]?.Plan?.["Plan Rows"] ?? 0);
  }

  /** Exact facets from a complete match set; from a sample they are scaled to the estimated total. */
  async function countAndFacets(rows: { type: string; tags: string[] }[], estimated: () => Promise<number>) {
    const facets: FacetCounts = emptyFacets();
    const complete = rows.length <= SAMPLE;
    const total = complete ? rows.length : Math.min(MAX_RESULT_WINDOW, Math.max(rows.length, await estimated()));
    const scale = complete ? 1 : total / rows.length;
    for (const r of rows) {
      facets.type[r.type] = (facets.type[r.type] ?? 0) + 1;
      for (const tag of r.tags) {
        const i = tag.indexOf(":");
        const facet = tag.slice(0, i) as (typeof SEARCH_FACETS)[number];
        if (facets[facet] && facet !== "type") facets[facet][tag.slice(i + 1)] = (facets[facet][tag.slice(i + 1)] ?? 0) + 1;
      }
    }
    if (!complete) {
      for (const counts of Object.values(facets)) for (const k of Object.keys(counts)) counts[k] = Math.max(1, Math.round(counts[k] * scale));
    }
    return { total, totalExact: complete, facets };
  }

  async function browse(request: SearchRequest): Promise<EngineResult> {
    const rows = await sample(sql`true`, request, true);
    const hits = rowsOf<EngineHit>(
      await db.execute(sql`
        select d.item_id as id, d.type, d.title, left(d.summary, 240) as snippet from search_documents d
        where ${filters(request)}
        order by d.usefulness desc, d.published_at desc, d.item_id
        limit ${request.limit} offset ${request.offset}`),
    );
    return { hits, ...(await countAndFacets(rows, () => estimate(sql`true`, request))) };
  }

  /**
   * Candidates for a term too common to rank every match: the best title matches and the best body
   * matches by static score. NOTE: the tsquery must be written inline (not taken from a CTE) so the
   * planner sees the term and its frequency: then it walks the (usefulness, published_at) index and
   * stops after k hits for common terms, and uses the GIN index for rarer ones.
   */
  async function commonCandidates(tsquery: string, request: SearchRequest, k: number, sampled: { id: string }[]): Promise<string[]> {
    const f = filters(request);
    const title = sql`(select d.item_id as id from search_documents d where d.title_tsv @@ to_tsquery('english', ${tsquery}) and ${f}
          order by d.usefulness desc, d.published_at desc limit ${k})`;
    // The sample already holds the best body matches by static score when it is at least k long.
    if (sampled.length >= k) {
      const rows = rowsOf<{ id: string }>(await db.execute(title));
      return [...new Set([...rows.map((r) => r.id), ...sampled.slice(0, k).map((r) => r.id)])];
    }
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        ${title}
        union
        (select d.item_id as id from search_documents d where d.tsv @@ to_tsquery('english', ${tsquery}) and ${f}
          order by d.usefulness desc, d.published_at desc limit ${k})`),
    );
    return rows.map((r) => r.id);
  }

  async function ranked(tsquery: string, request: SearchRequest): Promise<EngineResult> {
    const match = sql`d.tsv @@ to_tsquery('english', ${tsquery})`;
    const estimated = await estimate(match, request);
    const rows = await sample(match, request, await walkable(estimated));
    const counted = await countAndFacets(rows, async () => estimated);
    if (rows.length === 0 || request.offset >= counted.total) return { hits: [], ...counted };
    const candidates = counted.totalExact
      ? rows.map((r) => r.id)
      : await commonCandidates(tsquery, request, Math.max(CANDIDATES, request.offset + request.limit), rows);
    const top = rowsOf<{ id: string; type: EngineHit["type"]; title: string }>(
      await db.execute(sql`
        with q as (select to_tsquery('english', ${tsquery}) as q)
        select d.item_id as id, d.type, d.title
        from search_documents d, q where d.item_id in ${uuidSet(candidates)}
        order by (d.title_tsv @@ q.q) desc,
          round(ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, q.q)::numeric, 2) desc,
          d.usefulness desc, d.published_at desc, d.item_id
        limit ${request.limit} offset ${request.offset}`),
    );
    if (top.length === 0) return { hits: [], ...counted };
    const ids = top.map((r) => r.id);
    const [snippets, pages] = await Promise.all([
      db.execute(sql`
        with q as (select to_tsquery('english', ${tsquery}) as q)
        select d.item_id as id, ts_headline('english', d.summary || E'\n' || left(d.body, 4000), q.q, ${HEADLINE}) as snippet
        from search_documents d, q where d.item_id in ${uuidSet(ids)}`),
      db.execute(sql`
        with q as (select to_tsquery('english', ${tsquery}) as q),
        best as (
          select distinct on (p.item_id) p.item_id, p.page, p.text from search_pages p, q
          where p.item_id in ${uuidSet(ids)} and p.tsv @@ q.q
          order by p.item_id, ts_rank(p.tsv, q.q) desc, p.page
        )
        select b.item_id as id, b.page, ts_headline('english', b.text, q.q, ${HEADLINE}) as snippet from best b, q`),
    ]);
    const snippetRows = rowsOf<{ id: string; snippet: string }>(snippets);
    const pageRows = rowsOf<{ id: string; page: number; snippet: string }>(pages);
    const hits = top.map((r): EngineHit => {
      const page = pageRows.find((p) => p.id === r.id);
      // A document hit says where: the page's own snippet wins over the summary's.
      if (page) return { ...r, snippet: page.snippet, page: Number(page.page) };
      return { ...r, snippet: snippetRows.find((s) => s.id === r.id)?.snippet ?? "" };
    });
    return { hits, ...counted };
  }

  /** Close spellings from the lexicon for words that may be typos ("prcing" → "pricing"). */
  async function corrections(words: string[]): Promise<Map<string, string[]>> {
    const candidates = [...new Set(words.filter((w) => w.length >= 4 && /^\p{L}+$/u.test(w)))];
    const out = new Map<string, string[]>();
    if (candidates.length === 0) return out;
    const rows = rowsOf<{ word: string; term: string }>(
      await db.execute(sql`
        select w.w as word, t.term from jsonb_array_elements_text(${json(candidates)}) w(w)
        cross join lateral (
          select term from search_terms where term % w.w and term <> w.w
          order by similarity(term, w.w) desc, term limit 3
        ) t`),
    );
    for (const r of rows) out.set(r.word, [...(out.get(r.word) ?? []), r.term]);
    return out;
  }

  const withCorrections = (nodes: QueryNode[], fixes: Map<string, string[]>): QueryNode[] =>
    nodes.map((alts) => {
      const extra = alts.flatMap((seq) => (seq.length === 1 ? (fixes.get(seq[0]) ?? []).map((t) => [t]) : []));
      return [...alts, ...extra];
    });

  return {
    engine: "postgres",

    async index(docs) {
      if (docs.length === 0) return;
      const ids = docs.map((d) => d.id);
      const payload = docs.map((d) => ({
        item_id: d.id,
        type: d.type,
        title: d.title,
        summary: d.summary,
        tags: d.tags,
        audience: d.audience,
        expires_at: d.expiresAt === null ? null : new Date(d.expiresAt).toISOString(),
        published_at: new Date(d.publishedAt).toISOString(),
        usefulness: d.usefulness,
        tag_labels: d.tagLabels.join(" "),
        body: d.body,
      }));
      const pages = docs.flatMap((d) => d.pages.map((p) => ({ item_id: d.id, page: p.page, text: p.text })));
      const words = new Set<string>();
      for (const d of docs) {
        for (const text of [d.title, d.summary, d.tagLabels.join(" "), d.body]) for (const w of lexiconWords(text)) words.add(w);
      }
      await db.transaction(async (tx) => {
        await tx.execute(sql`
          insert into search_documents (item_id, type, title, summary, tags, audience, expires_at, published_at, usefulness, body, title_tsv, tsv, indexed_at)
          select x.item_id, x.type, x.title, x.summary, x.tags, x.audience, x.expires_at, x.published_at, x.usefulness, x.body,
            setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', x.tag_labels), 'B'),
            setweight(to_tsvector('english', x.title), 'A') || setweight(to_tsvector('english', x.tag_labels), 'B')
              || setweight(to_tsvector('english', x.summary), 'C') || setweight(to_tsvector('english', x.body), 'D'),
            now()
          from jsonb_to_recordset(${json(payload)}) as x(item_id uuid, type text, title text, summary text, tags text[],
            audience uuid[], expires_at timestamptz, published_at timestamptz, usefulness real, tag_labels text, body text)
          on conflict (item_id) do update set type = excluded.type, title = excluded.title, summary = excluded.summary,
            tags = excluded.tags, audience = excluded.audience, expires_at = excluded.expires_at,
            published_at = excluded.published_at, usefulness = excluded.usefulness, body = excluded.body,
            title_tsv = excluded.title_tsv, tsv = excluded.tsv, indexed_at = excluded.indexed_at`);
        await tx.execute(sql`delete from search_pages where item_id in ${uuidSet(ids)}`);
        if (pages.length) {
          await tx.execute(sql`
            insert into search_pages (item_id, page, text, tsv)
            select x.item_id, x.page, x.text, to_tsvector('english', x.text)
            from jsonb_to_recordset(${json(pages)}) as x(item_id uuid, page int, text text)`);
        }
        if (words.size) {
          await tx.execute(sql`
            insert into search_terms (term) select t from jsonb_array_elements_text(${json([...words])}) t
            on conflict do nothing`);
        }
      });
    },

    async remove(ids) {
      if (ids.length === 0) return;
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from search_documents where item_id in ${uuidSet(ids)}`);
        await tx.execute(sql`delete from search_pages where item_id in ${uuidSet(ids)}`);
      });
    },

    async search(request) {
      const words = tokenize(request.q);
      if (words.length === 0) return browse(request);
      const nodes = expandSynonyms(words, await synonymGroups());
      const first = await ranked(toTsquery(nodes), request);
      if (first.total > 0 || first.hits.length > 0) return first;
      const fixes = await corrections(words);
      if (fixes.size === 0) return first;
      return ranked(toTsquery(withCorrections(nodes, fixes)), request);
    },

    async applySynonyms(groups) {
      // The table is the source of truth (the service writes it); this only refreshes the cache.
      synonyms = { groups, at: Date.now() };
    },

    invalidateSynonyms() {
      synonyms = undefined;
    },

    async setup() {
      // Tables, indexes and pg_trgm come from migrations.
    },

    async rebuild(batches) {
      // Upsert everything, then sweep what was not touched: documents exist throughout, so searches
      // never see an empty index (the Postgres equivalent of building a new index and swapping).
      const [{ start }] = rowsOf<{ start: string }>(await db.execute(sql`select now()::text as start`));
      let documents = 0;
      for await (const docs of batches) {
        await this.index(docs);
        documents += docs.length;
      }
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from search_documents where indexed_at < ${start}::timestamptz`);
        await tx.execute(sql`delete from search_pages p where not exists (select 1 from search_documents d where d.item_id = p.item_id)`);
      });
      return { documents };
    },

    async count() {
      const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from search_documents`));
      return Number(n);
    },

    async ping() {
      await db.execute(sql`select 1`);
    },
  };
}
