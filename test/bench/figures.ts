export type Figure = { value: number; unit: string; conditions: string };
export type Figures = Record<string, Figure>;

/** Goals from the issues, printed next to each figure. `max` = lower is better. */
export const GOALS: Record<string, { goal: number; kind: "max" | "min" }> = {
  ssr_item_rps: { goal: 2000, kind: "min" },
  ssr_item_p99_ms: { goal: 50, kind: "max" },
  search_pg_p95_ms_100k: { goal: 20, kind: "max" },
  search_pg_p95_ms_1m: { goal: 60, kind: "max" },
  search_meili_p95_ms_100k: { goal: 10, kind: "max" },
  offline_search_p95_ms_10k: { goal: 12, kind: "max" },
  ingest_events_per_s: { goal: 30000, kind: "min" },
  insights_ms_10m: { goal: 100, kind: "max" },
  derivatives_12mp_s: { goal: 0.6, kind: "max" },
  pdf20_to_searchable_s: { goal: 2, kind: "max" },
  seller_js_gzip_kb: { goal: 100, kind: "max" },
  // Issue #15: the buyer's page for a 20-page deck, server time on PostgreSQL.
  share_page_p95_ms: { goal: 30, kind: "max" },
  share_events_per_s: { goal: 30000, kind: "min" },
  // Issue #7: Lighthouse, mobile settings, on the seller's home, search and item pages.
  ...Object.fromEntries(
    ["home", "search", "item"].flatMap((page) => [
      [`lighthouse_${page}_performance`, { goal: 98, kind: "min" }],
      [`lighthouse_${page}_accessibility`, { goal: 100, kind: "min" }],
      [`lighthouse_${page}_best_practices`, { goal: 100, kind: "min" }],
      [`lighthouse_${page}_lcp_ms`, { goal: 1200, kind: "max" }],
      [`lighthouse_${page}_cls`, { goal: 0.02, kind: "max" }],
    ]),
  ),
};
