// The Postgres full-text engine (default; PGlite and PostgreSQL alike).
//
// Scale design (docs/decisions/009-search-engines.md): ranking every match with ts_rank is what
// makes naive FTS slow on common words, so every step does bounded work, in one statement per search.
// Matches are read in static order (usefulness, freshness) band by band until SAMPLE are found: a
// rarer query is complete (exact count and facets, rank them all); a common one stops in an early
// band and gets a count estimated from the bands it read, facets scaled from the sample, and ranking
// over its best body and title matches by static score. Typo correction runs only when nothing
// matched, against a small lexicon of words, never against documents.
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

/** Each candidate source (title, body) contributes at most this many items to ranking. */
const CANDIDATES = 100;
/**
 * Matches read in static order: more than this and the query is common (estimated count, sampled
 * facets). Ranking needs only CANDIDATES of them; a bigger sample buys steadier facet estimates for
 * common terms at the price of reading further (200 cost ~5 ms more at the 100k p95, decision 009).
 */
const SAMPLE = 100;
/** Static-order bands: the first holds the best BAND_START rows, each next one BAND_GROWTH times more. */
const BAND_START = 400;
const BAND_GROWTH = 4;
/**
 * What reading a later band costs, in µs, by each path (measured with EXPLAIN ANALYZE at 100k and 1M
 * documents, PostgreSQL 15 on the project machine; only their ratios matter). A walk visits rows of
 * the static order until it has what the sample still needs, and tests the text of those that pass the
 * filters (a TOAST fetch each). The text index lists every posting of the term in the whole table,
 * ANDs it with the band's range (and the chips' index), then fetches each match from the heap.
 */
