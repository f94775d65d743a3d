import { expect, it } from "vitest";
import { formatDate, formatDateTime, formatRelative } from "@/vocabulary/dates";
import { seededRandom } from "../setup/random";

it("prints dates the same wherever they are rendered: fixed locale, UTC", () => {
  const tz = process.env.TZ;
  try {
    for (const zone of ["UTC", "America/Los_Angeles", "Asia/Tokyo"]) {
      process.env.TZ = zone;
      expect(formatDate("2026-11-24T23:30:00Z")).toBe("24 Nov 2026");
      expect(formatDateTime(new Date("2026-11-24T09:05:00Z"))).toBe("24 Nov 2026, 09:05 UTC");
    }
  } finally {
    process.env.TZ = tz;
  }
});

it("says how long ago in words, and the date itself past a month", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  expect(formatRelative("2026-12-02T11:59:40Z", now)).toBe("just now");
  expect(formatRelative("2026-12-02T11:55:00Z", now)).toBe("5 minutes ago");
  expect(formatRelative("2026-12-02T09:00:00Z", now)).toBe("3 hours ago");
  expect(formatRelative("2026-12-01T12:00:00Z", now)).toBe("yesterday");
  expect(formatRelative("2026-11-29T12:00:00Z", now)).toBe("3 days ago");
  expect(formatRelative("2026-11-18T12:00:00Z", now)).toBe("2 weeks ago");
  expect(formatRelative("2026-12-04T12:00:00Z", now)).toBe("in 2 days");
  expect(formatRelative("2026-10-30T08:00:00Z", now)).toBe("30 Oct 2026");
});

it("prints exactly what Intl's en-GB prints, for any date and any distance (the formats are written by hand)", () => {
  const date = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  });
  const relative = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
  const random = seededRandom(11);
  const now = new Date("2026-12-02T12:00:00Z");
  for (let i = 0; i < 5_000; i++) {
    const at = new Date(Date.UTC(1990, 0, 1) + Math.floor(random() * 60 * 365 * 86_400_000));
    expect(formatDate(at)).toBe(date.format(at));
    expect(formatDateTime(at)).toBe(`${dateTime.format(at)} UTC`);
    // Up to 40 days either side of now, in steps of a second.
    const seconds = Math.round((random() * 2 - 1) * 40 * 86_400);
    const then = new Date(now.getTime() + seconds * 1000);
    const expected =
      Math.abs(seconds) < 45
        ? "just now"
        : Math.abs(seconds) >= 30 * 86_400
          ? date.format(then)
          : (() => {
              for (const [unit, size] of [
                ["week", 7 * 86_400],
                ["day", 86_400],
                ["hour", 3_600],
              ] as const)
                if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
              return relative.format(Math.round(seconds / 60), "minute");
            })();
    expect(formatRelative(then, now), `${seconds} s`).toBe(expected);
  }
  expect(formatDate("not a date")).toBe("Invalid Date");
});
