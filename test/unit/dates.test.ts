import { expect, it } from "vitest";
import { formatDate, formatDateTime, formatRelative } from "@/vocabulary/dates";

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