const COST = { walkRow: 2, walkText: 2, posting: 0.085, rangeRow: 0.17, heapRow: 2, chipPosting: 0.1 };
/** Title candidates are looked for among this many best rows by static score. */
const TITLE_ROWS = 5_000;
/** Rows past the last band are read like a rare term's: all matches (≤ ~0.1% of the table by then). */
const BAND_MAX = 250_000;
const BANDS_TTL_MS = 60_000;
const SYNONYM_TTL_MS = 10_000;
/** A typed word with more known completions than this keeps its prefix (one index scan, not dozens). */
const MAX_COMPLETIONS = 20;
const LEXICON_TTL_MS = 10_000;
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
  function filters(request: SearchRequest, walk = false, alias = "d"): SQL {
    const d = sql.raw(alias);
    const { teams, now } = request.scope;
    // A walk of the static order tests the chips on each row: written so no index can serve them, or
    // the planner combines the type or tag index (every deck in the table) with the band's range.
    const type = walk ? sql`(${d}.type || '')` : sql`${d}.type`;
    const tags = walk ? sql`(${d}.tags || '{}'::text[])` : sql`${d}.tags`;
    // NOTE: `audience = '{}'` rather than `cardinality(audience) = 0` (same rows, audience is not null):
    // the planner estimates a column comparison from its statistics (most items are for everyone),
    // but guesses 0.5% for the function, then plans a full scan and sort instead of walking the
    // static-order index for common terms.
    const parts: SQL[] = [
      sql`(${d}.expires_at is null or ${d}.expires_at > ${now.toISOString()}::timestamptz)`,
      teams.length
        ? sql`(${d}.audience = '{}'::uuid[] or ${d}.audience && array[${sql.join(teams.map((t) => sql`${t}::uuid`), sql`, `)}])`
        : sql`${d}.audience = '{}'::uuid[]`,
    ];
    if (request.types.length) parts.push(sql`${type} in (${sql.join(request.types.map((t) => sql`${t}`), sql`, `)})`);
    const byFacet = new Map<string, string[]>();
    for (const t of request.tags) byFacet.set(t.facet, [...(byFacet.get(t.facet) ?? []), `${t.facet}:${t.value}`]);
    for (const values of byFacet.values()) {
      parts.push(sql`${tags} && array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`);
    }
    return sql.join(parts, sql` and `);
  }

  /**
   * Static-order bands: the (usefulness, published_at) values at ranks BAND_START, ×BAND_GROWTH, …
   * of the whole table. A search reads its matches band by band, best band first, and stops in the
   * band where it has enough (see inStaticOrder). Read from the static index (index-only), kept for
   * BANDS_TTL_MS and refreshed in the background for big tables, at once for small ones.
   */
  type Bands = { cuts: { rank: number; u: string; p: string }[]; rows: number; at: number; changed: number };
  let bands: Bands | undefined;
  let refreshing: Promise<Bands> | undefined;
  let changed = 0;

  async function readBands(): Promise<Bands> {
    const ranks: number[] = [];
    for (let r = BAND_START; r <= BAND_MAX; r *= BAND_GROWTH) ranks.push(r);
    const startedAt = changed;
    const rows = rowsOf<{ rank: number; u: string | null; p: string | null; scanned: number; reltuples: number }>(
      await db.execute(sql`
        with w as (
          select usefulness, published_at, row_number() over (order by usefulness desc, published_at desc) as rn
          from search_documents order by usefulness desc, published_at desc limit ${ranks.at(-1)! + 1})
        select r.rank, w.usefulness::text as u, w.published_at::text as p,
          (select count(*) from w)::int as scanned,
          (select reltuples from pg_class where oid = 'search_documents'::regclass)::float8 as reltuples
        from unnest(${`{${ranks.join(",")}}`}::int[]) r(rank) left join w on w.rn = r.rank
        order by r.rank`),
    );
    const scanned = Number(rows[0]?.scanned ?? 0);
    return {
      // A cut at rank r is the r-th row's key: the bands before it hold the first r rows (ties aside).
      // Only a cut with rows after it makes a band.
      cuts: rows.filter((r) => r.u !== null && r.p !== null && Number(r.rank) < scanned).map((r) => ({ rank: Number(r.rank), u: r.u!, p: r.p! })),
      rows: scanned <= ranks.at(-1)! ? scanned : Math.max(scanned, Number(rows[0]?.reltuples ?? 0)),
      at: Date.now(),
      changed: startedAt,
    };
  }

  async function staticBands(): Promise<Bands> {
    const stale = bands && (Date.now() - bands.at > BANDS_TTL_MS || changed - bands.changed > bands.rows / 10);
    if (bands && !stale) return bands;
    refreshing ??= readBands().finally(() => (refreshing = undefined));
    const next = refreshing.then((b) => (bands = b));
    // A big table answers from the old bands meanwhile (they only steer the work, never the result).
    if (bands && bands.rows > BAND_START * BAND_GROWTH) {
      next.catch(() => {});
      return bands;
    }
    return next;
  }

  /**
   * CTEs ending in `<name>`: matches in static order (usefulness, then freshness), at most `limit`,
   * with bounded work whatever the term. One CTE per band (`<name>_b0`, `_b1`, …), read in order until
   * `limit` rows are found: Postgres evaluates a CTE only when the final `UNION ALL` reaches it, and
   * that LIMIT stops the band being read once the sample is full. A band read through the index (and the first band)
   * counts its matches (`band_matches`); a band read row by row stops as soon as it has what is missing,
   * so only a band before the last is known whole, and the estimated total comes from the bands read
   * whole (countAndFacets).
   *
   * The first band (the best BAND_START rows: the same rows for every search, so they stay cached) is
   * read row by row, testing the text of each. Before each later band, `<name>_s<i>` holds the matches
   * found so far and chooses that band's path from them (see COST): walking costs the rows it must visit
   * to find what is missing at the density seen so far; the text index costs every posting of the term
   * in the table (estimated from that density) plus the band's range. NOTE: the planner sees neither
   * cost (it does not count TOAST fetches, and misjudges prefixes), so we choose: both variants of a
   * band are written, each behind a one-time filter, and the row-by-row one writes the match as a
   * function the index cannot serve.
   */
  function inStaticOrder(name: string, match: (walk: boolean) => SQL, request: SearchRequest, b: Bands, limit: number, columns: SQL): SQL {
    const key = sql`(d.usefulness, d.published_at)`;
    const at = (c: Bands["cuts"][number]) => sql`(${c.u}::real, ${c.p}::timestamptz)`;
    const cte = (suffix: string) => sql.identifier(`${name}${suffix}`);
    const { cuts } = b;
    // NOTE: a walk tests the text only of rows that pass the filters, in a CASE because Postgres orders
    // the tests of a WHERE by its own cost guesses: it put the text match (a TOAST fetch) first, being
    // one operator where `(type || '') in (…)` is two.
    const where = (walk: boolean) =>
      walk ? sql`case when ${filters(request, true)} then ${match(true)} else false end` : sql`${match(false)} and ${filters(request, false)}`;
    // NOTE: a walked band has no count(*) over (): the window would read the whole band (up to ×4 the
    // rows the sample still needs; 85 of 125 ms for a common word with a tag chip at 1M).
    // NOTE: every branch asks for `limit` rows, not only the missing ones: the final LIMIT stops a walk
    // as soon as the sample is full anyway, and with a LIMIT it cannot see the planner walks the static
    // index for a band meant for the text index (testing the text of every row).
    const branch = (walk: boolean, band: number, range: SQL, gate: SQL, counted = !walk) => sql`(select ${columns}, ${band}::int as band,
        ${counted ? sql`(count(*) over ())::int` : sql`null::int`} as band_matches
      from search_documents d where ${range} and ${gate} and ${where(walk)}
      order by d.usefulness desc, d.published_at desc limit ${limit})`;
    if (cuts.length === 0) {
      return sql`${cte("_b0")} as materialized (select 1),
        ${cte("")} as materialized (select s.*, row_number() over () as pos from ${branch(false, 0, sql`true`, sql`true`)} s)`;
    }
    const first = cuts[0].rank;
    // Share of the first band's rows that pass the filters: a walk tests the text only of those.
    const pass = sql`greatest((select n from ${cte("_passing")}), 1)::float8 / ${first}`;
    const chips = request.types.length + request.tags.length > 0;
    const cost = (us: number) => sql`${us}::float8`;
    const later = cuts.map((c, i) => {
      const band = i + 1;
      const range = i + 1 < cuts.length ? sql`${key} < ${at(c)} and ${key} >= ${at(cuts[i + 1])}` : sql`${key} < ${at(c)}`;
      const rows = (i + 1 < cuts.length ? cuts[i + 1].rank : b.rows) - c.rank;
      const found = band === 1 ? sql`(select count(*) from ${cte("_b0")})` : sql`(select found from ${cte(`_s${band - 1}`)}) + (select count(*) from ${cte(`_b${band - 1}`)})`;
      // Every band before this one was read whole (or the sample would be full): `found` of their
      // `c.rank` rows matched. Walking visits rows until it has the `limit - found` still missing.
      // NOTE: `offset 0` keeps Postgres from flattening the subqueries, which would count again per use.
      const state = sql`${cte(`_s${band}`)} as materialized (
        select found, (least(${rows}::float8, (${limit} - found) / greatest(density, 1e-9)) * (${cost(COST.walkRow)} + ${cost(COST.walkText)} * pass)
          <= ${cost(COST.posting * b.rows)} * density / pass + ${cost(chips ? COST.chipPosting * b.rows : 0)} * pass
            + ${cost(COST.rangeRow * rows)} + ${cost(COST.heapRow * rows)} * density) as walk
        from (select found, found::float8 / ${c.rank} as density, ${pass} as pass from (select ${found} as found offset 0) f offset 0) x)`;
      const walk = sql`(select walk from ${cte(`_s${band}`)})`;
      return sql`${state},
        ${cte(`_b${band}`)} as materialized (${branch(true, band, range, walk)} union all ${branch(false, band, range, sql`not ${walk}`)})`;
    });
    const bands = [0, ...cuts.map((_, i) => i + 1)].map((band) => sql`(select * from ${cte(`_b${band}`)})`);
    return sql`${cte("_b0")} as materialized ${branch(true, 0, sql`${key} >= ${at(cuts[0])}`, sql`true`, true)},
      ${cte("_passing")} as materialized (
        select count(*) as n from search_documents d where ${filters(request, true)} and ${key} >= ${at(cuts[0])}),
      ${sql.join(later, sql`, `)},
      ${cte("")} as materialized (
        select s.*, row_number() over () as pos from (${sql.join(bands, sql` union all `)}) s
        limit ${limit})`;
  }

  /**
   * CTE `titles`: the best `k` title matches among the best TITLE_ROWS rows by static score. Title
   * vectors are small and stored in the row, and those rows are the same for every search (cached),
   * so this is a bounded walk. NOTE: not the GIN index: a common word or a prefix in titles lists
   * tens of thousands of matches at 1M documents (and two prefixes need a recheck of each in the
   * heap), and the planner misjudges prefix terms by several times. Title matches further down still
   * compete when the sample holds them (a rarer term's sample holds all of its matches), so the walk
   * runs only when the sample is full (`asked` rows): a complete sample already marks its title matches.
   */
  function titleCandidates(q: SQL, request: SearchRequest, k: number, asked: number): SQL {
    return sql`titles as materialized (
      select t.item_id as id from (
        select d.item_id, d.title_tsv, d.type, d.tags, d.audience, d.expires_at, d.usefulness, d.published_at
        from search_documents d order by d.usefulness desc, d.published_at desc limit ${TITLE_ROWS}) t
      where (select count(*) from sample) >= ${asked} and ${filters(request, true, "t")} and ts_match_vq(t.title_tsv, ${q})
      order by t.usefulness desc, t.published_at desc limit ${k})`;
  }

  type SampleRow = [id: string, type: string, tags: string[], band: number, bandMatches: number | null];

  /**
   * Count and facets from the sample. Complete (fewer rows than asked): exact. Otherwise the sample
   * stopped in its last band: every band before it was read whole, so matches/rows in those bands
   * estimate the share of the table that matches, and so does the last band when it was counted
   * (read through the index); the final band, counted, gives an exact count.
   */
  function countAndFacets(sample: SampleRow[], asked: number, b: Bands) {
    const facets: FacetCounts = emptyFacets();
    // Matches per band: counted in SQL where it could, else the rows the band gave, which are all of
    // its matches in every band but a last one that stopped early.
    const counted = new Map<number, number>();
    const given = new Map<number, number>();
    for (const [, , , band, n] of sample) {
      if (n !== null) counted.set(band, n);
      given.set(band, (given.get(band) ?? 0) + 1);
    }
    const complete = sample.length < asked;
    const lastBand = sample.length ? sample[sample.length - 1][3] : 0;
    const lastWhole = complete || counted.has(lastBand);
    const exact = complete || (lastWhole && lastBand >= b.cuts.length);
    let matched = 0;
    for (const band of given.keys()) if (band < lastBand || lastWhole) matched += counted.get(band) ?? given.get(band)!;
    // Rows in bands 0..k: the rank of cut k (band 0 ends at cut 0); the final band ends with the table.
    const rowsThrough = (k: number) => (k < b.cuts.length ? b.cuts[k].rank : b.rows);
    const estimated = exact ? matched : Math.round((matched / rowsThrough(lastWhole ? lastBand : lastBand - 1)) * b.rows);
    const total = exact ? matched : Math.min(MAX_RESULT_WINDOW, Math.max(sample.length, estimated));
    for (const [, type, tags] of sample) {
      facets.type[type] = (facets.type[type] ?? 0) + 1;
      for (const tag of tags) {
        const i = tag.indexOf(":");
        const facet = tag.slice(0, i) as (typeof SEARCH_FACETS)[number];
        if (facets[facet] && facet !== "type") facets[facet][tag.slice(i + 1)] = (facets[facet][tag.slice(i + 1)] ?? 0) + 1;
      }
    }
    // Facets of a partial sample are scaled to the (estimated) number of matches.
    const scale = sample.length < asked ? 1 : (exact ? matched : estimated) / sample.length;
    if (scale !== 1) {
      for (const counts of Object.values(facets)) for (const k of Object.keys(counts)) counts[k] = Math.max(1, Math.round(counts[k] * scale));
    }
    return { total, totalExact: exact, facets };
  }

  const parsed = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;

  async function browse(request: SearchRequest): Promise<EngineResult> {
    const f = filters(request);
    const b = await staticBands();
    const [row] = rowsOf<{ sample: unknown; hits: unknown }>(
      await db.execute(sql`
        with ${inStaticOrder("sample", () => sql`true`, request, b, SAMPLE, sql`d.item_id as id, d.type, d.tags`)}
        select
          (select coalesce(json_agg(json_build_array(s.id, s.type, s.tags, s.band, s.band_matches) order by s.pos), '[]'::json) from sample s) as sample,
          (select coalesce(json_agg(json_build_object('id', h.id, 'type', h.type, 'title', h.title, 'snippet', h.snippet)), '[]'::json) from (
            select d.item_id as id, d.type, d.title, left(d.summary, 240) as snippet from search_documents d
            where ${f}
            order by d.usefulness desc, d.published_at desc, d.item_id
            limit ${request.limit} offset ${request.offset}) h) as hits`),
    );
    return { hits: parsed<EngineHit[]>(row.hits), ...countAndFacets(parsed<SampleRow[]>(row.sample), SAMPLE, b) };
  }

  /**
   * One statement: the sample (best matches by static score; facets, count, body candidates), the
   * best title matches by static score (title candidates), ts_rank over the candidates only, and
   * snippets for the page of hits. A rarer query's sample is all of its matches, so all are ranked.
   * NOTE: the tsquery is written out in every part (not taken from a CTE) so the planner sees the
   * term and its frequency in each.
   */
  async function ranked(tsquery: string, request: SearchRequest): Promise<EngineResult> {
    const f = filters(request);
    const q = sql`to_tsquery('english', ${tsquery})`;
    const b = await staticBands();
    const want = request.offset + request.limit;
    const asked = Math.max(SAMPLE, want);
    const k = Math.max(CANDIDATES, want);
    const [row] = rowsOf<{ sample: unknown; hits: unknown }>(
      await db.execute(sql`
        with ${inStaticOrder("sample", (walk) => (walk ? sql`ts_match_vq(d.tsv, ${q})` : sql`d.tsv @@ ${q}`), request, b, asked, sql`d.item_id as id, d.type, d.tags, ts_match_vq(d.title_tsv, ${q}) as in_title`)},
        ${titleCandidates(q, request, k, asked)},
        candidates as (
          select id from sample where pos <= ${k} or in_title or (select count(*) from sample) < ${asked}
          union select id from titles),
        top as (
          select d.item_id as id, d.type, d.title, d.summary, d.body, row_number() over (order by
              (d.title_tsv @@ ${q}) desc,
              round(ts_rank('{0.1, 0.2, 0.4, 1.0}', d.tsv, ${q})::numeric, 2) desc,
              d.usefulness desc, d.published_at desc, d.item_id) as rank
          from search_documents d where d.item_id in (select id from candidates)
          order by rank limit ${request.limit} offset ${request.offset})
        select
          (select coalesce(json_agg(json_build_array(s.id, s.type, s.tags, s.band, s.band_matches) order by s.pos), '[]'::json) from sample s) as sample,
          (select coalesce(json_agg(json_build_object('id', t.id, 'type', t.type, 'title', t.title, 'page', p.page,
              -- A document hit says where: the page's own snippet wins over the summary's.
              'snippet', coalesce(p.snippet, ts_headline('english', t.summary || E'\n' || left(t.body, 4000), ${q}, ${HEADLINE})))
              order by t.rank), '[]'::json)
            from top t left join lateral (
              select p.page, ts_headline('english', p.text, ${q}, ${HEADLINE}) as snippet from search_pages p
              where p.item_id = t.id and p.tsv @@ ${q}
              order by ts_rank(p.tsv, ${q}) desc, p.page limit 1) p on true) as hits`),
    );
    const hits = parsed<(EngineHit & { page: number | null })[]>(row.hits).map(({ page, ...hit }) =>
      page === null ? hit : { ...hit, page: Number(page) },
    );
    return { hits, ...countAndFacets(parsed<SampleRow[]>(row.sample), asked, b) };
  }

  /** The lexicon's three spellings closest to `word` (trigram similarity), when `gate` holds. */
  const closeSpellings = (word: SQL, gate: SQL) => sql`(
    select coalesce(array_agg(term order by sim desc, term), '{}') from (
      select term, similarity(term, ${word}) as sim from search_terms
      where ${gate} and term % ${word} and term <> ${word} order by sim desc, term limit 3) x)`;

  type WordFacts = {
    /** Some word of the lexicon starts with this word's stem (or, typed, with the word itself). */
    known: boolean;
    /** Typed word only: the lexicon's words it begins, or null to keep the prefix. */
    completions: string[] | null;
    /** Close spellings, looked up only for an unknown word. */
    corrections: string[];
  };
  const lexiconCache = new Map<string, { facts: WordFacts; at: number }>();
  const factsKey = (word: string, typed: boolean) => `${typed ? "~" : ""}${word}`;

  /**
   * What the lexicon says about each query word, in one statement for the words not cached. An
   * unknown word is a typo or a word no document has, so its close spellings ("prcing" → "pricing")
   * are fetched with it and join the first search, instead of a second search after an empty one.
   * NOTE: "known" compares the word's stem with the raw words of the lexicon ("prices" → "price",
   * which "price" and "pricing" start with); where a stem is not a prefix of its words ("happiness"
   * → "happi", a document saying only "happy"), the word still matches and only gains corrections.
   *
   * Completions: the lexicon's words that start with the word being typed ("monkab" → "monkabri",
   * "monkabrizet"), or null to keep the prefix: under 4 letters, not letters only, unknown, or more
   * than MAX_COMPLETIONS. The text index lists an exact word by streaming its postings, but builds a
   * bitmap over every word that matches a prefix: ~15 ms instead of ~6 per band read through the index
   * for a word in 3.5% of 1M documents. The lexicon holds every word of the indexed fields (see
   * index()), so no match is lost.
   */
  async function lookUp(words: string[], typed: string): Promise<Map<string, WordFacts>> {
    const out = new Map<string, WordFacts>();
    const wanted: { word: string; typed: boolean }[] = [];
    for (const [i, word] of words.entries()) {
      const isTyped = i === words.length - 1 && word === typed;
      const key = factsKey(word, isTyped);
      const cached = lexiconCache.get(key);
      if (word.length < 4 || word.length > 30 || !/^\p{L}+$/u.test(word)) out.set(key, { known: true, completions: null, corrections: [] });
      else if (cached && Date.now() - cached.at < LEXICON_TTL_MS) out.set(key, cached.facts);
      else if (!out.has(key)) wanted.push({ word, typed: isTyped });
    }
    if (wanted.length === 0) return out;
    const rows = rowsOf<{ word: string; typed: boolean; known: boolean; starts: string[]; close: string[] }>(
      await db.execute(sql`
        select w.word, w.typed, k.known, c.starts, t.close
        from jsonb_to_recordset(${json(wanted)}) as w(word text, typed boolean)
        cross join lateral (
          select coalesce(array_agg(term order by term), '{}') as starts from (
            select term from search_terms where w.typed and term like w.word || '%' order by term limit ${MAX_COMPLETIONS + 1}) s) c
        cross join lateral (
          select cardinality(c.starts) > 0 or not exists (select from unnest(to_tsvector('english', w.word)) l)
            or exists (select from unnest(to_tsvector('english', w.word)) l, search_terms
                       where length(l.lexeme) >= 3 and term like l.lexeme || '%') as known) k
        cross join lateral (select ${closeSpellings(sql`w.word`, sql`not k.known`)} as close) t`),
    );
    if (lexiconCache.size > 5_000) lexiconCache.clear();
    for (const r of rows) {
      const starts = r.starts ?? [];
      const facts: WordFacts = {
        known: r.known,
        completions: starts.length === 0 || starts.length > MAX_COMPLETIONS ? null : starts,
        corrections: r.close ?? [],
      };
      out.set(factsKey(r.word, r.typed), facts);
      lexiconCache.set(factsKey(r.word, r.typed), { facts, at: Date.now() });
    }
    return out;
  }

  /** The typed word's alternatives in the last node become its completions, matched whole. */
  const withCompletions = (nodes: QueryNode[], typed: string, terms: string[]): QueryNode[] =>
    nodes.map((alts, n) =>
      n < nodes.length - 1 ? alts : alts.flatMap((seq) => (seq.length === 1 && seq[0] === typed ? terms.map((t) => [t]) : [seq])),
    );

  /** Close spellings from the lexicon for words that may be typos ("prcing" → "pricing"). */
  async function corrections(words: string[]): Promise<Map<string, string[]>> {
    const candidates = [...new Set(words.filter((w) => w.length >= 4 && /^\p{L}+$/u.test(w)))];
    const out = new Map<string, string[]>();
    if (candidates.length === 0) return out;
    const rows = rowsOf<{ word: string; close: string[] }>(
      await db.execute(sql`
        select w.w as word, ${closeSpellings(sql`w.w`, sql`true`)} as close from jsonb_array_elements_text(${json(candidates)}) w(w)`),
    );
    for (const r of rows) if (r.close?.length) out.set(r.word, r.close);
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
      changed += docs.length;
    },

    async remove(ids) {
      if (ids.length === 0) return;
      await db.transaction(async (tx) => {
        await tx.execute(sql`delete from search_documents where item_id in ${uuidSet(ids)}`);
        await tx.execute(sql`delete from search_pages where item_id in ${uuidSet(ids)}`);
      });
      changed += ids.length;
    },

    async search(request) {
      const words = tokenize(request.q);
      if (words.length === 0) return browse(request);
      const typed = words[words.length - 1];
      const [groups, facts] = await Promise.all([synonymGroups(), lookUp(words, typed)]);
      const nodes = expandSynonyms(words, groups);
      const complete = facts.get(factsKey(typed, true))?.completions;
      const tsquery = (n: QueryNode[]) => (complete ? toTsquery(withCompletions(n, typed, complete)) : toTsquery(n, typed));
      const fixes = new Map<string, string[]>();
      for (const [i, word] of words.entries()) {
        const f = facts.get(factsKey(word, i === words.length - 1));
        if (f && !f.known && f.corrections.length) fixes.set(word, f.corrections);
      }
      const first = await ranked(tsquery(withCorrections(nodes, fixes)), request);
      if (first.total > 0 || first.hits.length > 0 || fixes.size > 0) return first;
      // Known words that matched nothing the seller may see: try their close spellings too.
      const more = await corrections(words);
      if (more.size === 0) return first;
      return ranked(toTsquery(withCorrections(nodes, more), typed), request);
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
