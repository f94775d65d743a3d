// Reminders from a periodic sweep: items expiring within 14 days and items past their verification
// interval. Each item reminds each person once per window: the claim's key carries the expiry (or due) day,
// so a sweep that runs again says nothing new, and moving the date (or verifying the item) opens a new
// window. A person with more than a few new ones in a sweep gets one notification that counts them and
// leads to the library's list of them: a library of thousands whose items came due together (an import
// 90 days ago, a first sweep) gave a marketer hundreds of notices, and as many pushes, at once.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { items, users, type NotificationKind } from "@/db/schema";
import { DAY_MS } from "~/modules/feedback/score.server";
import { staleAt, verifyDue } from "~/modules/library/trust-rules.server";
import { TOLD_ONE_BY_ONE } from "./kinds.server";
import { notify } from "./notify.server";
import { formatDate } from "@/vocabulary/dates";

export const EXPIRY_WINDOW_DAYS = 14;
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

type Due = { id: string; title: string; ownerId: string | null; at: Date | string };
type Claimed = { count: number; first: Due[]; allOwn: boolean };

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

type Reminder = {
  kind: Extract<NotificationKind, "item_expiring" | "verification_due">;
  /** Pages of due items, oldest window first. */
  page: (tx: Db, offset: number) => Promise<Due[]>;
  one: (r: Due) => { title: string; body: string; url: string };
  many: (n: number, titles: string, own: boolean) => { title: string; body: string; url: string };
};

/** One window of one item: `verification_due:<item>:<due day>`. */
const windowKey = (kind: Reminder["kind"], r: Due) => `${kind}:${r.id}:${day(r.at)}`;

const quoted = (first: Due[], count: number) => {
  const names = first.slice(0, 2).map((r) => `“${r.title}”`);
  return count > names.length ? `${names.join(", ")} and ${count - names.length} more` : names.join(" and ");
};

/**
 * Claims every due item's window for each of its recipients, `batch` rows at a time, then tells each person
 * what they had not been told: one by one, or as one. One transaction per kind: the claims exist exactly
 * when the notifications do.
 */
async function remind(db: Db, reminder: Reminder, to: (r: Due) => string[], now: Date, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = new Map<string, Claimed>();
    for (
      let offset = 0, rows = await reminder.page(tx, 0);
      rows.length;
      rows = rows.length < batch ? [] : await reminder.page(tx, (offset += batch))
    ) {
      const byKey = new Map(rows.map((r) => [windowKey(reminder.kind, r), r]));
      const wanted = [...byKey].flatMap(([k, r]) => to(r).map((u) => ({ u, k })));
      if (wanted.length === 0) continue;
      const fresh = rowsOf<{ userId: string; key: string }>(
        await tx.execute(sql`
          insert into reminder_claims (user_id, key, claimed_at)
          select r.u, r.k, ${now.toISOString()}::timestamptz from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as r(u uuid, k text)
          on conflict do nothing
          returning user_id as "userId", key`),
      );
      for (const { userId, key } of fresh) {
        const r = byKey.get(key)!;
        const c = claimed.get(userId) ?? { count: 0, first: [], allOwn: true };
        c.count++;
        if (c.first.length < TOLD_ONE_BY_ONE) c.first.push(r);
        c.allOwn &&= r.ownerId === userId;
        claimed.set(userId, c);
      }
    }
    let sent = 0;
    for (const [userId, c] of claimed) {
      const notices =
        c.count <= TOLD_ONE_BY_ONE
          ? c.first.map((r) => ({ ...reminder.one(r), dedupeKey: windowKey(reminder.kind, r) }))
          : [{ ...reminder.many(c.count, quoted(c.first, c.count), c.allOwn), dedupeKey: undefined }];
      for (const n of notices) sent += (await notify(tx, { to: userId, kind: reminder.kind, ...n, now })).length;
    }
    return sent;
  });
}

/** `batch`: rows per read (tests make it small); the sweep goes through every due item, that many at a time. */
export async function sendReminders(db: Db, now = new Date(), { batch = 1_000 } = {}): Promise<{ expiring: number; verification: number }> {
  const to = await recipientsFor(db);
  // NOTE: every due item, in batches. Overdue items stay overdue until someone verifies them, so a sweep
  // that read only the first 1,000 read the same 1,000 each time and never reminded anyone of the rest.
  const expiring: Reminder = {
    kind: "item_expiring",
    page: async (tx, offset) =>
      rowsOf<Due>(
        await tx.execute(sql`
          select i.id, i.title, i.owner_id as "ownerId", i.expires_at as at from items i
          where i.status = 'published' and i.expires_at > ${now.toISOString()}::timestamptz
            and i.expires_at <= ${new Date(now.getTime() + EXPIRY_WINDOW_DAYS * DAY_MS).toISOString()}::timestamptz
          order by i.expires_at, i.id limit ${batch} offset ${offset}`),
      ),
    one: (r) => ({
      title: `“${r.title}” expires on ${formatDate(r.at)}`,
      body: "Extend its expiry, publish a replacement, or let it archive itself.",
      url: `/items/${r.id}/edit`,
    }),
    many: (n, titles, own) => ({
      title: `${n} items expire within ${EXPIRY_WINDOW_DAYS} days`,
      body: `${titles}. Extend their expiry, publish replacements, or let them archive themselves.`,
      url: `/library?expiring=30&sort=expires&dir=asc${own ? "&owner=me" : ""}`,
    }),
  };
  // Due for verification by the library's own rule (the "not re-verified in time" tile).
  const verification: Reminder = {
    kind: "verification_due",
    page: (tx, offset) =>
      tx
        .select({ id: items.id, title: items.title, ownerId: items.ownerId, at: sql<Date | string>`${verifyDue}` })
        .from(items)
        .where(staleAt(now))
        .orderBy(verifyDue, items.id)
        .limit(batch)
        .offset(offset),
    one: (r) => ({
      title: `“${r.title}” is due for verification (since ${formatDate(r.at)})`,
      body: "Check it is still right, then mark it verified.",
      url: `/items/${r.id}`,
    }),
    many: (n, titles, own) => ({
      title: `${n} items are due for verification`,
      body: `${titles}. Check each is still right, then mark it verified.`,
      url: `/library?needs=stale${own ? "&owner=me" : ""}`,
    }),
  };
  return {
    expiring: await remind(db, expiring, to, now, batch),
    verification: await remind(db, verification, to, now, batch),
  };
}
