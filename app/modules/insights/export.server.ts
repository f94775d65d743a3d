// The CSV form of every insight table: one column list per table, shared by the API and the pages.
import type { Db } from "@/db/client";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError } from "~/modules/errors.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { csvResponse as csvDownload, toCsv } from "~/modules/csv.server";
import type { Adoption } from "./adoption.server";
import type { AlignmentKpis } from "./alignment.server";
import type { ContentGap } from "./content-gaps.server";
import type { ItemInsight, QuadrantPoint } from "./item-insights.server";
import type { LibraryHealth } from "./library-health.server";
import { QUADRANT_LABEL, effectivenessQuadrant, itemInsights, topAndBottom } from "./item-insights.server";
import { adoption } from "./adoption.server";
import { alignmentKpis } from "./alignment.server";
import { contentGaps } from "./content-gaps.server";
import { itemDetail } from "./item-report.server";
import { libraryHealth } from "./library-health.server";
import { sellerActivity, type SellerActivity } from "./sellers.server";

const col = (key: string, label: string) => ({ key, label });

export const ITEM_COLUMNS = [
  col("itemId", "Item id"),
  col("title", "Title"),
  col("type", "Type"),
  col("views", "Views"),
  col("uniqueSellers", "Unique sellers"),
  col("shares", "Shares"),
  col("downloads", "Downloads"),
  col("avgDwellS", "Average time (s)"),
  col("useful", "Useful"),
  col("notUseful", "Not useful"),
  col("usefulShare", "Useful share"),
  col("score", "Found useful (adjusted; 0-1)"),
  col("buyerShares", "Buyer shares"),
  col("buyerOpenRate", "Buyer open rate"),
];

/** An item nobody rated has no adjusted share (empty, as its useful share), not 0: "nobody found it useful". */
export const itemsCsv = (rows: ItemInsight[]) =>
  toCsv(
    ITEM_COLUMNS,
    rows.map((r) => (r.useful + r.notUseful ? r : { ...r, score: null })),
  );

/** One row per team and week: the shape a spreadsheet pivot wants. */
export function adoptionCsv(a: Adoption) {
  const rows = a.teams.flatMap((t) =>
    t.weeks.map((w) => ({ team: t.team, region: t.region, week: w.week, active: w.active, size: t.size, rate: w.rate })),
  );
  return toCsv(
    [
      col("team", "Team"),
      col("region", "Region"),
      col("week", "Week starting"),
      col("active", "Active sellers"),
      col("size", "Team size"),
      col("rate", "Weekly active rate"),
    ],
    rows,
  );
}

export const regionsCsv = (a: Adoption) => toCsv([col("region", "Region"), col("views", "Views"), col("size", "Sellers")], a.regions);

export const teamUsageCsv = (a: Adoption) =>
  toCsv(
    [
      col("team", "Team"),
      col("region", "Region"),
      col("views", "Views"),
      col("size", "Sellers"),
      col("avgRate", "Average weekly active rate"),
    ],
    a.teams,
  );

export const gapsCsv = (rows: ContentGap[]) =>
  toCsv(
    [
      col("query", "Search"),
      col("searches", "Searches"),
      col("zeroResults", "No results"),
      col("noClick", "No click"),
      col("people", "People"),
      col("teams", "Teams"),
      col("openRequests", "Open requests"),
    ],
    rows,
  );

export function healthCsv(h: LibraryHealth) {
  const rows = (Object.entries(h) as [keyof LibraryHealth, LibraryHealth[keyof LibraryHealth]][]).flatMap(([list, items]) =>
    items.map((i) => ({ list, ...i })),
  );
  return toCsv([col("list", "List"), col("itemId", "Item id"), col("title", "Title"), col("type", "Type"), col("detail", "Detail")], rows);
}

export const quadrantCsv = (points: QuadrantPoint[]) =>
  toCsv(
    [
      col("itemId", "Item id"),
      col("title", "Title"),
      col("views", "Views"),
      col("score", "Found useful (adjusted; 0-1)"),
      col("ratings", "Ratings"),
      col("quadrantLabel", "Quadrant"),
    ],
    points.map((p) => ({ ...p, quadrantLabel: QUADRANT_LABEL[p.quadrant] })),
  );

