// The frame around the insight pages' charts. Each chart scales to its container (viewBox, width 100 %)
// and is a picture of a table rendered next to it: screen readers get the table.
import type { ReactNode } from "react";
import { markupElementId, useMarkup } from "~/components/document-markup";
import type { Markup } from "~/modules/document-markup.server";

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

/**
 * A chart drawn on the server (app/modules/insights/charts.server.ts) as SVG markup: the browser gets no
 * charting code. The markup is Plot's, cleaned of inline styles, with its role and name already set.
 */
export function PlotChart({ chart }: { chart: Markup | null }) {
  const svg = useMarkup(chart);
  if (!chart || !svg) return <p className="meta">Nothing to chart in this period.</p>;
  return <div id={markupElementId(chart.key)} className="chart-plot" dangerouslySetInnerHTML={{ __html: svg }} />;
}

const QUADRANTS = [
  { key: "hidden_gem", name: "Promote", hint: "few views, found useful" },
  { key: "star", name: "Keep", hint: "many views, found useful" },
  { key: "retire", name: "Retire", hint: "few views, less useful" },
  { key: "fix", name: "Improve", hint: "many views, less useful" },
] as const;

/** The shape a quadrant's points take in the chart (QUADRANT_SYMBOL in charts.server.ts). */
const SHAPE: Record<(typeof QUADRANTS)[number]["key"], ReactNode> = {
  star: <circle cx="7" cy="7" r="6" />,
  hidden_gem: <path d="M7,0L13,7L7,14L1,7Z" />,
  fix: <path d="M7,1L13.5,13H0.5Z" />,
  retire: <rect x="1.5" y="1.5" width="11" height="11" />,
};

/** The four quadrants laid out as they sit in the chart, each with its shape, colour and meaning. */
export function QuadrantLegend() {
  return (
    <ul className="quadrant-legend" aria-label="What each corner means">
      {QUADRANTS.map((q) => (
        <li key={q.key}>
          <svg viewBox="0 0 14 14" width="14" height="14" aria-hidden="true" className={`chart-point q-${q.key}`}>
            {SHAPE[q.key]}
          </svg>{" "}
          <strong>{q.name}</strong> <span className="meta">{q.hint}</span>
        </li>
      ))}
    </ul>
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
