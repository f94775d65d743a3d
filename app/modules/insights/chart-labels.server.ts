// Where a point's label may go without covering a point or another label. Plot draws text where it is
// told and does not avoid collisions, so the places are chosen here, in pixels, before the plot is drawn.

export type Box = { left: number; right: number; top: number; bottom: number };
export type Spot = "right" | "left" | "above" | "below" | "above-right" | "above-left" | "below-right" | "below-left";
/** Tried in this order: beside the point first, then above or below it, centred or leaning away from an edge. */
export const SPOTS: Spot[] = ["right", "left", "above", "below", "above-right", "above-left", "below-right", "below-left"];

/** Which end of the text sits at the anchor: "start" runs right from it, "end" runs left. */
export const spotAnchor = (spot: Spot): "start" | "end" | "middle" =>
  spot === "right" || spot.endsWith("-right") ? "start" : spot === "left" || spot.endsWith("-left") ? "end" : "middle";
export type Obstacle = { x: number; y: number; r: number };

/**
 * Average glyph advance as a share of the font size. Sans-serif averages about 0.5 em for mixed-case
 * words; 0.62 leaves room for wide letters and digits, so an estimated box covers the drawn text.
 */
export const GLYPH_EM = 0.62;
/** Gap between a point's edge and its label. */
export const LABEL_GAP = 4;

export const textWidth = (text: string, fontSize: number) => text.length * fontSize * GLYPH_EM;

/** The box a label takes at a spot beside a point: `anchor` and `dx`/`dy` are what Plot's text mark needs. */
export function labelBox(point: Obstacle, text: string, spot: Spot, fontSize: number): Box {
  const w = textWidth(text, fontSize);
  const h = fontSize * 1.2;
  const { dx, dy } = spotOffset(spot, point.r, fontSize);
  const cx = point.x + dx;
  const cy = point.y + dy;
  const anchor = spotAnchor(spot);
  const left = anchor === "start" ? cx : anchor === "end" ? cx - w : cx - w / 2;
  return { left, right: left + w, top: cy - h / 2, bottom: cy + h / 2 };
}

/** Offset of the label's anchor from its point, for text drawn with its vertical middle on `y`. */
export function spotOffset(spot: Spot, r: number, fontSize: number): { dx: number; dy: number } {
  const away = r + LABEL_GAP;
  const half = fontSize * 0.6;
  if (spot === "right") return { dx: away, dy: 0 };
  if (spot === "left") return { dx: -away, dy: 0 };
  const dy = spot.startsWith("above") ? -(away + half) : away + half;
  // Leaning labels start at the point's centre line, so they read as its own and not a neighbour's.
  return { dx: spot.endsWith("-right") ? -r : spot.endsWith("-left") ? r : 0, dy };
}

export const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

const hitsPoint = (box: Box, p: Obstacle) => {
  // The nearest point of the box to the circle's centre.
  const nx = Math.max(box.left, Math.min(p.x, box.right));
  const ny = Math.max(box.top, Math.min(p.y, box.bottom));
  return (nx - p.x) ** 2 + (ny - p.y) ** 2 < p.r ** 2;
};

const inside = (box: Box, frame: Box) =>
  box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;

/**
 * Greedy placement in priority order: each label takes the first spot (SPOTS, in order) that
 * stays inside the frame and clears every point and every label already placed; a label with no such
 * spot is left out (the table beside the chart names every point). Returns a spot per placed index.
 */
export function placeLabels({
  points,
  labels,
  frame,
  fontSize,
  max,
}: {
  points: Obstacle[];
  /** Indexes into `points`, most important first, with their text. */
  labels: { index: number; text: string }[];
  frame: Box;
  fontSize: number;
  max: number;
}): Map<number, Spot> {
  const placed = new Map<number, Spot>();
  const taken: Box[] = [];
  for (const { index, text } of labels) {
    if (placed.size >= max) break;
    for (const spot of SPOTS) {
      const box = labelBox(points[index], text, spot, fontSize);
      if (!inside(box, frame) || points.some((p) => hitsPoint(box, p)) || taken.some((t) => overlaps(box, t))) continue;
      placed.set(index, spot);
      taken.push(box);
      break;
    }
  }
  return placed;
}

/** A title short enough to sit beside a point. */
export const shortLabel = (title: string, max = 24) => (title.length > max ? `${title.slice(0, max - 1).trimEnd()}…` : title);
