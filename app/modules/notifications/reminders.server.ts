// Reminders from a periodic sweep: items expiring within 14 days and items past their verification
// interval. Each item notifies once per window: the key carries the expiry (or due) day, so a sweep that
// runs again says nothing new, and moving the date (or verifying the item) opens a new window.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { items, users } from "@/db/schema";
import { DAY_MS } from "~/modules/feedback/score.server";
import { staleAt, verifyDue } from "~/modules/library/trust-rules.server";
import { notify } from "./notify.server";
import { formatDate } from "@/vocabulary/dates";

export const EXPIRY_WINDOW_DAYS = 14;
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

type Due = { id: string; title: string; ownerId: string | null; at: Date | string };

/** The owner when they still work on the library; else every marketer. */
async function recipientsFor(db: Db) {
  const desk = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.active, true), inArray(users.role, ["marketer", "admin"])));
  const deskIds = new Set(desk.map((u) => u.id));
  const marketers = desk.filter((u) => u.role === "marketer").map((u) => u.id);
  return (r: Due) => (r.ownerId && deskIds.has(r.ownerId) ? [r.ownerId] : marketers);
}

/** `batch`: rows per read (tests make it small); the sweep goes through every due item, that many at a time. */
export async function sendReminders(
  db: Db,
  now = new Date(),
  { batch: BATCH = 1_000 } = {},
): Promise<{ expiring: number; verification: number }> {
  // NOTE: every due item, in batches. Overdue items stay overdue until someone verifies them, so a sweep
  // that read only the first 1,000 read the same 1,000 each time and never reminded anyone of the rest.
  const expiringPage = async (offset: number) =>
    rowsOf<Due>(
      await db.execute(sql`
        select i.id, i.title, i.owner_id as "ownerId", i.expires_at as at from items i
        where i.status = 'published' and i.expires_at > ${now.toISOString()}::timestamptz
          and i.expires_at <= ${new Date(now.getTime() + EXPIRY_WINDOW_DAYS * DAY_MS).toISOString()}::timestamptz
        order by i.expires_at, i.id limit ${BATCH} offset ${offset}`),
    );
  // Due for verification by the library's own rule (the "not re-verified in time" tile).
  const duePage = (offset: number): Promise<Due[]> =>
    db
      .select({ id: items.id, title: items.title, ownerId: items.ownerId, at: sql<Date | string>`${verifyDue}` })
      .from(items)
      .where(staleAt(now))
      .orderBy(verifyDue, items.id)
      .limit(BATCH)
      .offset(offset);
  const to = await recipientsFor(db);
  let sentExpiring = 0;
  let sentDue = 0;
  for (let offset = 0, rows = await expiringPage(0); rows.length; rows = rows.length < BATCH ? [] : await expiringPage((offset += BATCH))) {
    for (const r of rows) {
      const ids = await notify(db, {
        to: to(r),
        kind: "item_expiring",
        title: `“${r.title}” expires on ${formatDate(r.at)}`,
        body: "Extend its expiry, publish a replacement, or let it archive itself.",
        url: `/items/${r.id}/edit`,
        dedupeKey: `item_expiring:${r.id}:${day(r.at)}`,
        now,
      });
      sentExpiring += ids.length;
    }
  }
  for (let offset = 0, rows = await duePage(0); rows.length; rows = rows.length < BATCH ? [] : await duePage((offset += BATCH))) {
    for (const r of rows) {
      const ids = await notify(db, {
        to: to(r),
        kind: "verification_due",
        title: `“${r.title}” is due for verification (since ${formatDate(r.at)})`,
        body: "Check it is still right, then mark it verified.",
        url: `/items/${r.id}`,
        dedupeKey: `verification_due:${r.id}:${day(r.at)}`,
        now,
      });
      sentDue += ids.length;
    }
  }
  return { expiring: sentExpiring, verification: sentDue };
}
