// Static-order bands and the band planner: how a search reads its matches in static order
// (usefulness, then freshness) with bounded work whatever the term. docs/performance.md ("Postgres
// search") has the measurements behind the constants and the cost model.
import { getTableName, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchDocuments } from "@/db/schema";
import type { SearchRequest } from "../types";
import { filters } from "./filters";
import { d, derived } from "./sql";
import { ttlCache } from "./ttl-cache";

/** Static-order bands: the first holds the best BAND_START rows, each next one BAND_GROWTH times more. */
export const BAND_START = 400;
const BAND_GROWTH = 4;
/** Rows past the last band are read like a rare term's: all matches (few of the table by then). */
const BAND_MAX = 250_000;
const BANDS_TTL_MS = 60_000;
/**
 * What reading a later band costs, in µs, by each path. Only their ratios matter. A walk visits rows
 * of the static order until it has what the sample still needs, and tests the text of those that pass
 * the filters (a TOAST fetch each). The text index lists every posting of the term in the whole table,
 * ANDs it with the band's range (and the chips' index), then fetches each match from the heap.
 */
const COST = { walkRow: 2, walkText: 2, posting: 0.085, rangeRow: 0.17, heapRow: 2, chipPosting: 0.1 };

/** The (usefulness, published_at) key at each cut rank, and the table's rows. */
export type Bands = { cuts: { rank: number; u: string; p: string }[]; rows: number };

/**
 * The cuts at ranks BAND_START, ×BAND_GROWTH, … of the whole table, read from the static index
 * (index-only), kept for BANDS_TTL_MS or until a tenth of the table changed, and refreshed in the
 * background for big tables, at once for small ones. They only steer the work, never the result.
 */
export function createStaticBands(db: Db) {
  const cache = ttlCache<"bands", Bands & { changed: number }>({ ttlMs: BANDS_TTL_MS });
  let refreshing: Promise<Bands & { changed: number }> | undefined;
  let changed = 0;

  async function read(): Promise<Bands & { changed: number }> {
    const startedAt = changed;
    return { ...(await readBands(db)), changed: startedAt };
  }

  return {
    /** Documents written or removed since start: a tenth of the table makes the bands stale. */
    noteChanged(n: number) {
      changed += n;
    },
    async current(): Promise<Bands> {
      const entry = cache.peek("bands");
      const bands = entry?.value;
      if (bands && entry.fresh && changed - bands.changed <= bands.rows / 10) return bands;
      refreshing ??= read().finally(() => (refreshing = undefined));
      const next = refreshing.then((b) => (cache.set("bands", b), b));
      // A big table answers from the old bands meanwhile.
      if (bands && bands.rows > BAND_START * BAND_GROWTH) {
        next.catch(() => {});
        return bands;
      }
      return next;
    },
  };
}

async function readBands(db: Db): Promise<Bands> {
  const ranks: number[] = [];
  for (let r = BAND_START; r <= BAND_MAX; r *= BAND_GROWTH) ranks.push(r);
  const s = searchDocuments;
  const w = derived.bands;
  const rows = rowsOf<{ rank: number; u: string | null; p: string | null; scanned: number; reltuples: number }>(
    await db.execute(sql`
      with w as (
        select ${s.usefulness}, ${s.publishedAt}, row_number() over (order by ${s.usefulness} desc, ${s.publishedAt} desc) as rn
        from ${s} order by ${s.usefulness} desc, ${s.publishedAt} desc limit ${ranks.at(-1)! + 1})
      select r.rank, ${w.usefulness}::text as u, ${w.publishedAt}::text as p,
        (select count(*) from w)::int as scanned,
        (select reltuples from pg_class where oid = ${getTableName(s)}::regclass)::float8 as reltuples
      from unnest(${`{${ranks.join(",")}}`}::int[]) r(rank) left join w on w.rn = r.rank
      order by r.rank`),
  );
  const scanned = Number(rows[0]?.scanned ?? 0);
  return {
    // A cut at rank r is the r-th row's key: the bands before it hold the first r rows (ties aside).
    // Only a cut with rows after it makes a band.
    cuts: rows
      .filter((r) => r.u !== null && r.p !== null && Number(r.rank) < scanned)
      .map((r) => ({ rank: Number(r.rank), u: r.u!, p: r.p! })),
    rows: scanned <= ranks.at(-1)! ? scanned : Math.max(scanned, Number(rows[0]?.reltuples ?? 0)),
  };
}

/** What one search reads in static order: its match test, filters, and the columns it keeps. */
export type StaticOrderRead = {
  /** CTE name; band CTEs are `<name>_b0`, `_b1`, …, `<name>_s<i>` the state before band i. */
  name: string;
  /** The text match; `walk`: written as a function no index can serve. */
  match: (walk: boolean) => SQL;
  request: SearchRequest;
  bands: Bands;
  limit: number;
  columns: SQL;
};

const key = sql`(${d.usefulness}, ${d.publishedAt})`;
const at = (c: Bands["cuts"][number]) => sql`(${c.u}::real, ${c.p}::timestamptz)`;
const cte = (read: StaticOrderRead, suffix: string) => sql.identifier(`${read.name}${suffix}`);

