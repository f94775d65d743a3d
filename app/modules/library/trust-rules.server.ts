// When an item needs marketing's attention, written once for everything that says so: the library's
// "Needs attention" tiles and filters (table.server.ts), Insights' library health and the reminders.
import { and, eq, isNotNull, lte, sql, type SQL } from "drizzle-orm";
import { items } from "@/db/schema";

/** When the item is due for re-verification: its interval after it was last verified, or published if never. */
export const verifyDue = sql`(coalesce(${items.verifiedAt}, ${items.publishedAt}) + make_interval(days => ${items.verifyIntervalDays}))`;

/** Published and expiring within `days` of `now`, or already expired. */
export const expiringWithin = (now: Date, days: number): SQL =>
  and(eq(items.status, "published"), isNotNull(items.expiresAt), lte(items.expiresAt, new Date(now.getTime() + days * 86_400_000)))!;

/** Published and past its re-verification date. */
export const staleAt = (now: Date): SQL =>
  and(eq(items.status, "published"), isNotNull(items.verifyIntervalDays), sql`${verifyDue} < ${now.toISOString()}::timestamptz`)!;

/** Blocked by a problem with its file, unless archived. */
export const blocked: SQL = and(isNotNull(items.problem), sql`${items.status} <> 'archived'`)!;
