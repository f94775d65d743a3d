import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ChartFigure, CsvLink, PlotChart } from "~/components/feedback/charts";
import { InsightFilters } from "~/components/feedback/filters";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { endOfDay } from "@/vocabulary/dates";
import { REASON_LABEL } from "@/vocabulary/feedback";
import { itemDetail } from "~/modules/insights/item-report.server";
import { insightScope, scopeTeams } from "~/modules/insights/scope.server";
import { readFilters } from "~/modules/insights/page.server";
import { itemPageCharts } from "~/modules/insights/page-charts.server";
import { documentMarkup } from "~/modules/document-markup.server";
import { BuyerInsights } from "~/components/shares/buyer-insights";
import { buyerInsightsForItem } from "~/modules/shares/engagement.server";
import { CommentsSection, ReasonsSection, SearchTermsSection } from "~/components/insights/item-sections";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.detail.title ?? "Item"} · Insights · Fieldkit` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  return pageData(async () => {
    const filters = readFilters(new URL(request.url));
    const [detail, teams] = await Promise.all([
      itemDetail(context.app.db, { user, itemId: params.id ?? "", range: filters.range, teamId: filters.teamId }),
      scopeTeams(context.app.db, { user }),
    ]);
    // Buyer engagement of the page's teams (a manager's, or the one chosen), by the day each share was made.
    const buyers = await buyerInsightsForItem(
      context.app.db,
      params.id!,
      { from: new Date(`${filters.range.from}T00:00:00Z`), to: endOfDay(filters.range.to) },
      insightScope(user, filters.teamId).teamIds,
    );
    const reasons = detail.reasons.map((r) => ({ ...r, label: REASON_LABEL[r.reason] ?? r.reason }));
    return {
      buyers,
      // The feedback inbox is marketing's; a manager reads the newest comments here.
      role: user.role,
      filters,
      teams,
      itemId: params.id!,
      detail: { ...detail, reasons },
      charts: documentMarkup(context.app, "item", itemPageCharts({ trend: detail.trend, reasons })),
    };
  });
}

const pct = (n: number | null | undefined) => (n === null || n === undefined ? "–" : `${Math.round(n * 100)} %`);

export default function ItemInsights() {
  const { detail, filters, teams, itemId, buyers, charts, role } = useLoaderData<typeof loader>();
  const i = detail.item;
  // Nobody rated it: no share to show, and the adjusted one (0) would read as "nobody found it useful".
  const answered = i ? i.useful + i.notUseful : 0;
  const p = new URLSearchParams({ table: "item-trend", from: filters.range.from, to: filters.range.to });
  if (filters.teamId) p.set("team", filters.teamId);
  return (
    <>
      <p>
        <Link
          to={`/insights?${new URLSearchParams({ from: filters.range.from, to: filters.range.to, ...(filters.teamId ? { team: filters.teamId } : {}) })}`}
        >
          ← All insights
        </Link>
      </p>
      <h1>{detail.title}</h1>
      <p>
        <Link to={`/items/${itemId}`}>Open the item</Link>
      </p>
      <InsightFilters filters={filters} teams={teams} action={`/insights/items/${itemId}`} />
      <dl className="kpis">
        <div>
          <dt>Views</dt>
          <dd>{i?.views ?? 0}</dd>
        </div>
        <div>
          <dt>Unique sellers</dt>
          <dd>{i?.uniqueSellers ?? 0}</dd>
        </div>
        <div>
          <dt>Shares</dt>
          <dd>{i?.shares ?? 0}</dd>
        </div>
        <div>
          <dt>Downloads</dt>
          <dd>{i?.downloads ?? 0}</dd>
        </div>
        <div>
          <dt>Average time</dt>
          <dd>{i?.avgDwellS != null ? `${i.avgDwellS} s` : "–"}</dd>
        </div>
        <div>
          <dt>Useful</dt>
          <dd>{i && answered ? `${i.useful} of ${answered} (${pct(i.usefulShare)})` : "No ratings"}</dd>
        </div>
        <div>
          <dt title="Share found useful, lowered when few answered: 1 of 1 does not outrank 95 of 100">Found useful (adjusted)</dt>
          <dd>{i && answered ? pct(i.score) : "–"}</dd>
        </div>
      </dl>

      <section aria-labelledby="trend">
        <div className="section-head">
          <h2 id="trend">Usage trend</h2>
          <CsvLink href={`/insights/items/${itemId}/export?${p}`} />
        </div>
        <ChartFigure title="Views per day">
          <PlotChart chart={charts.trend} />
        </ChartFigure>
        <details>
          <summary>Views per day as a table</summary>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Views</th>
                </tr>
              </thead>
              <tbody>
                {detail.trend.map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td>{d.views}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <ReasonsSection reasons={detail.reasons} chart={charts.reasons} />
      <CommentsSection
        comments={detail.comments}
        total={detail.commentCount}
        allHref={role === "manager" ? null : `/feedback?${new URLSearchParams({ item: itemId, show: "all" })}`}
      />

      <BuyerInsights buyers={buyers} />

      <SearchTermsSection terms={detail.searchTerms} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
