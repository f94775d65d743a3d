// Count and facets of a search from its sample: exact when the sample holds every match, otherwise
// estimated from the static-order bands it read whole.
import { MAX_RESULT_WINDOW, SEARCH_FACETS, emptyFacets, type FacetCounts } from "../types";
import type { Bands } from "./bands";

/** One sampled match as the statement returns it; `bandMatches` when its band was counted in SQL. */
export type SampleRow = [id: string, type: string, tags: string[], band: number, bandMatches: number | null];

/**
 * Complete (fewer rows than asked): exact. Otherwise the sample stopped in its last band: every band
 * before it was read whole, so matches/rows in those bands estimate the share of the table that
 * matches, and so does the last band when it was counted (read through the index); the final band,
 * counted, gives an exact count.
 */
export function countAndFacets(sample: SampleRow[], asked: number, b: Bands) {
  // Matches per band: counted in SQL where it could, else the rows the band gave, which are all of
  // its matches in every band but a last one that stopped early.
  const counted = new Map<number, number>();
  const given = new Map<number, number>();
  for (const [, , , band, n] of sample) {
    if (n !== null) counted.set(band, n);
    given.set(band, (given.get(band) ?? 0) + 1);
  }
  const complete = sample.length < asked;
  const lastBand = sample.length ? sample[sample.length - 1][3] : 0;
  const lastWhole = complete || counted.has(lastBand);
  const exact = complete || (lastWhole && lastBand >= b.cuts.length);
  let matched = 0;
  for (const band of given.keys()) if (band < lastBand || lastWhole) matched += counted.get(band) ?? given.get(band)!;
  // Rows in bands 0..k: the rank of cut k (band 0 ends at cut 0); the final band ends with the table.
  const rowsThrough = (k: number) => (k < b.cuts.length ? b.cuts[k].rank : b.rows);
  const estimated = exact ? matched : Math.round((matched / rowsThrough(lastWhole ? lastBand : lastBand - 1)) * b.rows);
  // NOTE: capped at the result window even when exact, and then not exact ("1000+"), as Meilisearch
  // reports it: the page offers "More results" while the total says there are more, and a page past
  // the window is refused.
  const total = Math.min(MAX_RESULT_WINDOW, exact ? matched : Math.max(sample.length, estimated));
  // Facets of a partial sample are scaled to the (estimated) number of matches.
  const scale = sample.length < asked ? 1 : (exact ? matched : estimated) / sample.length;
  return { total, totalExact: exact && total < MAX_RESULT_WINDOW, facets: sampleFacets(sample, scale) };
}

function sampleFacets(sample: SampleRow[], scale: number): FacetCounts {
  const facets: FacetCounts = emptyFacets();
  for (const [, type, tags] of sample) {
    facets.type[type] = (facets.type[type] ?? 0) + 1;
    for (const tag of tags) {
      const i = tag.indexOf(":");
      const facet = tag.slice(0, i) as (typeof SEARCH_FACETS)[number];
      if (facets[facet] && facet !== "type") facets[facet][tag.slice(i + 1)] = (facets[facet][tag.slice(i + 1)] ?? 0) + 1;
    }
  }
  if (scale !== 1) {
    for (const counts of Object.values(facets)) for (const k of Object.keys(counts)) counts[k] = Math.max(1, Math.round(counts[k] * scale));
  }
  return facets;
}
