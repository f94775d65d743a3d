// The search statements: one per search, reading a sample of matches in static order (bands.ts),
// ranking a bounded set of candidates, and making snippets for the page of hits only.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchDocuments, searchPages } from "@/db/schema";
import { PG_CJK_CLASS, joinCjk } from "@/vocabulary/cjk";
import { markDictionaryWords } from "@/vocabulary/dictionary-words";
import { HL_END, HL_START, type EngineHit, type EngineResult, type SearchRequest } from "../types";
import { inStaticOrder, type Bands } from "./bands";
import { countAndFacets, type SampleRow } from "./counts";
import { filters } from "./filters";
import { TS_CONFIG, d, derived, p, parsed } from "./sql";

/** Each candidate source (title, body) contributes at most this many items to ranking. */
const CANDIDATES = 100;
/**
 * Matches read in static order: more than this and the query is common (estimated count, sampled
 * facets). Ranking needs only CANDIDATES of them; a bigger sample buys steadier facet estimates for
 * common terms at the price of reading further.
 */
const SAMPLE = 100;
/** Title candidates are looked for among this many best rows by static score. */
const TITLE_ROWS = 5_000;
const HEADLINE = `StartSel="${HL_START}", StopSel="${HL_END}", MaxWords=26, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

const sampleJson = sql`(select coalesce(json_agg(json_build_array(s.id, s.type, s.tags, s.band, s.band_matches) order by s.pos), '[]'::json) from sample s) as sample`;

/**
 * CTE `titles`: the best `k` title matches among the best TITLE_ROWS rows by static score. Title
 * vectors are small and the static index covers them, and those rows are the same for every search
 * (cached), so this is a bounded walk. NOTE: not the GIN index: a common word or a prefix in titles
 * lists tens of thousands of matches in a big table (and two prefixes need a recheck of each in the
 * heap), and the planner misjudges prefix terms by several times. Title matches further down still
 * compete when the sample holds them (a rarer term's sample holds all of its matches), so the walk
 * runs only when the sample is full (`asked` rows): a complete sample already marks its title matches.
 */
function titleCandidates(q: SQL, request: SearchRequest, k: number, asked: number): SQL {
  const t = derived.titles;
  return sql`titles as materialized (
      select ${t.itemId} as id, row_number() over (order by ${t.usefulness} desc, ${t.publishedAt} desc) as tpos from (
        select ${d.itemId}, ${d.titleTsv}, ${d.type}, ${d.tags}, ${d.audience}, ${d.expiresAt}, ${d.usefulness}, ${d.publishedAt}
        from ${searchDocuments} ${d} order by ${d.usefulness} desc, ${d.publishedAt} desc limit ${TITLE_ROWS}) t
      where (select count(*) from sample) >= ${asked} and ${filters(request, t, true)} and ts_match_vq(${t.titleTsv}, ${q})
      order by ${t.usefulness} desc, ${t.publishedAt} desc limit ${k})`;
}

/** The highlight a headline puts around what matched. */
const MARK = { start: HL_START, end: HL_END };
/** Set between Chinese and Japanese characters for headlines: a separator to the parser, in no text shown. */
const SPREAD = "\u001f";
/**
 * Headlines over spread text, where each of those characters is a word: one fragment of about as many
 * characters as a Latin headline's words fill. NOTE: with two, the parser often cut one sentence into
 * two fragments side by side, and the snippet read "お … 使いください" for "お使いください".
 */
const SPREAD_HEADLINE = `StartSel="${HL_START}", StopSel="${HL_END}", MaxWords=70, MinWords=30, ShortWord=0, MaxFragments=1`;

/**
 * The page of hits: each with its snippet, a document hit with its best page's own snippet. With a
 * headline query (`h`, Chinese or Japanese words), the headline reads the text with those characters
 * apart, where a run of them is one word to the parser; the separators go again in `ranked`.
 */
function rankedHits(q: SQL, h: SQL | undefined): SQL {
  const text = (t: SQL) => (h ? sql`regexp_replace(${t}, ${PG_CJK_CLASS}, ${`${SPREAD}\\&${SPREAD}`}, 'g')` : t);
  const hq = h ?? q;
  const options = h ? SPREAD_HEADLINE : HEADLINE;
  return sql`(select coalesce(json_agg(json_build_object('id', t.id, 'type', t.type, 'title', t.title, 'page', ${p.page},
              -- A document hit says where: the page's own snippet wins over the summary's.
              'snippet', coalesce(p.snippet, ts_headline(${TS_CONFIG}, ${text(sql`t.summary || E'\n' || left(t.body, 4000)`)}, ${hq}, ${options})))
              order by t.rank), '[]'::json)
            from top t left join lateral (
              select ${p.page}, ts_headline(${TS_CONFIG}, ${text(sql`${p.text}`)}, ${hq}, ${options}) as snippet from ${searchPages} ${p}
              where ${p.itemId} = t.id and ${p.tsv} @@ ${q}
              order by ts_rank(${p.tsv}, ${q}) desc, ${p.page} limit 1) p on true) as hits`;
}

export function createRanking(db: Db, bands: () => Promise<Bands>) {
  /**
   * One statement: the sample (best matches by static score; facets, count, body candidates), the
   * best title matches by static score (title candidates), ts_rank over the candidates only, and
   * snippets for the page of hits. A rarer query's sample is all of its matches, so all are ranked.
   * NOTE: the tsquery is written out in every part (not taken from a CTE) so the planner sees the
   * term and its frequency in each.
   */
  async function ranked(
    tsquery: { match: string; headline?: { query: string; words: string[] }; marked?: string[] },
    request: SearchRequest,
  ): Promise<EngineResult> {
    const q = sql`to_tsquery(${TS_CONFIG}, ${tsquery.match})`;
    const h = tsquery.headline && sql`to_tsquery(${TS_CONFIG}, ${tsquery.headline.query})`;
    const b = await bands();
    // Candidates come in tiers of CANDIDATES by static position (and by position among title matches), and
    // a tier is ranked whole, after the ones before it. Ranking a set that grew with the offset let a strong
    // match at position 151 jump ahead on page 8 into ranks pages 1-7 had shown: items repeated, others never.
    const k = Math.ceil(Math.max(1, request.offset + request.limit) / CANDIDATES) * CANDIDATES;
    const asked = Math.max(SAMPLE, k);
    const match = (walk: boolean) => (walk ? sql`ts_match_vq(${d.tsv}, ${q})` : sql`${d.tsv} @@ ${q}`);
    const columns = sql`${d.itemId} as id, ${d.type}, ${d.tags}, ts_match_vq(${d.titleTsv}, ${q}) as in_title`;
    const [row] = rowsOf<{ sample: unknown; hits: unknown }>(
      await db.execute(sql`
        with ${inStaticOrder({ name: "sample", match, request, bands: b, limit: asked, columns })},
        ${titleCandidates(q, request, k, asked)},
        candidates as (
          select id, min(tier) as tier from (
            select id, least((pos - 1) / ${CANDIDATES},
                case when in_title then (row_number() over (partition by in_title order by pos) - 1) / ${CANDIDATES} end) as tier
            from sample where pos <= ${k} or in_title or (select count(*) from sample) < ${asked}
            union all select id, (tpos - 1) / ${CANDIDATES} from titles) c
          group by id),
        top as (
          select ${d.itemId} as id, ${d.type}, ${d.title}, ${d.summary}, ${d.body}, row_number() over (order by
              c.tier,
              (${d.titleTsv} @@ ${q}) desc,
              round(ts_rank('{0.1, 0.2, 0.4, 1.0}', ${d.tsv}, ${q})::numeric, 2) desc,
              ${d.usefulness} desc, ${d.publishedAt} desc, ${d.itemId}) as rank
          from ${searchDocuments} ${d} join candidates c on c.id = ${d.itemId}
          order by rank limit ${request.limit} offset ${request.offset})
        select
          ${sampleJson},
          ${rankedHits(q, h)}`),
    );
    const hits = parsed<(EngineHit & { page: number | null })[]>(row.hits).map(({ page, ...hit }) => {
      const words = tsquery.headline?.words;
      const joined = words ? joinCjk(hit.snippet, SPREAD, { ...MARK, words }) : hit.snippet;
      const snippet = tsquery.marked?.length ? markDictionaryWords(joined, tsquery.marked, MARK) : joined;
      return page === null ? { ...hit, snippet } : { ...hit, snippet, page: Number(page) };
    });
    return { hits, ...countAndFacets(parsed<SampleRow[]>(row.sample), asked, b) };
  }

  /** No words: the best items by static score, with counts and facets from the same sample. */
  async function browse(request: SearchRequest): Promise<EngineResult> {
    const b = await bands();
    const columns = sql`${d.itemId} as id, ${d.type}, ${d.tags}`;
    const [row] = rowsOf<{ sample: unknown; hits: unknown }>(
      await db.execute(sql`
        with ${inStaticOrder({ name: "sample", match: () => sql`true`, request, bands: b, limit: SAMPLE, columns })}
        select
          ${sampleJson},
          (select coalesce(json_agg(json_build_object('id', h.id, 'type', h.type, 'title', h.title, 'snippet', h.snippet)), '[]'::json) from (
            select ${d.itemId} as id, ${d.type}, ${d.title}, left(${d.summary}, 240) as snippet from ${searchDocuments} ${d}
            where ${filters(request, d)}
            order by ${d.usefulness} desc, ${d.publishedAt} desc, ${d.itemId}
            limit ${request.limit} offset ${request.offset}) h) as hits`),
    );
    return { hits: parsed<EngineHit[]>(row.hits), ...countAndFacets(parsed<SampleRow[]>(row.sample), SAMPLE, b) };
  }

  return { ranked, browse };
}
