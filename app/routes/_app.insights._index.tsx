import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { InsightFilters } from "~/components/feedback/filters";
import {
  AdoptionSection,
  GapsSection,
  HealthSection,
  QuadrantSection,
  SectionNav,
  TopBottomSection,
  UsageByTeamSection,
} from "~/components/insights/sections";
import { ItemsSection } from "~/components/insights/items-table";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { pageWithin } from "~/modules/paging.server";
import { loadInsightsPage, readFilters, readItemsTable } from "~/modules/insights/page.server";
import { insightsPageCharts } from "~/modules/insights/page-charts.server";
import { documentMarkup } from "~/modules/document-markup.server";

export const meta: MetaFunction = () => [{ title: "Insights · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  return pageData(async () => {
    const url = new URL(request.url);
    const filters = readFilters(url);
    const table = readItemsTable(url);
    const page = await pageWithin(
      (last) => loadInsightsPage(context.app, { user, filters, table: last ? { ...table, page: last } : table }),
      ({ itemsTable }) => ({ page: itemsTable.page ?? 1, pages: itemsTable.pages }),
    );
    return {
      filters,
      role: user.role,
      ...page,
      charts: documentMarkup(context.app, "insights", insightsPageCharts(page, url.searchParams.toString())),
    };
  });
}

export default function Insights() {
  const data = useLoaderData<typeof loader>();
  const { filters, items, quadrant, health, gaps, openRequests, adoption, topBottom, show, teams, charts } = data;
  const { search } = useLocation();
  const qs = new URLSearchParams(search);
  const csv = (table: string) => {
    const p = new URLSearchParams({ table, from: filters.range.from, to: filters.range.to });
    if (filters.teamId) p.set("team", filters.teamId);
    return `/insights/export?${p}`;
  };
  const detail = (id: string) => `/insights/items/${id}?${qs}`;
  const filterQuery = new URLSearchParams({
    from: filters.range.from,
    to: filters.range.to,
    ...(filters.teamId ? { team: filters.teamId } : {}),
  });
  const leading = show.leading && adoption;
  const sections = [
    ...(leading ? [{ id: "adoption", label: "Adoption" }] : []),
    ...(leading && adoption.teams.length ? [{ id: "usage-by-team", label: "Teams and regions" }] : []),
    ...(show.leading && topBottom ? [{ id: "top-bottom", label: "Top and bottom" }] : []),
    { id: "quadrant", label: "Effectiveness" },
    { id: "items", label: "Per item" },
    { id: "gaps", label: "Content gaps" },
    ...(health ? [{ id: "health", label: "Library health" }] : []),
  ];
  return (
    <>
      <h1>Insights</h1>
      <p className="meta">
        {filters.range.from} to {filters.range.to} (UTC days). <Link to="/alignment">Alignment KPIs</Link>
        {show.marketing ? (
          <>
            {" "}
            · <Link to="/feedback">Feedback inbox</Link>
          </>
        ) : null}
      </p>
      <InsightFilters filters={filters} teams={teams} action="/insights" />
      <SectionNav sections={sections} />
      {leading ? (
        <AdoptionSection adoption={adoption} chart={charts.adoption} csv={csv} sellersHref={`/insights/sellers?${filterQuery}`} />
      ) : null}
      {leading && adoption.teams.length ? <UsageByTeamSection adoption={adoption} charts={charts} csv={csv} /> : null}
      {show.leading && topBottom ? <TopBottomSection topBottom={topBottom} csv={csv} detail={detail} /> : null}
      <QuadrantSection quadrant={quadrant} chart={charts.quadrant} csv={csv} detail={detail} />
      <ItemsSection items={items} itemsTable={data.itemsTable} filters={filters} csv={csv} detail={detail} />
      <GapsSection gaps={gaps} openRequests={openRequests} csv={csv} />
      {health ? <HealthSection health={health} csv={csv} detail={detail} /> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
