// The insight pages' charts, drawn on the server with Observable Plot and sent as SVG markup: the browser
// downloads no charting code, and each chart sits beside the table that is its accessible alternative.
import { SPOTS, placeLabels, shortLabel, spotAnchor, spotOffset, type Spot } from "./chart-labels.server";
import { Plot, memoChart, renderPlot } from "./plot-svg.server";

const FONT = 11;
const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en") : n.toLocaleString("en", { maximumFractionDigits: 2 }));
const pct = (n: number) => `${Math.round(n * 100)} %`;

export type QuadrantName = "star" | "fix" | "hidden_gem" | "retire";
export type ChartPoint = { itemId: string; title: string; views: number; score: number; ratings: number; quadrant: QuadrantName | string };

/** Each quadrant also has its own shape, so colour is never the only difference. */
export const QUADRANT_SYMBOL: Record<QuadrantName, "circle" | "square" | "diamond" | "triangle"> = {
  star: "circle",
  hidden_gem: "diamond",
  fix: "triangle",
  retire: "square",
};

/** Tick values 0, 1, 2, 5, 10, 20, 50 … up to `max`, thinned to about `count`. */
export function viewTicks(max: number, count = 7): number[] {
  const ticks = [0];
  for (let step = 1; step <= max; step *= 10) for (const m of [1, 2, 5]) if (m * step <= max) ticks.push(m * step);
  if (ticks.length <= count) return ticks;
  const keep = Math.ceil(ticks.length / count);
  return ticks.filter((_, i) => i === 0 || (ticks.length - 1 - i) % keep === 0);
}

export const QUADRANT_Y_LABEL = "Found useful, adjusted for few ratings";
export const QUADRANT_X_LABEL = "Views";

/**
 * Views (x, a log-like scale so one blockbuster does not squash the rest) against how useful sellers
 * found it (y). Each point links to the item's insights; the most viewed get a label where one fits.
 */
export function quadrantChart({
  points,
  splitViews,
  splitScore,
  label,
  href,
  maxLabels = 10,
}: {
  points: ChartPoint[];
  splitViews: number;
  splitScore: number;
  label: string;
  href: (itemId: string) => string;
  maxLabels?: number;
}): string | null {
  if (points.length === 0) return null;
  const links = points.map((p) => href(p.itemId));
  const key = JSON.stringify(["quadrant", points, links, splitViews, splitScore, label, maxLabels]);
  return memoChart(key, () => drawQuadrant({ points, links, splitViews, splitScore, label, maxLabels }));
}

function drawQuadrant({
  points,
  links,
  splitViews,
  splitScore,
  label,
  maxLabels,
}: {
  points: ChartPoint[];
  links: string[];
  splitViews: number;
  splitScore: number;
  label: string;
  maxLabels: number;
}): string {
  const width = 560;
  const height = 360;
  const m = { top: 34, right: 20, bottom: 44, left: 52 };
  const r = 6;
  // NOTE: Plot sizes every symbol to the circle's area, so a diamond reaches 9.9 px from its centre and a
  // triangle 9.3 px: labels keep clear of that reach, not of r.
  const reach = 10;
  const xMax = Math.max(10, ...points.map((p) => p.views)) * 1.15;
  const x = {
    type: "symlog" as const,
    domain: [0, xMax],
    range: [m.left, width - m.right],
    ticks: viewTicks(xMax),
    tickFormat: fmt,
    label: QUADRANT_X_LABEL,
  };
  // Adjusted shares rarely come near 100 % with few ratings: the axis stops a step above the highest.
  const yMax = Math.min(1, Math.max(0.4, Math.ceil((Math.max(...points.map((p) => p.score)) + 0.1) * 5) / 5));
  const y = { domain: [0, yMax], range: [height - m.bottom, m.top], tickFormat: pct, ticks: 5, grid: true, label: QUADRANT_Y_LABEL };
  const sx = Plot.scale({ x }) as { apply: (v: number) => number };
  const sy = Plot.scale({ y }) as { apply: (v: number) => number };
  const rows = points.map((p, i) => ({
    ...p,
    name: `${p.title}: ${fmt(p.views)} views, ${pct(p.score)} found useful (${fmt(p.ratings)} ratings)`,
    link: links[i],
  }));
  const byViews = rows.map((p, index) => ({ index, p })).sort((a, b) => b.p.views - a.p.views);
  const spots = placeLabels({
    points: rows.map((p) => ({ x: sx.apply(p.views), y: sy.apply(p.score), r: reach })),
    labels: byViews.map(({ index, p }) => ({ index, text: shortLabel(p.title) })),
    frame: { left: m.left, right: width - m.right, top: m.top, bottom: height - m.bottom },
    fontSize: FONT,
    max: maxLabels,
  });
  const labelMark = (spot: Spot) => {
    const { dx, dy } = spotOffset(spot, reach, FONT);
    const data = rows.filter((_, i) => spots.get(i) === spot);
    const textAnchor = spotAnchor(spot);
    return Plot.text(data, {
      x: "views",
      y: "score",
      text: (d: ChartPoint) => shortLabel(d.title),
      dx,
      dy,
      textAnchor,
      className: "chart-label",
    });
  };
  const quadrants = Object.keys(QUADRANT_SYMBOL) as QuadrantName[];
  return renderPlot(
    {
      width,
      height,
      marginTop: m.top,
      marginRight: m.right,
      marginBottom: m.bottom,
      marginLeft: m.left,
      x,
      y,
      marks: [
        Plot.ruleX([splitViews], { className: "chart-split" }),
        Plot.ruleY([splitScore], { className: "chart-split" }),
        ...quadrants.map((q) =>
          Plot.dot(
            rows.filter((p) => p.quadrant === q),
            {
              x: "views",
              y: "score",
              r,
              symbol: QUADRANT_SYMBOL[q],
              fill: "currentColor",
              href: "link",
              title: "name",
              className: `chart-point q-${q}`,
            },
          ),
        ),
        ...SPOTS.map(labelMark),
      ],
    },
    { label, role: "group", fontSize: FONT },
  );
}

