// What the insight pages load, by role: marketing gets items, health and gaps; managers get adoption
// and their teams' content; admins get both. The queries themselves live in insights.server.ts.
import type { SessionUser } from "../auth/session.server";
import type { AppContext } from "../context.server";
import { AppError } from "../errors.server";
import { listRequests } from "../feedback/requests.server";
import { parseDayRange, type DayRange } from "../feedback/score.server";
import {
  adoption,
  alignmentKpis,
  contentGaps,
  effectivenessQuadrant,
  itemInsights,
  libraryHealth,
  scopeTeams,
  topAndBottom,
} from "./insights.server";

export type InsightFilters = { range: DayRange; teamId: string | null };

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
    leading ? topAndBottom(db, { user, range, teamId }) : null,
  ]);
  return {
    items,
    quadrant: effectivenessQuadrant(items),
    teams,
    health,
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