export const alignmentCsv = (k: AlignmentKpis) =>
  toCsv(
    [col("kpi", "KPI"), col("value", "Value")],
    [
      { kpi: "From", value: k.range.from },
      { kpi: "To", value: k.range.to },
      { kpi: "Active sellers", value: k.activeSellers },
      { kpi: "Sellers", value: k.sellers },
      { kpi: "Content used per active seller", value: k.contentPerSeller },
      { kpi: "Ratings", value: k.ratings },
      { kpi: "Useful share", value: k.usefulShare },
      { kpi: "Requests opened", value: k.gapsOpened },
      { kpi: "Requests answered with content", value: k.gapsClosed },
      { kpi: "Searches with no results", value: k.zeroResultSearches },
      { kpi: "Median days from request to content", value: k.medianDaysToContent },
    ],
  );

export const sellersCsv = (rows: SellerActivity[]) =>
  toCsv(
    [
      col("id", "Seller id"),
      col("name", "Name"),
      col("email", "Email"),
      col("team", "Team"),
      col("activeDays", "Active days"),
      col("lastDay", "Last active day"),
      col("views", "Items opened"),
      col("ratings", "Ratings given"),
    ],
    rows,
  );

/** A table's CSV, named by the table and its date range. */
export const csvResponse = (csv: string, name: string, range?: DayRange) =>
  csvDownload(csv, `${name}${range ? `-${range.from}-to-${range.to}` : ""}.csv`);

/** Content negotiation for the API: CSV only when the client asks for it first. */
export const wantsCsv = (request: Request) => /^\s*text\/csv\b/i.test(request.headers.get("accept") ?? "");

export const EXPORT_TABLES = [
  "items",
  "quadrant",
  "health",
  "gaps",
  "adoption",
  "teams",
  "regions",
  "top",
  "bottom",
  "alignment",
  "item-trend",
  "sellers",
] as const;

/** One CSV download per table on the insight pages; the same scope rules as the page itself. */
export async function exportInsightCsv(
  db: Db,
  {
    user,
    table,
    filters,
    itemId,
  }: { user: SessionUser; table: string; filters: { range: DayRange; teamId: string | null }; itemId?: string },
): Promise<Response> {
  const { range, teamId } = filters;
  switch (table) {
    case "items":
      return csvResponse(itemsCsv(await itemInsights(db, { user, range, teamId })), "item-insights", range);
    case "quadrant":
      return csvResponse(
        quadrantCsv(effectivenessQuadrant(await itemInsights(db, { user, range, teamId })).points),
        "effectiveness",
        range,
      );
    case "health":
      return csvResponse(healthCsv(await libraryHealth(db, { user, all: true })), "library-health");
    case "gaps":
      return csvResponse(gapsCsv(await contentGaps(db, { user, range, teamId, limit: 500 })), "content-gaps", range);
    case "adoption":
      return csvResponse(adoptionCsv(await adoption(db, { user, range, teamId })), "adoption", range);
    case "teams":
      return csvResponse(teamUsageCsv(await adoption(db, { user, range, teamId })), "usage-by-team", range);
    case "regions":
      return csvResponse(regionsCsv(await adoption(db, { user, range, teamId })), "usage-by-region", range);
    case "top":
    case "bottom": {
      const tb = await topAndBottom(db, { user, range, teamId, limit: 20 });
      return table === "top"
        ? csvResponse(itemsCsv(tb.top), "top-content", range)
        : csvResponse(
            toCsv(
              [
                { key: "itemId", label: "Item id" },
                { key: "title", label: "Title" },
                { key: "type", label: "Type" },
                { key: "views", label: "Views" },
              ],
              tb.bottom,
            ),
            "least-used-content",
            range,
          );
    }
    case "alignment":
      return csvResponse(alignmentCsv(await alignmentKpis(db, { user, range, teamId })), "alignment", range);
    case "item-trend": {
      const d = await itemDetail(db, { user, itemId: itemId ?? "", range, teamId });
      return csvResponse(
        toCsv(
          [
            { key: "day", label: "Day" },
            { key: "views", label: "Views" },
          ],
          d.trend,
        ),
        "item-views",
        range,
      );
    }
    case "sellers":
      return csvResponse(sellersCsv((await sellerActivity(db, { user, range, teamId, everyRow: true })).rows), "sellers-activity", range);
    default:
      throw new AppError("bad_request", `Unknown table; use one of: ${EXPORT_TABLES.join(", ")}.`);
  }
}
