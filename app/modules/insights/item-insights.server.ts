// Per-item usage and usefulness in a range and scope (the Insights table and the API), the
// effectiveness quadrant drawn from it, and the top and bottom content.
import { sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { itemSellerDaily, itemSellerGaps, items as itemTable, ratings, shareItems, shares } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { median, wilsonLowerBound, type DayRange } from "~/modules/feedback/score.server";
import { audienceInScope, insightScope, inTeams, usageInTeams, usageTable, utcStart, utcEnd, num, round, type Scope } from "./scope.server";

const i = alias(itemTable, "i");
const si = alias(shareItems, "si");
const sh = alias(shares, "sh");

export type ItemInsight = {
  itemId: string;
  title: string;
  type: string;
  status: string;
  views: number;
  uniqueSellers: number;
  shares: number;
  downloads: number;
  avgDwellS: number | null;
  useful: number;
  notUseful: number;
  /** Share of "yes" among ratings, 0..1; null with no ratings. */
  usefulShare: number | null;
  /** Wilson lower bound (95 %): the fair score that ranks lists. */
  score: number;
  /** Buyer shares of the item made in the range by sellers in scope (decision 021), and how many were opened. */
  buyerShares: number;
  buyerOpened: number;
  /** Opened buyer shares / buyer shares, 0..1; null with no shares. */
  buyerOpenRate: number | null;
};

type InsightArgs = { user: SessionUser; range: DayRange; teamId?: string | null; itemId?: string };

/**
 * The per-item query's parts: the usage, unique-seller, rating and buyer-share aggregates (CTEs `u`,
 * `s`, `r`, `b`) and the select that joins them to items, unordered. Shared by the full list and the
 * page's summary, so both count the same way.
 */
function insightParts({ user, range, teamId, itemId }: InsightArgs) {
  const scope = insightScope(user, teamId);
  const onlyItem = (column: AnyPgColumn) => (itemId ? sql`${column} = ${itemId}::uuid` : sql`true`);
  const inRange = (day: AnyPgColumn) => sql`${day} between ${range.from}::date and ${range.to}::date`;
  const from = utcStart(range.from);
  const to = utcEnd(range.to);
  const g = itemSellerGaps;
  const d = itemSellerDaily;
  // Every team: the team-less rollups, one row per item-day (and gap) instead of one per team (or seller).
  const sellers =
    scope.teamIds === null
      ? sql`
      -- A seller counts once, on their first active day in the range: the one whose previous active day is before it.
      select ${g.itemId} as item_id, sum(${g.sellers})::int as sellers from ${itemSellerGaps}
      where ${inRange(g.day)} and ${g.gap} > ${g.day} - ${range.from}::date and ${onlyItem(g.itemId)}
      group by ${g.itemId}`
      : sql`
      -- NOTE: distinct pairs first, then count: a hash aggregate, where count(distinct) would sort.
      select item_id, count(*)::int as sellers from (
        select ${d.itemId} as item_id, ${d.userId} as user_id from ${itemSellerDaily}
        where ${inRange(d.day)} and ${inTeams(d.teamId, scope)} and ${onlyItem(d.itemId)}
        group by ${d.itemId}, ${d.userId}
      ) pairs
      group by item_id`;
  const t = usageTable(scope);
  const r = ratings;
  const ctes = sql`
    u as (
      select ${t.itemId} as item_id, sum(${t.views})::int as views, sum(${t.shares})::int as shares, sum(${t.downloads})::int as downloads,
             sum(${t.dwellMs})::float8 as dwell_ms, sum(${t.dwells})::int as dwells
      from ${t}
      where ${inRange(t.day)} and ${usageInTeams(t, scope)} and ${onlyItem(t.itemId)}
      group by ${t.itemId}
    ),
    s as (${sellers}),
    r as (
      select item_id, count(*) filter (where useful)::int as yes, count(*) filter (where not useful)::int as no
      from (
        select distinct on (${r.itemId}, ${r.userId}) ${r.itemId} as item_id, ${r.useful} as useful from ${ratings}
        where ${r.at} >= ${from} and ${r.at} < ${to} and ${inTeams(r.teamId, scope)} and ${onlyItem(r.itemId)}
        order by ${r.itemId}, ${r.userId}, ${r.at} desc
      ) latest
      group by item_id
    ),
    b as (
      select ${si.itemId} as item_id, count(*)::int as shares, count(*) filter (where ${sh.firstOpenedAt} is not null)::int as opened
      from ${shareItems} ${si} join ${shares} ${sh} on ${sh.id} = ${si.shareId}
      where ${sh.createdAt} >= ${from} and ${sh.createdAt} < ${to} and ${inTeams(sh.teamId, scope)} and ${onlyItem(si.itemId)}
      group by ${si.itemId}
    )`;
  const select = sql`
    select ${i.id} as "itemId", ${i.title} as title, ${i.type} as type, ${i.status} as status,
           coalesce(u.views, 0) as views, coalesce(s.sellers, 0) as "uniqueSellers",
           coalesce(u.shares, 0) as shares, coalesce(u.downloads, 0) as downloads,
           u.dwell_ms as "dwellMs", coalesce(u.dwells, 0) as dwells,
           coalesce(r.yes, 0) as yes, coalesce(r.no, 0) as no,
           coalesce(b.shares, 0) as "buyerShares", coalesce(b.opened, 0) as "buyerOpened"
    from ${itemTable} ${i}
    left join u on u.item_id = ${i.id}
    left join s on s.item_id = ${i.id}
    left join r on r.item_id = ${i.id}
    left join b on b.item_id = ${i.id}
    where (u.item_id is not null or r.item_id is not null or b.item_id is not null) and ${onlyItem(i.id)}
      and ${audienceInScope(i.id, scope)}`;
  return { scope, ctes, select };
}

function toInsight(r: Record<string, unknown>): ItemInsight {
  const yes = num(r.yes);
  const no = num(r.no);
  const dwells = num(r.dwells);
  return {
    itemId: String(r.itemId),
    title: String(r.title),
    type: String(r.type),
    status: String(r.status),
    views: num(r.views),
    uniqueSellers: num(r.uniqueSellers),
    shares: num(r.shares),
    downloads: num(r.downloads),
    avgDwellS: dwells ? round(num(r.dwellMs) / dwells / 1000, 1) : null,
    useful: yes,
    notUseful: no,
    usefulShare: yes + no ? round(yes / (yes + no)) : null,
    score: round(wilsonLowerBound(yes, yes + no)),
    buyerShares: num(r.buyerShares),
    buyerOpened: num(r.buyerOpened),
    buyerOpenRate: num(r.buyerShares) ? round(num(r.buyerOpened) / num(r.buyerShares)) : null,
  };
}

/**
 * Per item: usage in the range and scope, and usefulness from each rater's latest answer in it. Most viewed
 * first, ties by title ignoring case, as `itemInsightsPage` has them: page 1 of the Insights table comes from
 * the summary and page 2 from that query, and under the C collation `title` and `lower(title)` disagree
 * ("Banana" < "apple" < "iPad"), which once showed one tied item twice and another never.
 */
export async function itemInsights(db: Db, args: InsightArgs): Promise<ItemInsight[]> {
  const { ctes, select } = insightParts(args);
  const result = await db.execute(sql`with ${ctes} ${select} order by coalesce(u.views, 0) desc, lower(${i.title}), ${i.id}`);
  return rowsOf<Record<string, unknown>>(result).map(toInsight);
}

/** The Insights items table's orders; views first unless the URL says otherwise. */
export const ITEM_SORTS = ["views", "sellers", "shares", "ratings", "score", "buyers", "title"] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

/** `wilsonLowerBound` in SQL (search/usefulness.ts), so the table sorts by the very figure it shows. */
function wilsonSql(yes: SQL, n: SQL): SQL {
  // Constants, written into the statement: they are the same for every request.
  const z = sql.raw("1.959963984540054::float8");
  const p = sql`(${yes}::float8 / ${n})`;
  return sql`case when ${n} = 0 then 0::float8 else greatest(0, least(1,
    (${p} + ${z} * ${z} / (2 * ${n}) - ${z} * sqrt(${p} * (1 - ${p}) / ${n} + ${z} * ${z} / (4 * ${n} * ${n})))
    / (1 + ${z} * ${z} / ${n}))) end`;
}

const SORT_KEY: Record<ItemSort, SQL> = {
  views: sql`x.views`,
  sellers: sql`x."uniqueSellers"`,
  shares: sql`x.shares`,
  ratings: sql`(x.yes + x.no)`,
  score: wilsonSql(sql`x.yes`, sql`(x.yes + x.no)`),
  buyers: sql`x."buyerShares"`,
  title: sql`lower(x.title)`,
};

/**
 * One page of the per-item figures, searched by title and sorted by any column, with how many match:
 * the Insights table past its default view. Ties fall back to the most viewed, then the title.
 */
export async function itemInsightsPage(
  db: Db,
  {
    q,
    sort = "views",
    dir = sort === "title" ? "asc" : "desc",
    page = 1,
    pageSize,
    ...args
  }: Omit<InsightArgs, "itemId"> & { q?: string; sort?: ItemSort; dir?: "asc" | "desc"; page?: number; pageSize: number },
): Promise<{ rows: ItemInsight[]; total: number }> {
  const { ctes, select } = insightParts(args);
  const order = sql.raw(dir === "asc" ? "asc" : "desc");
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with ${ctes}, base as (${select})
      select x.*, count(*) over () as total from base x
      where ${q ? sql`x.title ilike ${containsPattern(q)}` : sql`true`}
      order by ${SORT_KEY[sort]} ${order}, x.views desc, lower(x.title), x."itemId"
      limit ${pageSize} offset ${(page - 1) * pageSize}`),
  );
  // Past the last page there is no row to carry the count: ask for it on its own.
  const total = rows.length
    ? num(rows[0].total)
    : num(
        rowsOf<{ n: number }>(
          await db.execute(
            sql`with ${ctes}, base as (${select}) select count(*)::int as n from base x where ${q ? sql`x.title ilike ${containsPattern(q)}` : sql`true`}`,
          ),
        )[0]?.n,
      );
  return { rows: rows.map(toInsight), total };
}

export type BottomItem = { itemId: string; title: string; type: string; views: number };

/** Published items the scope's teams could see, least viewed in the range first. */
function bottomSql(scope: Scope, usage: SQL, limit: number): SQL {
  // Only items the scope's teams can see: an item for another audience is not "unused" by this team.
  const audience = audienceInScope(i.id, scope);
  return sql`
    select ${i.id} as "itemId", ${i.title} as title, ${i.type} as type, coalesce(u.views, 0)::int as views
    from ${itemTable} ${i} left join (${usage}) u on u.item_id = ${i.id}
    where ${i.status} = 'published' and ${audience}
    order by views, ${i.title}, ${i.id} limit ${limit}`;
}

export type InsightSummary = {
  /** The `top` most viewed items, as `itemInsights` orders them. */
  top: ItemInsight[];
  /** Every rated item, most viewed first: the quadrant's points and medians. */
  rated: ItemInsight[];
  /** How many items `itemInsights` would list. */
  count: number;
  /** The `bottom` least viewed published items (`topAndBottom`'s bottom). */
  bottom: BottomItem[];
};

/**
 * What the Insights page shows of the per-item figures, in one statement that aggregates the rollups
 * once: the most viewed items, the rated ones (for the quadrant), how many there are, and the least
 * viewed. NOTE: at 10,000 items the page once fetched every item's row (8,000 at the scale seed) to
 * show 25 of them, and scanned the usage rollup a second time for the least viewed.
 */
export async function itemInsightsSummary(
  db: Db,
  { top, bottom, ...args }: Omit<InsightArgs, "itemId"> & { top: number; bottom: number },
): Promise<InsightSummary> {
  const { scope, ctes, select } = insightParts(args);
  // `base` is read twice and `u` by both parts, so each is computed once.
  const [row] = rowsOf<{ count: number; rows: Record<string, unknown>[] | string; bottom: BottomItem[] | string }>(
    await db.execute(sql`
      with ${ctes},
      base as (${select}),
      ranked as (select base.*, row_number() over (order by views desc, lower(title), "itemId") as rank from base)
      select (select count(*) from base)::int as count,
        (select coalesce(json_agg(x order by x.rank), '[]') from ranked x where x.rank <= ${top} or x.yes + x.no > 0) as rows,
        ${bottom > 0 ? sql`(select coalesce(json_agg(y), '[]') from (${bottomSql(scope, sql`select item_id, views from u`, bottom)}) y)` : sql`'[]'::json`} as bottom`),
  );
  // JSON columns arrive parsed from postgres.js and as text from some drivers.
  const parse = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
  const rows = parse(row.rows).map((r) => ({ insight: toInsight(r), rank: num(r.rank) }));
  return {
    top: rows.filter((r) => r.rank <= top).map((r) => r.insight),
    rated: rows.filter((r) => r.insight.useful + r.insight.notUseful > 0).map((r) => r.insight),
    count: num(row.count),
    bottom: parse(row.bottom).map((b) => ({ ...b, views: num(b.views) })),
  };
}

export type QuadrantPoint = { itemId: string; title: string; views: number; score: number; ratings: number; quadrant: Quadrant };
export type Quadrant = "star" | "fix" | "hidden_gem" | "retire";
export const QUADRANT_LABEL: Record<Quadrant, string> = {
  star: "Used and useful: keep",
  fix: "Used but not useful: improve",
  hidden_gem: "Useful but little used: promote",
  retire: "Little used, not useful: retire",
};

/**
 * Usage × usefulness for rated items. Splits at the median views and the median fair score of the
 * plotted items, so the quadrants compare items with each other rather than with an arbitrary bar.
 */
export function effectivenessQuadrant(rows: ItemInsight[]): { points: QuadrantPoint[]; splitViews: number; splitScore: number } {
  const rated = rows.filter((r) => r.useful + r.notUseful > 0);
  const splitViews = median(rated.map((r) => r.views)) ?? 0;
  const splitScore = median(rated.map((r) => r.score)) ?? 0;
  return {
    splitViews,
    splitScore,
    points: rated.map((r) => {
      const used = r.views >= splitViews;
      const useful = r.score >= splitScore;
      return {
        itemId: r.itemId,
        title: r.title,
        views: r.views,
        score: r.score,
        ratings: r.useful + r.notUseful,
        quadrant: used ? (useful ? "star" : "fix") : useful ? "hidden_gem" : "retire",
      };
    }),
  };
}

/** Top and bottom content for the scope: most viewed, and the least-viewed items it could have used. */
export async function topAndBottom(
  db: Db,
  {
    user,
    range,
    teamId,
    limit = 5,
    items,
  }: {
    user: SessionUser;
    range: DayRange;
    teamId?: string | null;
    limit?: number;
    /** Already loaded for the same scope and range. */ items?: ItemInsight[];
  },
): Promise<{ top: ItemInsight[]; bottom: BottomItem[] }> {
  const scope = insightScope(user, teamId);
  const used = items ?? (await itemInsights(db, { user, range, teamId }));
  const top = used.filter((r) => r.views > 0).slice(0, limit);
  const table = usageTable(scope);
  const u = alias(table, "u");
  const usage = sql`select ${u.itemId} as item_id, sum(${u.views}) as views from ${table} ${u}
    where ${u.day} between ${range.from}::date and ${range.to}::date and ${usageInTeams(u, scope)} group by ${u.itemId}`;
  const bottom = rowsOf<BottomItem>(await db.execute(bottomSql(scope, usage, limit)));
  return { top, bottom: bottom.map((b) => ({ ...b, views: num(b.views) })) };
}
