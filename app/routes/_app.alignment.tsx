// One page, the same KPIs for marketing and sales leaders: agreeing on the numbers ends the blame.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsvLink } from "~/components/feedback/charts";
import { InsightFilters } from "~/components/feedback/filters";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { loadAlignmentPage, readFilters } from "~/modules/insights/page.server";

export const meta: MetaFunction = () => [{ title: "Alignment · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  return pageData(async () => {
    const filters = readFilters(new URL(request.url));
    return { filters, ...(await loadAlignmentPage(context.app, { user, filters })) };
  });
}

export default function Alignment() {
  const { kpis, filters, teams } = useLoaderData<typeof loader>();
  const p = new URLSearchParams({ table: "alignment", from: filters.range.from, to: filters.range.to });
  if (filters.teamId) p.set("team", filters.teamId);
  const cards: { label: string; value: string; hint: string }[] = [
    {
      label: "Content used per seller",
      value: kpis.contentPerSeller === null ? "–" : String(kpis.contentPerSeller),
      hint: `distinct items per active seller (${kpis.activeSellers} of ${kpis.sellers} sellers active)`,
    },
    {
      label: "Usefulness",
      value: kpis.usefulShare === null ? "–" : `${Math.round(kpis.usefulShare * 100)} %`,
      hint: `of ${kpis.ratings} sellers' latest answers said "useful"`,
    },
    {
      label: "Gaps opened",
      value: String(kpis.gapsOpened),
      hint: `content requests; plus ${kpis.zeroResultSearches} searches with no results`,
    },
    { label: "Gaps closed", value: String(kpis.gapsClosed), hint: "requests answered with content" },
    {
      label: "Request to content",
      value: kpis.medianDaysToContent === null ? "–" : `${kpis.medianDaysToContent} days`,
      hint: "median, for requests answered in the period",
    },
  ];
  return (
    <>
      <h1>Alignment</h1>
      <p className="meta">
        The same figures for marketing and sales leaders, {filters.range.from} to {filters.range.to}.{" "}
        <Link to="/insights">Details in Insights</Link>
      </p>
      <InsightFilters filters={filters} teams={teams} action="/alignment" />
      <div className="section-head">
        <h2 id="kpis">Shared KPIs</h2>
        <CsvLink href={`/insights/export?${p}`} />
      </div>
      <dl className="kpis big" aria-labelledby="kpis">
        {cards.map((c) => (
          <div key={c.label}>
            <dt>{c.label}</dt>
            <dd>{c.value}</dd>
            <dd className="meta">{c.hint}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
