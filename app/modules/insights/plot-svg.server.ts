// Observable Plot on the server: a DOM shim to draw into, and the clean-up that turns Plot's figure into
// markup the page can inline under our CSP and in both colour themes (decision 029).
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Geometry attributes whose numbers are rounded: sub-pixel digits cost page weight and show nothing. */
const GEOMETRY = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "d", "transform"];
const roundNumbers = (value: string) => value.replace(/-?\d+\.\d{2,}(e-?\d+)?/g, (n) => String(Math.round(Number(n) * 10) / 10));

type PlotOptions = Plot.PlotOptions;

/**
 * Recent drawings by their inputs. A chart takes 3–10 ms to draw on this stack (DOM shim and Plot), and
 * the same page with the same figures is asked for again and again; the output depends only on the key.
 */
const drawn = new Map<string, string>();
const DRAWN_MAX = 200;

/** `draw()` once per distinct `key` among the most recent ones. */
export function memoChart(key: string, draw: () => string | null): string | null {
  const hit = drawn.get(key);
  if (hit !== undefined) {
    // Re-insert: a Map iterates in insertion order, so the oldest entry is the least recently used.
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  const svg = draw();
  if (svg === null) return null;
  drawn.set(key, svg);
  if (drawn.size > DRAWN_MAX) drawn.delete(drawn.keys().next().value!);
  return svg;
}

/**
 * Draws `options` with Plot and returns the SVG markup. `role` is "img" for a picture of the table next
 * to it, or "group" when the chart holds links (an image's content is hidden from assistive technology,
 * and links inside it would be reachable by Tab but nameless).
 */
export function renderPlot(
  options: PlotOptions,
  { label, role, fontSize = 11 }: { label: string; role: "img" | "group"; fontSize?: number },
): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const figure = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as Element;
  // NOTE: Plot adds a <style> block (with a white background variable) and a generated class: both are
  // dropped so the chart takes the app's colours in light and dark mode and no inline stylesheet ships.
  for (const style of Array.from(figure.querySelectorAll("style"))) style.remove();
  for (const name of ["class", "font-family", "width", "height", "style"]) figure.removeAttribute(name);
  // A wide chart keeps most of its size on a phone (app.css): scaled to 350 px, its labels were 7 px.
  figure.setAttribute("class", (options.width ?? 640) >= 500 ? "chart-svg chart-wide" : "chart-svg");
  figure.setAttribute("font-size", String(fontSize));
  figure.setAttribute("role", role);
  figure.setAttribute("aria-label", label);
  for (const el of Array.from(figure.querySelectorAll("*"))) {
    // Plot names its layers ("x-axis tick", "dot") with aria-label; they are not names for people, so
    // the name moves to a data attribute (tests and stylesheets can still find an axis by it).
    const layer = el.tagName.toLowerCase() === "g" ? el.getAttribute("aria-label") : null;
    if (layer) {
      el.removeAttribute("aria-label");
      el.setAttribute("data-layer", layer);
    }
    for (const attr of GEOMETRY) {
      const v = el.getAttribute(attr);
      // Relative offsets ("0.32em") are Plot's baseline shifts, not coordinates.
      if (v && v.includes(".") && !v.endsWith("em")) el.setAttribute(attr, roundNumbers(v));
    }
  }
  for (const link of Array.from(figure.querySelectorAll("a"))) {
    // The tooltip is the point's only visible text, so the link's name is the same words.
    const title = link.querySelector("title")?.textContent;
    if (title) link.setAttribute("aria-label", title);
    link.removeAttribute("fill");
  }
  if (role === "group") {
    // Only the links speak; axes, gridlines and labels repeat what the links and the table say.
    for (const g of Array.from(figure.children)) if (!g.querySelector("a")) g.setAttribute("aria-hidden", "true");
  }
  // NOTE: linkedom escapes quotes in attribute values but not "&", and a title such as "Q&amp;A notes"
  // would then be decoded by the browser; escape it last, after every attribute was read.
  for (const el of [figure, ...Array.from(figure.querySelectorAll("*"))]) {
    for (const attr of Array.from(el.attributes))
      if (attr.value.includes("&")) el.setAttribute(attr.name, attr.value.replaceAll("&", "&amp;"));
  }
  return figure.outerHTML;
}

export { Plot };
