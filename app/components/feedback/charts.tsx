// Small SVG charts for the insight pages. Each scales to its container (viewBox, width 100 %), stays
// readable at 360 px, and is a picture of a table rendered next to it: screen readers get the table.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en") : n.toLocaleString("en", { maximumFractionDigits: 2 }));

export function ChartFigure({
  title,
  caption,
  children,
  actions,
}: {
  title: string;
  caption?: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <figure className="chart card">
      <figcaption>
        <strong>{title}</strong>
        {caption ? <span className="meta"> {caption}</span> : null}
      </figcaption>
      {children}
      {actions ? <div className="chart-actions">{actions}</div> : null}
    </figure>
  );
}

/** Horizontal bars: labels above each bar so long titles fit a phone. */
export function BarChart({
  data,
  label,
  format = fmt,
}: {
  data: { label: string; value: number; href?: string }[];
  label: string;
  format?: (n: number) => string;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const rowH = 34;
  const height = Math.max(rowH, data.length * rowH);
  return (
    // With links the bars are controls, which an image role would hide (see QuadrantChart).
    <svg
      className="chart-svg"
      viewBox={`0 0 320 ${height}`}
      role={data.some((d) => d.href) ? "group" : "img"}
      aria-label={label}
      preserveAspectRatio="xMinYMin meet"
    >
      {data.map((d, i) => {
        const w = (d.value / max) * 250;
        const bar = (
          <g key={d.label + i} transform={`translate(0 ${i * rowH})`}>
            <text x="0" y="11" className="chart-label">
              {d.label.length > 48 ? `${d.label.slice(0, 47)}…` : d.label}
            </text>
            <rect x="0" y="15" width={Math.max(w, d.value > 0 ? 2 : 0)} height="13" rx="3" className="chart-bar" />
            <text x={Math.max(w, 2) + 6} y="26" className="chart-value">
              {format(d.value)}
            </text>
          </g>
        );
        return d.href ? (
          <a key={d.label + i} href={d.href}>
            {bar}
          </a>
        ) : (
          bar
        );
      })}
    </svg>
  );
}

/** A line over time with a dot per point; the first and last labels on the x axis. */
export function LineChart({
  points,
  label,
  format = fmt,
  max,
}: {
  points: { x: string; y: number }[];
  label: string;
  format?: (n: number) => string;
  max?: number;
}) {
  const W = 320;
  const H = 140;
  const pad = { l: 34, r: 10, t: 10, b: 22 };
  const top = max ?? Math.max(1, ...points.map((p) => p.y));
  const x = (i: number) => pad.l + (points.length <= 1 ? 0 : (i / (points.length - 1)) * (W - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - v / top) * (H - pad.t - pad.b);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
  return (
    <svg className="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line x1={pad.l} x2={W - pad.r} y1={y(0)} y2={y(0)} className="chart-axis" />
      <line x1={pad.l} x2={W - pad.r} y1={y(top)} y2={y(top)} className="chart-gridline" />
      <text x={pad.l - 4} y={y(top) + 4} textAnchor="end" className="chart-value">
        {format(top)}
      </text>
      <text x={pad.l - 4} y={y(0) + 4} textAnchor="end" className="chart-value">
        0
      </text>
      <path d={path} className="chart-line" />
      {points.map((p, i) => (
        <circle key={p.x} cx={x(i)} cy={y(p.y)} r={points.length > 40 ? 1.5 : 3} className="chart-dot">
          <title>{`${p.x}: ${format(p.y)}`}</title>
        </circle>
      ))}
      {points.length ? (
        <>
          <text x={pad.l} y={H - 5} className="chart-value">
            {points[0].x}
          </text>
          <text x={W - pad.r} y={H - 5} textAnchor="end" className="chart-value">
            {points[points.length - 1].x}
          </text>
        </>
      ) : null}
    </svg>
  );
}

export type QuadrantChartPoint = { itemId: string; title: string; views: number; score: number; quadrant: string };

/**
 * Usage (x, log scale so one blockbuster does not squash the rest) against the fair usefulness score
 * (y). Each dot links to the item's insights, so the chart is a named group of links rather than an
 * image: an image's content is hidden from assistive technology, and focusable links inside it would
 * be reachable by Tab but nameless.
 */
export function QuadrantChart({
  points,
  splitViews,
  splitScore,
  label,
}: {
  points: QuadrantChartPoint[];
  splitViews: number;
  splitScore: number;
  label: string;
}) {
  const W = 320;
  const H = 240;
  const pad = { l: 30, r: 10, t: 18, b: 26 };
  const maxViews = Math.max(1, ...points.map((p) => p.views));
  const lx = (v: number) => Math.log10(v + 1) / Math.log10(maxViews + 1);
  const x = (v: number) => pad.l + lx(v) * (W - pad.l - pad.r);
  const y = (s: number) => pad.t + (1 - s) * (H - pad.t - pad.b);
  return (
    <svg className="chart-svg" viewBox={`0 0 ${W} ${H}`} role="group" aria-label={label}>
      <rect x={pad.l} y={pad.t} width={W - pad.l - pad.r} height={H - pad.t - pad.b} className="chart-frame" />
      <line x1={x(splitViews)} x2={x(splitViews)} y1={pad.t} y2={H - pad.b} className="chart-gridline" />
      <line x1={pad.l} x2={W - pad.r} y1={y(splitScore)} y2={y(splitScore)} className="chart-gridline" />
      <text x={W - pad.r - 2} y={pad.t + 11} textAnchor="end" className="chart-quadrant">
        Keep
      </text>
      <text x={pad.l + 3} y={pad.t + 11} className="chart-quadrant">
        Promote
      </text>
      <text x={W - pad.r - 2} y={H - pad.b - 4} textAnchor="end" className="chart-quadrant">
        Improve
      </text>
      <text x={pad.l + 3} y={H - pad.b - 4} className="chart-quadrant">
        Retire
      </text>
      <text x={W / 2} y={H - 6} textAnchor="middle" className="chart-value">
        Views (log scale) →
      </text>
      <text x={10} y={H / 2} textAnchor="middle" className="chart-value" transform={`rotate(-90 10 ${H / 2})`}>
        Usefulness →
      </text>
      {points.map((p) => {
        // The tooltip is the dot's visible text, so the link's name must be the same words.
        const name = `${p.title}: ${fmt(p.views)} views, fair score ${p.score}`;
        return (
          <Link key={p.itemId} to={`/insights/items/${p.itemId}`} aria-label={name}>
            <circle cx={x(p.views)} cy={y(p.score)} r="6" className={`chart-point q-${p.quadrant}`}>
              <title>{name}</title>
            </circle>
          </Link>
        );
      })}
    </svg>
  );
}

/** A link that downloads the CSV of a table. */
export function CsvLink({ href, children = "Download CSV" }: { href: string; children?: ReactNode }) {
  return (
    <a className="button secondary small" href={href} download>
      {children}
    </a>
  );
}
