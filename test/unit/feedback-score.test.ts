import { describe, expect, it } from "vitest";
import { toCsv } from "~/modules/csv.server";
import { median, parseDayRange, wilsonLowerBound } from "~/modules/feedback/score.server";
import { effectivenessQuadrant } from "~/modules/insights/item-insights.server";
import { weeksOf } from "~/modules/insights/scope.server";
import { wilsonUpperBound } from "~/modules/insights/library-health.server";

describe("wilsonLowerBound", () => {
  it("ranks 95 of 100 above 1 of 1", () => {
    expect(wilsonLowerBound(95, 100)).toBeGreaterThan(wilsonLowerBound(1, 1));
  });

  it("matches the published formula on known values", () => {
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 4);
    expect(wilsonLowerBound(95, 100)).toBeCloseTo(0.8882, 4);
    expect(wilsonLowerBound(0, 10)).toBe(0);
  });

  it("scores no votes as 0", () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });

  it("has an upper bound that makes 0 of 1 less damning than 0 of 20", () => {
    expect(wilsonUpperBound(0, 1)).toBeGreaterThan(wilsonUpperBound(0, 20));
    expect(wilsonUpperBound(0, 0)).toBe(1);
  });
});

describe("parseDayRange", () => {
  const now = new Date("2025-03-20T23:00:00Z");
  it("defaults to the 30 days ending today (UTC)", () => {
    expect(parseDayRange({}, now)).toEqual({ from: "2025-02-19", to: "2025-03-20" });
  });

  it("refuses impossible dates, reversed ranges and ranges over two years", () => {
    expect(parseDayRange({ from: "2025-02-30" }, now)).toEqual({ error: "`from` must be a date like 2025-01-01." });
    expect(parseDayRange({ from: "2025-03-10", to: "2025-03-01" }, now)).toEqual({ error: "`from` must not be after `to`." });
    expect(parseDayRange({ from: "2020-01-01", to: "2025-01-01" }, now)).toEqual({ error: "Choose a range of at most two years." });
  });
});

describe("toCsv", () => {
  it("quotes commas, quotes and newlines and neutralises spreadsheet formulas", () => {
    const csv = toCsv(
      [
        { key: "a", label: "A" },
        { key: "b", label: "B" },
      ],
      [
        { a: 'say "hi", ok', b: "=HYPERLINK(1)" },
        { a: "line\nbreak", b: null },
      ],
    );
    expect(csv).toBe('A,B\r\n"say ""hi"", ok",\'=HYPERLINK(1)\r\n"line\nbreak",\r\n');
  });

  it("neutralises a formula at the start of a list cell too, and leaves negative numbers alone", () => {
    const csv = toCsv(
      [
        { key: "teams", label: "Teams" },
        { key: "n", label: "N" },
      ],
      [{ teams: ['=HYPERLINK("http://x","y")', "East"], n: -5 }],
    );
    expect(csv).toBe('Teams,N\r\n"\'=HYPERLINK(""http://x"",""y""); East",-5\r\n');
  });

  it("leaves negative numbers alone", () => {
    expect(toCsv([{ key: "n", label: "N" }], [{ n: -3 }])).toBe("N\r\n-3\r\n");
  });
});

describe("median", () => {
  it("averages the middle pair of an even list and returns null for none", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
  });
});

describe("weeksOf", () => {
  it("splits a range into Monday-start weeks clipped to the range", () => {
    expect(weeksOf({ from: "2025-03-05", to: "2025-03-18" })).toEqual([
      { week: "2025-03-03", from: "2025-03-05", to: "2025-03-09" },
      { week: "2025-03-10", from: "2025-03-10", to: "2025-03-16" },
      { week: "2025-03-17", from: "2025-03-17", to: "2025-03-18" },
    ]);
  });
});

describe("effectivenessQuadrant", () => {
  const row = (title: string, views: number, useful: number, notUseful: number) => ({
    itemId: title,
    title,
    type: "deck",
    status: "published",
    views,
    uniqueSellers: 1,
    shares: 0,
    downloads: 0,
    avgDwellS: null,
    useful,
    notUseful,
    usefulShare: null,
    score: wilsonLowerBound(useful, useful + notUseful),
    buyerShares: 0,
    buyerOpened: 0,
    buyerOpenRate: null,
  });

  it("leaves unrated items out and labels the four quadrants", () => {
    const q = effectivenessQuadrant([row("a", 100, 20, 1), row("b", 90, 1, 20), row("c", 5, 30, 0), row("d", 4, 0, 5), row("e", 50, 0, 0)]);
    expect(q.points.map((p) => [p.title, p.quadrant])).toEqual([
      ["a", "star"],
      ["b", "fix"],
      ["c", "hidden_gem"],
      ["d", "retire"],
    ]);
  });
});
