// What the insight pages load, by role: marketing gets items, health and gaps; managers get adoption
// and their teams' content; admins get both. The queries live in the modules beside this one.
import { z } from "zod";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { listRequests } from "~/modules/feedback/requests.server";
import { parseDayRange, type DayRange } from "~/modules/feedback/score.server";
import { adoption } from "./adoption.server";
import { alignmentKpis } from "./alignment.server";
import { contentGaps } from "./content-gaps.server";
import { memoAggregate } from "./aggregate-cache.server";
import { effectivenessQuadrant, ITEM_SORTS, itemInsightsPage, itemInsightsSummary } from "./item-insights.server";
import { libraryHealth } from "./library-health.server";
import { insightScope, scopeTeams } from "./scope.server";
import { tableQuery } from "~/modules/validation.server";

export type InsightFilters = { range: DayRange; teamId: string | null };

/**
 * What the page shows of long lists; the CSV downloads have every row. NOTE: at 10,000 items the page
 * once carried every item three times (table, quadrant chart and its table) — 4.7 MB of HTML.
 */
export const PAGE_ITEMS = 25;
export const QUADRANT_POINTS = 25;
export const HEALTH_ROWS = 8;

/** Reads `from`, `to` and `team` from a page URL; a bad value is a 400 with a sentence to act on. */
export function readFilters(url: URL): InsightFilters {
  const range = parseDayRange({ from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  if ("error" in range) throw new AppError("bad_request", range.error);
  return { range, teamId: url.searchParams.get("team") || null };
}

/** The items table's own search, sort and page, from the URL; a nonsense value falls back to the default. */
export const ItemsTableQuery = tableQuery(ITEM_SORTS);
export type ItemsTableQuery = z.infer<typeof ItemsTableQuery>;
export const readItemsTable = (url: URL): ItemsTableQuery => ItemsTableQuery.parse(Object.fromEntries(url.searchParams));

/** Top and bottom content: how many of each. */
const TOP_BOTTOM = 5;

export async function loadInsightsPage(
  ctx: AppContext,
  { user, filters, table = {} }: { user: SessionUser; filters: InsightFilters; table?: ItemsTableQuery },
) {
  const db = ctx.db;
  const { range, teamId } = filters;
  const marketing = user.role === "marketer" || user.role === "admin";
  const leading = user.role === "manager" || user.role === "admin";
  // Authorises (403) before anything is read, memoised or not; the memo key is what the figures depend on.
  const scope = insightScope(user, teamId);
  const bottom = leading ? TOP_BOTTOM : 0;
  const scopeKey = `${scope.teamIds?.join(",") ?? "all"} ${range.from} ${range.to}`;
  // The default view (most viewed first, page 1) comes with the summary; a search, another order or page is its own query.
  const custom = Boolean(table.q || table.sort || table.dir || (table.page ?? 1) > 1);
  const tableKey = `items-table ${scopeKey} ${JSON.stringify(table)}`;
  const [summary, itemsPage, teams, health, gaps, openRequests, adoptionData] = await Promise.all([
    memoAggregate(db, `items ${scopeKey} ${bottom}`, () => itemInsightsSummary(db, { user, range, teamId, top: PAGE_ITEMS, bottom })),
    custom ? memoAggregate(db, tableKey, () => itemInsightsPage(db, { user, range, teamId, ...table, pageSize: PAGE_ITEMS })) : null,
    scopeTeams(db, { user }),
    marketing ? memoAggregate(db, "health", () => libraryHealth(db, { user })) : null,
    memoAggregate(db, `gaps ${scopeKey}`, () => contentGaps(db, { user, range, teamId })),
    // Open requests are marketing's to-do list: always read afresh.
    marketing ? listRequests(db, { user, status: "open", limit: 20 }) : null,
    leading ? memoAggregate(db, `adoption ${scopeKey}`, () => adoption(db, { user, range, teamId })) : null,
  ]);
  // Splits are the medians of every rated item; the chart plots the most viewed of them.
  const quadrant = effectivenessQuadrant(summary.rated);
  const trim = <T>(rows: T[]) => ({ rows: rows.slice(0, HEALTH_ROWS), count: rows.length });
  const pageRows = itemsPage?.rows ?? summary.top;
  const matching = itemsPage?.total ?? summary.count;
  return {
    itemsTable: { ...table, total: matching, pages: Math.max(1, Math.ceil(matching / PAGE_ITEMS)), pageSize: PAGE_ITEMS },
    items: pageRows.map(({ itemId, title, type, views, uniqueSellers, shares, useful, notUseful, score, buyerShares, buyerOpenRate }) => ({
      itemId,
      title,
      type,
      views,
      uniqueSellers,
      shares,
      useful,
      notUseful,
      score,
      buyerShares,
      buyerOpenRate,
    })),
    quadrant: { ...quadrant, points: quadrant.points.slice(0, QUADRANT_POINTS), total: quadrant.points.length },
    teams,
    health: health
      ? { unused: trim(health.unused), stale: trim(health.stale), expiring: trim(health.expiring), lowestRated: trim(health.lowestRated) }
      : null,
    gaps,
    // What the page prints of each: the HTML carries the loader data as well as the markup.
    openRequests:
      openRequests?.map(({ id, status, text, requester, team, createdAt, query }) => ({
        id,
        status,
        text,
        requester,
        team,
        createdAt,
        query,
      })) ?? null,
    adoption: adoptionData,
    // The same as `topAndBottom`: the most viewed with any views, and the least viewed published items.
    topBottom: leading
      ? {
          top: summary.top
            .filter((r) => r.views > 0)
            .slice(0, TOP_BOTTOM)
            .map(({ itemId, title, views, usefulShare }) => ({ itemId, title, views, usefulShare })),
          bottom: summary.bottom,
        }
      : null,
    show: { marketing, leading },
  };
}

export async function loadAlignmentPage(ctx: AppContext, { user, filters }: { user: SessionUser; filters: InsightFilters }) {
  const [kpis, teams] = await Promise.all([
    alignmentKpis(ctx.db, { user, range: filters.range, teamId: filters.teamId }),
    scopeTeams(ctx.db, { user }),
  ]);
  return { kpis, teams };
}
