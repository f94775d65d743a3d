// When an item needs marketing's attention, written once for the trust lists (lifecycle.server.ts)
// and the desk table's filters (table.server.ts).
import { and, eq, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { items } from "@/db/schema";

/** When the item is due for re-verification. */
export const verifyDue = sql`(${items.verifiedAt} + make_interval(days => ${items.verifyIntervalDays}))`;

/** Published and expiring within `days` of `now`, or already expired. */
export const expiringWithin = (now: Date, days: number): SQL =>
  and(eq(items.status, "published"), isNotNull(items.expiresAt), lte(items.expiresAt, new Date(now.getTime() + days * 86_400_000)))!;

/** Published and past its re-verification date (or never verified). */
export const staleAt = (now: Date): SQL =>
  and(
    eq(items.status, "published"),
    isNotNull(items.verifyIntervalDays),
    or(isNull(items.verifiedAt), sql`${verifyDue} < ${now.toISOString()}::timestamptz`),
  )!;

/** Blocked by a problem with its file, unless archived. */
export const blocked: SQL = and(isNotNull(items.problem), sql`${items.status} <> 'archived'`)!;
