// The insight charts drawn on the server with Observable Plot: ticks on both axes, plain-word axis titles,
// labels that stay clear of every point (boxes computed from the coordinates in the SVG itself), names for
// assistive technology, and markup that carries no inline styles or fixed colours.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { placeLabels, textWidth } from "~/modules/insights/chart-labels.server";
import { barChart, lineChart, quadrantChart, viewTicks, type ChartPoint } from "~/modules/insights/charts.server";

type Box = { left: number; right: number; top: number; bottom: number };

function parse(svg: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  return document.querySelector("svg")!;
}

const translate = (el: Element | null): [number, number] => {
  const m = /translate\(([-\d.e]+)[ ,]([-\d.e]+)\)/.exec(el?.getAttribute("transform") ?? "");
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
};

/** Texts of one of Plot's layers ("x-axis tick label", "y-axis label" …). */
const layerTexts = (svg: Element, layer: string) =>
  Array.from(svg.querySelectorAll(`g[data-layer="${layer}"] text`)).map((t) => t.textContent ?? "");

/** A crowded set: 40 items, most of them bunched at similar views and usefulness. */
function crowd(): ChartPoint[] {
  return Array.from({ length: 40 }, (_, i) => ({
    itemId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    title: i % 3 ? `Atlas Platform pitch deck for region ${i}` : `Q&A sheet ${i}`,
    views: i < 30 ? 40 + (i % 6) * 3 : 5 + i * 20,
    score: i < 30 ? 0.5 + (i % 5) * 0.02 : (i * 7) / 300,
    ratings: 3 + i,
    quadrant: ["star", "fix", "hidden_gem", "retire"][i % 4],
  }));
}

const quadrant = (points = crowd()) =>
  quadrantChart({
    points,
    splitViews: 45,
    splitScore: 0.52,
    label: "Effectiveness quadrant",
    href: (id) => `/insights/items/${id}?from=2026-11-01&to=2026-11-30`,
  })!;

