// Small pure pieces the feedback loop and the insights share: the fair usefulness score, date
// ranges and the median.
import { storableDate } from "@/vocabulary/dates";

/**
 * Lower bound of the Wilson score interval (95 %). A fair ranking for yes/no votes: 1 of 1 scores
 * about 0.21 while 95 of 100 scores about 0.89, so a single vote cannot outrank a proven item.
 */
export { wilsonLowerBound } from "@/search/usefulness";

export const DAY_MS = 86_400_000;

/** A UTC calendar day as YYYY-MM-DD (rollups are keyed by UTC day). */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export type DayRange = { from: string; to: string };

/**
 * Inclusive UTC day range from optional `from`/`to` (YYYY-MM-DD). Defaults to the 30 days ending
 * today; refuses reversed ranges and more than two years so no query is unbounded.
 */
export function parseDayRange(
  input: { from?: string | null; to?: string | null },
  now = new Date(),
  defaultDays = 30,
): DayRange | { error: string } {
  const valid = (s: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    utcDay(new Date(`${s}T00:00:00Z`)) === s &&
    storableDate(`${s}T00:00:00Z`);
  const to = input.to || utcDay(now);
  if (!valid(to)) return { error: "`to` must be a date like 2025-01-31." };
  const from = input.from || utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - (defaultDays - 1) * DAY_MS));
  if (!valid(from)) return { error: "`from` must be a date like 2025-01-01." };
  if (from > to) return { error: "`from` must not be after `to`." };
  if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > 731 * DAY_MS) {
    return { error: "Choose a range of at most two years." };
  }
  return { from, to };
}

/** Median of a list of numbers; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