/**
 * One band's rows in static order. NOTE: a walk tests the text only of rows that pass the filters,
 * in a CASE because Postgres orders the tests of a WHERE by its own cost guesses: it put the text
 * match (a TOAST fetch) first, being one operator where `(type || '') in (…)` is two.
 * NOTE: a walked band has no count(*) over (): the window would read the whole band (up to ×4 the
 * rows the sample still needs). NOTE: every branch asks for `limit` rows, not only the missing ones:
 * the final LIMIT stops a walk as soon as the sample is full anyway, and with a LIMIT it cannot see
 * the planner walks the static index for a band meant for the text index (testing every row's text).
 */
function branch(read: StaticOrderRead, walk: boolean, band: number, range: SQL, gate: SQL, counted = !walk): SQL {
  const where = walk
    ? sql`case when ${filters(read.request, d, true)} then ${read.match(true)} else false end`
    : sql`${read.match(false)} and ${filters(read.request, d, false)}`;
  return sql`(select ${read.columns}, ${band}::int as band,
        ${counted ? sql`(count(*) over ())::int` : sql`null::int`} as band_matches
      from ${searchDocuments} ${d} where ${range} and ${gate} and ${where}
      order by ${d.usefulness} desc, ${d.publishedAt} desc limit ${read.limit})`;
}

/**
 * Band i > 0: a one-row state CTE holding the matches found so far and the path it chooses (walk or
 * text index, by COST), then the band as both variants, each behind that one-time filter.
 */
function laterBand(read: StaticOrderRead, i: number): SQL {
  const { cuts, rows: tableRows } = read.bands;
  const c = cuts[i];
  const band = i + 1;
  const range = i + 1 < cuts.length ? sql`${key} < ${at(c)} and ${key} >= ${at(cuts[i + 1])}` : sql`${key} < ${at(c)}`;
  const rows = (i + 1 < cuts.length ? cuts[i + 1].rank : tableRows) - c.rank;
  const { limit } = read;
  const found =
    band === 1
      ? sql`(select count(*) from ${cte(read, "_b0")})`
      : sql`(select found from ${cte(read, `_s${band - 1}`)}) + (select count(*) from ${cte(read, `_b${band - 1}`)})`;
  // Share of the first band's rows that pass the filters: a walk tests the text only of those.
  const pass = sql`greatest((select n from ${cte(read, "_passing")}), 1)::float8 / ${cuts[0].rank}`;
  const chips = read.request.types.length + read.request.tags.length > 0;
  const cost = (us: number) => sql`${us}::float8`;
  // Every band before this one was read whole (or the sample would be full): `found` of their
  // `c.rank` rows matched. Walking visits rows until it has the `limit - found` still missing.
  // NOTE: `offset 0` keeps Postgres from flattening the subqueries, which would count again per use.
  const state = sql`${cte(read, `_s${band}`)} as materialized (
        select found, (least(${rows}::float8, (${limit} - found) / greatest(density, 1e-9)) * (${cost(COST.walkRow)} + ${cost(COST.walkText)} * pass)
          <= ${cost(COST.posting * tableRows)} * density / pass + ${cost(chips ? COST.chipPosting * tableRows : 0)} * pass
            + ${cost(COST.rangeRow * rows)} + ${cost(COST.heapRow * rows)} * density) as walk
        from (select found, found::float8 / ${c.rank} as density, ${pass} as pass from (select ${found} as found offset 0) f offset 0) x)`;
  const walk = sql`(select walk from ${cte(read, `_s${band}`)})`;
  return sql`${state},
        ${cte(read, `_b${band}`)} as materialized (${branch(read, true, band, range, walk)} union all ${branch(read, false, band, range, sql`not ${walk}`)})`;
}

/**
 * CTEs ending in `<name>`: matches in static order, at most `limit`, with bounded work whatever the
 * term. One CTE per band, read in order until `limit` rows are found: Postgres evaluates a CTE only
 * when the final `UNION ALL` reaches it, and that LIMIT stops the band being read once the sample is
 * full. A band read through the index (and the first band) counts its matches (`band_matches`); a band
 * read row by row stops as soon as it has what is missing, so only a band before the last is known
 * whole, and the estimated total comes from the bands read whole (countAndFacets).
 *
 * The first band (the best BAND_START rows: the same rows for every search, so they stay cached) is
 * read row by row. Each later band chooses its path from the matches found so far (laterBand).
 * NOTE: the planner sees neither cost (it does not count TOAST fetches, and misjudges prefixes), so
 * we choose: both variants of a band are written, and the row-by-row one writes the match as a
 * function the index cannot serve.
 */
export function inStaticOrder(read: StaticOrderRead): SQL {
  const { cuts } = read.bands;
  if (cuts.length === 0) {
    return sql`${cte(read, "_b0")} as materialized (select 1),
      ${cte(read, "")} as materialized (select s.*, row_number() over () as pos from ${branch(read, false, 0, sql`true`, sql`true`)} s)`;
  }
  const later = cuts.map((_, i) => laterBand(read, i));
  const bands = [0, ...cuts.map((_, i) => i + 1)].map((band) => sql`(select * from ${cte(read, `_b${band}`)})`);
  return sql`${cte(read, "_b0")} as materialized ${branch(read, true, 0, sql`${key} >= ${at(cuts[0])}`, sql`true`, true)},
      ${cte(read, "_passing")} as materialized (
        select count(*) as n from ${searchDocuments} ${d} where ${filters(read.request, d, true)} and ${key} >= ${at(cuts[0])}),
      ${sql.join(later, sql`, `)},
      ${cte(read, "")} as materialized (
        select s.*, row_number() over () as pos from (${sql.join(bands, sql` union all `)}) s
        limit ${read.limit})`;
}
