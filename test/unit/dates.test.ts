import { expect, it } from "vitest";
import { formatDate, formatDateTime } from "~/components/dates";

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
