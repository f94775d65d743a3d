// Dates rendered on the server and again in the browser must print identically, or hydration
// fails: a fixed locale and UTC, never the machine's or the browser's defaults.

// NOTE: one formatter each, made once: `toLocaleString` with options builds a new Intl formatter per
// call, which was most of the time spent rendering a 50-row table.
const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** `format` throws on an invalid date where `toLocaleString` printed "Invalid Date": keep printing it. */
const formatWith = (formatter: Intl.DateTimeFormat, value: string | Date) => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "Invalid Date" : formatter.format(date);
};

/** "24 Nov 2026" */
export const formatDate = (value: string | Date) => formatWith(DATE, value);

/** "24 Nov 2026, 09:05 UTC" */
export const formatDateTime = (value: string | Date) => `${formatWith(DATE_TIME, value)} UTC`;

const RELATIVE = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/**
 * "3 days ago", "in 2 hours", "yesterday", "just now"; past a month the date itself ("24 Nov 2026"),
 * which reads better than "5 months ago" for content. `now` is passed in so the result is testable and
 * the server and the browser can agree (see RelativeTime).
 */
export function formatRelative(value: string | Date, now: Date = new Date()): string {
  const seconds = Math.round((new Date(value).getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs >= 30 * 86_400) return formatDate(value);
  for (const [unit, size] of UNITS) {
    if (abs >= size) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return RELATIVE.format(Math.round(seconds / 60), "minute");
}
