import { describe, expect, it } from "vitest";
import { countAndFacets, type SampleRow } from "@/search/postgres/counts";
import type { Bands } from "@/search/postgres/bands";
import { MAX_RESULT_WINDOW } from "@/search/types";

// One cut at rank 400 of 5,000 rows: band 0 is the best 400, band 1 (the final band) the rest.
const bands: Bands = { cuts: [{ rank: 400, u: "0", p: "2020-01-01" }], rows: 5_000 };
const rows = (n: number, band: number, bandMatches: number | null): SampleRow[] =>
  Array.from({ length: n }, (_, i): SampleRow => [`id-${band}-${i}`, "document", [], band, bandMatches]);

describe("countAndFacets", () => {
  it("counts exactly when the sample fills in the final band, which was counted", () => {
    const sample = [...rows(10, 0, null), ...rows(90, 1, 600)];
    expect(countAndFacets(sample, 100, bands)).toMatchObject({ total: 610, totalExact: true });
  });

  it("caps an exact count past the result window, as not exact, like Meilisearch's 1000+", () => {
    const sample = [...rows(10, 0, null), ...rows(90, 1, 3_000)];
    expect(countAndFacets(sample, 100, bands)).toMatchObject({ total: MAX_RESULT_WINDOW, totalExact: false });
  });

  it("reports an exact count of the whole window as not exact, since a page cannot go past it", () => {
    const sample = [...rows(10, 0, null), ...rows(90, 1, MAX_RESULT_WINDOW - 10)];
    expect(countAndFacets(sample, 100, bands)).toMatchObject({ total: MAX_RESULT_WINDOW, totalExact: false });
  });

  it("caps an estimated count at the window", () => {
    // 300 of the best 400 match: about 3,750 of 5,000.
    expect(countAndFacets(rows(100, 0, 300), 100, bands)).toMatchObject({ total: MAX_RESULT_WINDOW, totalExact: false });
  });
});
