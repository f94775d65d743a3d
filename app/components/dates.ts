// Dates rendered on the server and again in the browser must print identically, or hydration
// fails: a fixed locale and UTC, never the machine's or the browser's defaults.

/** "24 Nov 2026" */
export const formatDate = (value: string | Date) =>
  new Date(value).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "24 Nov 2026, 09:05 UTC" */
export const formatDateTime = (value: string | Date) =>
  `${new Date(value).toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" })} UTC`;
