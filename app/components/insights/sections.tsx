// The sections of the Insights page, one component each; the route decides which ones a role sees.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { ChartFigure, CsvLink, PlotChart, QuadrantLegend } from "~/components/feedback/charts";
import { EmptyState } from "~/components/shell";
import { DataTable } from "~/components/data-table";
import type { loader } from "~/routes/_app.insights._index";

export type InsightsData = ReturnType<typeof useLoaderData<typeof loader>>;
/** Links the sections need: a table's CSV download and an item's detail page, both keeping the filters. */
export type InsightLinks = { csv: (table: string) => string; detail: (itemId: string) => string };
/** SVG markup drawn by the loader (app/modules/insights/page-charts.server.ts). */
export type InsightCharts = InsightsData["charts"];

export const pct = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)} %`);
const QUADRANT_TEXT: Record<string, string> = { star: "Keep", fix: "Improve", hidden_gem: "Promote", retire: "Retire" };

/** A section with its heading and a CSV download for the table it holds. */
/** Weeks the adoption table shows: a year's range made 53 columns per team, past any screen. */
const TABLE_WEEKS = 12;

export function Section({ id, title, csv, children }: { id: string; title: string; csv?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="insight-section">
      <div className="section-head">
        <h2 id={id}>{title}</h2>
        {csv ? <CsvLink href={csv} /> : null}
      </div>
      {children}
    </section>
  );
}

/**
 * Links to the page's sections, the ones this role sees: on a phone the page runs to a dozen screens, and
 * the gaps a marketer came for were at the bottom of it.
 */
export function SectionNav({ sections }: { sections: { id: string; label: string }[] }) {
  return (
    <nav aria-label="Sections of this page" className="section-nav">
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <a href={`#${s.id}`}>{s.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function AdoptionSection({
  adoption,
  chart,
  csv,
  sellersHref,
}: {
  adoption: NonNullable<InsightsData["adoption"]>;
  chart: InsightCharts["adoption"];
  csv: InsightLinks["csv"];
  /** The sellers' activity page with the same range and team. */
  sellersHref: string;
}) {
  return (
    <Section id="adoption" title="Adoption: weekly active sellers" csv={csv("adoption")}>
      {adoption.teams.length ? (
        <p>
          <Link to={sellersHref}>Each seller&apos;s activity, the least active first →</Link>
        </p>
      ) : null}
      {adoption.teams.length === 0 ? (
        <EmptyState title="No teams to show">You don't lead a team yet. Ask an admin to add you as a team lead.</EmptyState>
      ) : (
        <>
          <ChartFigure title="Weekly active rate, all selected teams" caption="active sellers ÷ sellers in the team">
            <PlotChart chart={chart} />
          </ChartFigure>
          {adoption.overall.length > TABLE_WEEKS ? (
            <p className="meta">
              The table shows the last {TABLE_WEEKS} of {adoption.overall.length} weeks, and the average over all of them; the chart and the
              CSV have every week.
            </p>
          ) : null}
          <DataTable
            label="Table of weekly active sellers by team"
            labelledBy="adoption"
            columns={["Team", "Sellers", ...adoption.overall.slice(-TABLE_WEEKS).map((w) => <>Week of {w.week}</>), "Average"]}
          >
            {adoption.teams.map((t) => (
              <tr key={t.teamId}>
                <th scope="row">{t.team}</th>
                <td>{t.size}</td>
                {t.weeks.slice(-TABLE_WEEKS).map((w) => (
                  <td key={w.week}>
                    {w.active} ({pct(w.rate)})
                  </td>
                ))}
                <td>{pct(t.avgRate)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </Section>
  );
}

export function UsageByTeamSection({
  adoption,
  charts,
  csv,
}: {
  adoption: NonNullable<InsightsData["adoption"]>;
  charts: Pick<InsightCharts, "teams" | "regions">;
  csv: InsightLinks["csv"];
}) {
  return (
    <Section id="usage-by-team" title="Usage by team and region" csv={csv("teams")}>
      <div className="chart-grid">
        <ChartFigure title="Views by team">
          <PlotChart chart={charts.teams} />
        </ChartFigure>
        <ChartFigure title="Views by region" actions={<CsvLink href={csv("regions")}>Regions CSV</CsvLink>}>
          <PlotChart chart={charts.regions} />
        </ChartFigure>
      </div>
      <DataTable label="Table of usage by team" caption="Usage by team" columns={["Team", "Region", "Views", "Average weekly active"]}>
        {adoption.teams.map((t) => (
          <tr key={t.teamId}>
            <th scope="row">{t.team}</th>
            <td>{t.region ?? "–"}</td>
            <td>{t.views}</td>
            <td>{pct(t.avgRate)}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

export function TopBottomSection({ topBottom, csv, detail }: { topBottom: NonNullable<InsightsData["topBottom"]> } & InsightLinks) {
  return (
    <Section id="top-bottom" title="Top and bottom content" csv={csv("top")}>
      <div className="chart-grid">
        <div>
          <h3>Most viewed</h3>
          {topBottom.top.length ? (
            <ol className="ranked">
              {topBottom.top.map((t) => (
                <li key={t.itemId}>
                  <Link to={detail(t.itemId)}>{t.title}</Link>{" "}
                  <span className="meta">
                    {t.views} views · {pct(t.usefulShare)} useful
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <EmptyState title="No views in this period" />
          )}
        </div>
        <div>
          <h3>
            Least viewed <CsvLink href={csv("bottom")}>CSV</CsvLink>
          </h3>
          <ol className="ranked">
            {topBottom.bottom.map((b) => (
              <li key={b.itemId}>
                <Link to={detail(b.itemId)}>{b.title}</Link> <span className="meta">{b.views} views</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </Section>
  );
}

export function QuadrantSection({
  quadrant,
  chart,
  csv,
  detail,
}: { quadrant: InsightsData["quadrant"]; chart: InsightCharts["quadrant"] } & InsightLinks) {
  return (
    <Section id="quadrant" title="Effectiveness: usage × usefulness" csv={csv("quadrant")}>
      {quadrant.points.length === 0 ? (
        <EmptyState title="No rated items in this period">When sellers answer "Was this useful?", items appear here.</EmptyState>
      ) : (
        <>
          <ChartFigure
            title="Each mark is an item; the most viewed are named"
            caption={`The dashed lines cross at the middle item: ${quadrant.splitViews} views and ${pct(quadrant.splitScore)} found useful.`}
          >
            <PlotChart chart={chart} />
            <p className="meta chart-note">
              “Found useful” is the share of sellers who said the item was useful, lowered when few answered: 1 yes out of 1 counts for less
              than 95 out of 100.
            </p>
            <QuadrantLegend />
          </ChartFigure>
          <DataTable
            label="Table of the effectiveness quadrant"
            caption="Effectiveness quadrant"
            columns={["Item", "Views", "Found useful (adjusted)", "Ratings", "Action"]}
          >
            {quadrant.points.map((p) => (
              <tr key={p.itemId}>
                <th scope="row">
                  <Link to={detail(p.itemId)}>{p.title}</Link>
                </th>
                <td>{p.views}</td>
                <td>{pct(p.score)}</td>
                <td>{p.ratings}</td>
                <td>
                  <span className={`badge q-${p.quadrant}`}>{QUADRANT_TEXT[p.quadrant]}</span>
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </Section>
  );
}

export function GapsSection({ gaps, openRequests, csv }: Pick<InsightsData, "gaps" | "openRequests"> & { csv: InsightLinks["csv"] }) {
  return (
    <Section id="gaps" title="Content gaps" csv={csv("gaps")}>
      <p className="meta">Searches that found nothing, or that nobody clicked, grouped by what was typed.</p>
      {gaps.length === 0 ? (
        <EmptyState title="No gaps in this period">Every search found something that was opened.</EmptyState>
      ) : (
        <DataTable
          label="Table of content gaps"
          labelledBy="gaps"
          columns={["Search", "Searches", "No results", "No click", "Teams asking", "Open requests"]}
        >
          {gaps.map((g) => (
            <tr key={g.query}>
              <th scope="row">{g.query}</th>
              <td>{g.searches}</td>
              <td>{g.zeroResults}</td>
              <td>{g.noClick}</td>
              <td>{g.teams.join(", ") || "–"}</td>
              <td>{g.openRequests}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {openRequests ? (
        <>
          <h3>Open requests</h3>
          {openRequests.length === 0 ? (
            <EmptyState title="No open requests" />
          ) : (
            <ul className="list">
              {openRequests.map((r) => (
                <li key={r.id} className="card">
                  <span className={`badge status-${r.status}`}>{r.status}</span> {r.text}
                  <div className="meta">
                    {r.requester}
                    {r.team ? `, ${r.team}` : ""} · {formatDate(r.createdAt)}
                    {r.query ? ` · searched “${r.query}”` : ""}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/feedback/requests">Answer content requests</Link>
          </p>
        </>
      ) : null}
    </Section>
  );
}

export function HealthSection({ health, csv, detail }: { health: NonNullable<InsightsData["health"]> } & InsightLinks) {
  return (
    <Section id="health" title="Library health" csv={csv("health")}>
      <div className="chart-grid">
        {(
          [
            ["unused", "Unused (published 30+ days, no views in 30 days)", null],
            // The library's own "Needs attention" lists, under the same names: the table there has them all.
            ["stale", "Not re-verified in time", "/library?needs=stale"],
            ["expiring", "Expiring within 30 days or expired", "/library?expiring=30&sort=expires"],
            ["lowestRated", "Lowest rated", null],
          ] as const
        ).map(([key, title, all]) => (
          <div key={key} className="card">
            <h3>
              {title} <span className="badge">{health[key].count >= 100 ? "100+" : health[key].count}</span>
            </h3>
            {health[key].count === 0 ? (
              <p className="meta">Nothing here.</p>
            ) : (
              <ul className="plain">
                {health[key].rows.map((h) => (
                  <li key={h.itemId}>
                    <Link to={detail(h.itemId)}>{h.title}</Link> <span className="meta">{h.detail}</span>
                  </li>
                ))}
                {health[key].count > health[key].rows.length ? (
                  <li className="meta">{all ? <Link to={all}>See them all in the library</Link> : "…and more in the CSV"}</li>
                ) : null}
              </ul>
            )}
          </div>
        ))}
      </div>
    </Section>
  );
}