/** Horizontal bars, each label above its bar so long names fit a phone; a value axis with ticks below. */
export function barChart({
  data,
  label,
  xLabel,
}: {
  data: { label: string; value: number }[];
  label: string;
  xLabel: string;
}): string | null {
  if (data.length === 0) return null;
  return memoChart(JSON.stringify(["bar", data, label, xLabel]), () => drawBars(data, label, xLabel));
}

function drawBars(data: { label: string; value: number }[], label: string, xLabel: string): string {
  const rowH = 40;
  const m = { top: 8, right: 48, bottom: 40, left: 8 };
  const height = m.top + m.bottom + data.length * rowH;
  const bar = 14;
  const rows = data.map((d, i) => ({ ...d, key: `${i}`, text: shortLabel(d.label, 48) }));
  return renderPlot(
    {
      // Drawn near the size it is shown at in half a desk column or on a phone, so text stays ~11 px.
      width: 360,
      height,
      marginTop: m.top,
      marginRight: m.right,
      marginBottom: m.bottom,
      marginLeft: m.left,
      x: { domain: [0, Math.max(1, ...data.map((d) => d.value))], nice: true, grid: true, label: xLabel, tickFormat: fmt, ticks: 5 },
      // Each band holds a label line and the bar below it.
      y: { domain: rows.map((d) => d.key), axis: null, paddingInner: 0, paddingOuter: 0 },
      marks: [
        Plot.barX(rows, { x: "value", y: "key", insetTop: rowH - bar - 4, insetBottom: 4, className: "chart-bar" }),
        Plot.text(rows, { x: 0, y: "key", text: "text", textAnchor: "start", dy: -4, className: "chart-label" }),
        Plot.text(rows, {
          x: "value",
          y: "key",
          text: (d: { value: number }) => fmt(d.value),
          textAnchor: "start",
          dx: 4,
          dy: rowH / 2 - 4 - bar / 2,
          className: "chart-value",
        }),
      ],
    },
    { label, role: "img", fontSize: FONT },
  );
}

/** A line over time with a dot per point, date ticks below and value ticks beside. */
export function lineChart({
  points,
  label,
  xLabel,
  yLabel,
  max,
  percent = false,
}: {
  points: { x: string; y: number }[];
  label: string;
  xLabel: string;
  yLabel: string;
  max?: number;
  /** Values are percentages (0–100), shown with a "%". */
  percent?: boolean;
}): string | null {
  if (points.length === 0) return null;
  const key = JSON.stringify(["line", points, label, xLabel, yLabel, max, percent]);
  return memoChart(key, () => drawLine({ points, label, xLabel, yLabel, max, percent }));
}

function drawLine({
  points,
  label,
  xLabel,
  yLabel,
  max,
  percent,
}: {
  points: { x: string; y: number }[];
  label: string;
  xLabel: string;
  yLabel: string;
  max?: number;
  percent: boolean;
}): string {
  const format = percent ? (n: number) => `${Math.round(n)} %` : fmt;
  const rows = points.map((p) => ({ date: new Date(`${p.x}T00:00:00Z`), y: p.y }));
  const top = max ?? Math.max(1, ...points.map((p) => p.y));
  return renderPlot(
    {
      width: 440,
      height: 220,
      marginTop: 28,
      marginRight: 20,
      marginBottom: 40,
      marginLeft: 48,
      x: { type: "utc", label: xLabel, ticks: Math.min(6, Math.max(2, points.length)) },
      y: { domain: [0, top], nice: max === undefined, grid: true, label: yLabel, tickFormat: format, ticks: 5 },
      marks: [
        Plot.ruleY([0], { className: "chart-axis" }),
        Plot.lineY(rows, { x: "date", y: "y", className: "chart-line" }),
        Plot.dot(rows, { x: "date", y: "y", r: points.length > 40 ? 1.5 : 3, fill: "currentColor", className: "chart-dot" }),
      ],
    },
    { label, role: "img", fontSize: FONT },
  );
}
