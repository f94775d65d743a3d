// Dates rendered on the server and again in the browser must print identically, or hydration
// fails: a fixed format in English and UTC, never the machine's or the browser's defaults.
// NOTE: written out by hand rather than with Intl: the first Intl formatter a page makes loads the
// browser's locale data, 47 ms on the main thread of a desktop (about 190 ms on a phone) while the page
// hydrates, and Node's and the browser's ICU versions may spell a month differently. The output is
// Intl's en-GB, word for word (test/unit/dates.test.ts compares them).

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** `format` throws on an invalid date where `toLocaleString` printed "Invalid Date": keep printing it. */
const formatWith = (print: (date: Date) => string, value: string | Date) => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "Invalid Date" : print(date);
};
const day = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

/** "24 Nov 2026" */
export const formatDate = (value: string | Date) => formatWith(day, value);

/** "24 Nov 2026, 09:05 UTC" */
export const formatDateTime = (value: string | Date) =>
  `${formatWith((d) => `${day(d)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`, value)} UTC`;

type Unit = "week" | "day" | "hour" | "minute";
const UNITS: [Unit, number][] = [
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];
/** What Intl.RelativeTimeFormat("en-GB", { numeric: "auto" }) says for ±1 of a unit. */
const NEXT_LAST: Partial<Record<Unit, [last: string, next: string]>> = {
  week: ["last week", "next week"],
  day: ["yesterday", "tomorrow"],
};
const relative = (n: number, unit: Unit) => {
  const words = NEXT_LAST[unit];
  if (words && Math.abs(n) === 1) return words[n < 0 ? 0 : 1];
  const amount = `${Math.abs(n)} ${unit}${Math.abs(n) === 1 ? "" : "s"}`;
  return n < 0 ? `${amount} ago` : `in ${amount}`;
};

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
    if (abs >= size) return relative(Math.round(seconds / size), unit);
  }
  return relative(Math.round(seconds / 60), "minute");
}

/**
 * The years a date sent to Fieldkit may fall in. JavaScript takes year 0 and years up to 275760; PostgreSQL
 * has no year 0 and stops at 294276 (and cannot read a six-digit year back), so such a date passed every
 * check and failed inside a query, answering 500. No date anyone means is outside these.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 9999;
export const DATE_RANGE_MESSAGE = `Enter a date between ${FIRST_YEAR} and ${LAST_YEAR}.`;
/**
 * The end of a range's last day (`YYYY-MM-DD`), exclusive: the next midnight UTC, or for 9999-12-31 the
 * last instant of it, since the day after is a five-digit year that PostgreSQL refuses (500s once).
 */
export const endOfDay = (day: string): Date =>
  new Date(Math.min(Date.parse(`${day}T00:00:00Z`) + 86_400_000, Date.parse(`${LAST_YEAR}-12-31T23:59:59.999Z`)));

export const storableDate = (value: string | Date): boolean => {
  const year = new Date(value).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
};
