// The charts of each insight page, drawn from what its loader already loaded. Each chart's accessible
// name says what it shows; the table next to it on the page holds every figure.
import { barChart, lineChart, quadrantChart, type ChartPoint } from "./charts.server";

const pct = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)} %`);

type InsightsPageFigures = {
  adoption: {
    overall: { week: string; rate: number }[];
    teams: { team: string; views: number }[];
    regions: { region: string; views: number }[];
  } | null;
  quadrant: { points: ChartPoint[]; splitViews: number; splitScore: number; total: number };
};

/** The Insights page's charts; `detailQuery` keeps the page's filters on the links to each item. */
export function insightsPageCharts(page: InsightsPageFigures, detailQuery: string) {
  const { adoption, quadrant } = page;
  return {
    adoption: adoption
      ? lineChart({
          points: adoption.overall.map((w) => ({ x: w.week, y: w.rate * 100 })),
          max: 100,
          percent: true,
          xLabel: "Week starting",
          yLabel: "Active sellers (%)",
          label: `Weekly active rate by week: ${adoption.overall.map((w) => `${w.week} ${pct(w.rate)}`).join(", ")}`,
        })
      : null,
    teams: adoption
      ? barChart({
          data: adoption.teams.map((t) => ({ label: t.team, value: t.views })),
          xLabel: "Views",
          label: `Views by team: ${adoption.teams.map((t) => `${t.team} ${t.views}`).join(", ")}`,
        })
      : null,
    regions: adoption
      ? barChart({
          data: adoption.regions.map((r) => ({ label: r.region, value: r.views })),
          xLabel: "Views",
          label: `Views by region: ${adoption.regions.map((r) => `${r.region} ${r.views}`).join(", ")}`,
        })
      : null,
    quadrant: quadrantChart({
      points: quadrant.points,
      splitViews: quadrant.splitViews,
      splitScore: quadrant.splitScore,
      href: (id) => `/insights/items/${id}${detailQuery ? `?${detailQuery}` : ""}`,
      label: `Effectiveness quadrant of the ${quadrant.points.length} most viewed of ${quadrant.total} rated items; the table below lists them`,
    }),
  };
}

/** An item's insights page: views per day and the reasons sellers chose. */
export function itemPageCharts(detail: { trend: { day: string; views: number }[]; reasons: { label: string; count: number }[] }) {
  return {
    trend: lineChart({
      points: detail.trend.map((d) => ({ x: d.day, y: d.views })),
      xLabel: "Day",
      yLabel: "Views",
      label: `Views per day, ${detail.trend.reduce((s, d) => s + d.views, 0)} in total; the table below lists each day`,
    }),
    reasons: barChart({
      data: detail.reasons.map((r) => ({ label: r.label, value: r.count })),
      xLabel: "Sellers",
      label: detail.reasons.map((r) => `${r.label}: ${r.count}`).join(", "),
    }),
  };
}