describe("the effectiveness quadrant", () => {
  it("has ticks on both axes and axis titles in plain words", () => {
    const svg = parse(quadrant());
    const x = layerTexts(svg, "x-axis tick label").filter(Boolean);
    const y = layerTexts(svg, "y-axis tick label");
    expect(x.length).toBeGreaterThanOrEqual(4);
    expect(x[0]).toBe("0");
    expect(y).toEqual(["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"]);
    expect(svg.querySelectorAll('g[data-layer="x-axis tick"] path').length).toBe(layerTexts(svg, "x-axis tick label").length);
    const titles = [...layerTexts(svg, "x-axis label"), ...layerTexts(svg, "y-axis label")].join(" | ");
    expect(titles).toContain("Views");
    expect(titles).toContain("Found useful, adjusted for few ratings");
    expect(svg.textContent).not.toMatch(/wilson|fair score/i);
  });

  it("places labels where they cover no point and no other label, on a crowded set", () => {
    const svg = parse(quadrant());
    const fontSize = Number(svg.getAttribute("font-size"));
    // Each point's box from its own geometry: a circle's centre and radius, or a symbol's path corners.
    const points: Box[] = Array.from(svg.querySelectorAll("g.chart-point a > *")).map((el) => {
      if (el.tagName.toLowerCase() === "circle") {
        const [cx, cy, r] = ["cx", "cy", "r"].map((a) => Number(el.getAttribute(a)));
        return { left: cx - r, right: cx + r, top: cy - r, bottom: cy + r };
      }
      const [tx, ty] = translate(el);
      const nums = (el.getAttribute("d") ?? "").match(/-?\d+(\.\d+)?/g)!.map(Number);
      const xs = nums.filter((_, i) => i % 2 === 0).map((v) => v + tx);
      const ys = nums.filter((_, i) => i % 2 === 1).map((v) => v + ty);
      return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
    });
    expect(points).toHaveLength(40);
    const boxes: Box[] = Array.from(svg.querySelectorAll("g.chart-label")).flatMap((g) => {
      const [dx, dy] = translate(g);
      const anchor = g.getAttribute("text-anchor") ?? "middle";
      return Array.from(g.querySelectorAll("text")).map((t) => {
        const [tx, ty] = translate(t);
        const w = textWidth(t.textContent ?? "", fontSize);
        const x = tx + dx;
        const y = ty + dy;
        const left = anchor === "start" ? x : anchor === "end" ? x - w : x - w / 2;
        return { left, right: left + w, top: y - fontSize * 0.6, bottom: y + fontSize * 0.6 };
      });
    });
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const b of boxes) {
      for (const p of points) {
        const overlap = b.left < p.right && p.left < b.right && b.top < p.bottom && p.top < b.bottom;
        expect(overlap, `label at ${b.left},${b.top} over point at ${p.left},${p.top}`).toBe(false);
      }
      for (const other of boxes) {
        if (other === b) continue;
        const overlap = b.left < other.right && other.left < b.right && b.top < other.bottom && other.top < b.bottom;
        expect(overlap, `labels at ${b.left},${b.top} and ${other.left},${other.top}`).toBe(false);
      }
    }
  });

  it("is a named group of named links, with no inline styles or fixed colours", () => {
    const markup = quadrant();
    const svg = parse(markup);
    expect(svg.getAttribute("role")).toBe("group");
    expect(svg.getAttribute("aria-label")).toBe("Effectiveness quadrant");
    const links = Array.from(svg.querySelectorAll("a"));
    expect(links).toHaveLength(40);
    for (const a of links) {
      expect(a.getAttribute("href")).toMatch(/^\/insights\/items\/[0-9a-f-]{36}\?from=2026-11-01&to=2026-11-30$/);
      expect(a.getAttribute("aria-label")).toMatch(/: \d+ views, \d+ % found useful \(\d+ ratings\)$/);
    }
    expect(markup).not.toMatch(/<style|style="/);
    expect(markup).not.toMatch(/(fill|stroke)="(#|rgb|white|black)/i);
    // Everything but the links is hidden from assistive technology: the table beside it says it all.
    for (const g of Array.from(svg.children)) if (!g.querySelector("a")) expect(g.getAttribute("aria-hidden")).toBe("true");
  });

  it("escapes titles and links: markup in a title stays text", () => {
    const evil = { ...crowd()[0], title: `<script>alert(1)</script> "Q&A" &lt;b&gt;` };
    const svg = parse(quadrant([evil]));
    expect(svg.querySelector("script")).toBeNull();
    expect(svg.querySelector("a title")!.textContent).toContain(`<script>alert(1)</script> "Q&A" &lt;b&gt;`);
    expect(svg.querySelector("a")!.getAttribute("aria-label")).toContain(`"Q&A" &lt;b&gt;`);
  });

  it("draws nothing when no item is rated", () => {
    expect(quadrantChart({ points: [], splitViews: 0, splitScore: 0, label: "x", href: (id) => id })).toBeNull();
  });
});

describe("bar and line charts", () => {
  it("draws bars with a value axis, ticks and each name above its bar", () => {
    const svg = parse(
      barChart({
        data: [
          { label: "Field East", value: 120 },
          { label: "Field West", value: 40 },
        ],
        label: "Views by team",
        xLabel: "Views",
      })!,
    );
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toBe("Views by team");
    expect(layerTexts(svg, "x-axis tick label").length).toBeGreaterThanOrEqual(3);
    expect(layerTexts(svg, "x-axis label").join()).toContain("Views");
    const names = Array.from(svg.querySelectorAll("g.chart-label text"));
    const bars = Array.from(svg.querySelectorAll("g.chart-bar rect"));
    expect(names.map((t) => t.textContent)).toEqual(["Field East", "Field West"]);
    // Each name's baseline sits above the top of its bar.
    names.forEach((t, i) => {
      const [, dy] = translate(t.parentElement);
      expect(translate(t)[1] + dy + 11 * 0.3).toBeLessThanOrEqual(Number(bars[i].getAttribute("y")));
    });
  });

  it("draws a line over days with date ticks, value ticks and a percent format", () => {
    const week = (i: number) => new Date(Date.UTC(2026, 10, 2 + i * 7)).toISOString().slice(0, 10);
    const points = Array.from({ length: 8 }, (_, i) => ({ x: week(i), y: i * 10 }));
    const svg = parse(
      lineChart({ points, label: "Weekly active rate", xLabel: "Week starting", yLabel: "Active sellers (%)", max: 100, percent: true })!,
    );
    expect(layerTexts(svg, "x-axis tick label").length).toBeGreaterThanOrEqual(2);
    expect(layerTexts(svg, "y-axis tick label")).toContain("100 %");
    expect(layerTexts(svg, "y-axis label").join()).toContain("Active sellers (%)");
    expect(svg.querySelectorAll("g.chart-dot circle")).toHaveLength(8);
  });
});

describe("label placement and view ticks", () => {
  it("leaves a label out when every spot would cover a point", () => {
    const points = [
      { x: 50, y: 50, r: 6 },
      { x: 70, y: 50, r: 6 },
      { x: 30, y: 50, r: 6 },
      { x: 50, y: 35, r: 6 },
      { x: 50, y: 65, r: 6 },
    ];
    const spots = placeLabels({
      points,
      labels: [{ index: 0, text: "Hemmed in" }],
      frame: { left: 0, right: 100, top: 0, bottom: 100 },
      fontSize: 11,
      max: 5,
    });
    expect(spots.size).toBe(0);
  });

  it("ticks views at 1-2-5 steps from zero", () => {
    expect(viewTicks(60)).toEqual([0, 1, 2, 5, 10, 20, 50]);
    expect(viewTicks(100_000, 7).length).toBeLessThanOrEqual(8);
  });
});
