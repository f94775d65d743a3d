// What the insight pages load, by role: marketing gets items, health and gaps; managers get adoption
// and their teams' content; admins get both. The queries themselves live in insights.server.ts.
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { listRequests } from "~/modules/feedback/requests.server";
import { parseDayRange, type DayRange } from "~/modules/feedback/score.server";
import { adoption } from "./adoption.server";
import { alignmentKpis } from "./alignment.server";
import { contentGaps } from "./content-gaps.server";
import { effectivenessQuadrant, itemInsights, topAndBottom } from "./item-insights.server";
import { libraryHealth } from "./library-health.server";
import { scopeTeams } from "./scope.server";

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

export async function loadInsightsPage(ctx: AppContext, { user, filters }: { user: SessionUser; filters: InsightFilters }) {
  const db = ctx.db;
  const { range, teamId } = filters;
  const marketing = user.role === "marketer" || user.role === "admin";
  const leading = user.role === "manager" || user.role === "admin";
  const items = await itemInsights(db, { user, range, teamId });
  const [teams, health, gaps, openRequests, adoptionData, topBottom] = await Promise.all([
    scopeTeams(db, { user }),
    marketing ? libraryHealth(db, { user }) : null,
    contentGaps(db, { user, range, teamId }),
    marketing ? listRequests(db, { user, status: "open", limit: 20 }) : null,
    leading ? adoption(db, { user, range, teamId }) : null,
    leading ? topAndBottom(db, { user, range, teamId, items }) : null,
  ]);
  // Splits are the medians of every rated item; the chart plots the most viewed of them.
  const quadrant = effectivenessQuadrant(items);
  const trim = <T>(rows: T[]) => ({ rows: rows.slice(0, HEALTH_ROWS), count: rows.length });
  return {
    items: items.slice(0, PAGE_ITEMS),
    itemCount: items.length,
    quadrant: { ...quadrant, points: quadrant.points.slice(0, QUADRANT_POINTS), total: quadrant.points.length },
    teams,
    health: health
      ? { unused: trim(health.unused), stale: trim(health.stale), expiring: trim(health.expiring), lowestRated: trim(health.lowestRated) }
      : null,
    gaps,
    openRequests,
    adoption: adoptionData,
    topBottom,
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
