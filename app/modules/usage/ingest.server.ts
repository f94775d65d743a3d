// Usage events: validated per row, stored once per client id, and rolled up in the same statement, so
// dashboards read small per-day tables and a retried upload can never count twice (decisions 011, 017).
import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db/client";
import { NO_TEAM, eventIds, events, itemVisibility, items } from "@/db/schema";
import { col, cols } from "@/db/sql";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { audienceTeams, seesWholeLibrary } from "~/modules/library/audience.server";
import { ingestGateFor, withDeadlockRetry } from "./concurrency.server";
import { VISIBILITY_TOLERANCE_MS } from "@/vocabulary/feedback";
import { screenRows, type EventRow, type Rejection } from "./event-input.server";
import { EventRateLimiter } from "./rate-limit.server";
import { rollupCtes } from "./rollups.server";

export type IngestResult = { accepted: number; duplicates: number; clamped: number; rejected: Rejection[] };

/** Sellers and managers are the field; marketers previewing their own content must not inflate usage. */
export const isField = (user: Pick<SessionUser, "role">) => user.role === "seller" || user.role === "manager";

export async function ingestEvents(
  db: Db,
  { user, rows, now = new Date(), limiter }: { user: SessionUser; rows: unknown[]; now?: Date; limiter?: EventRateLimiter },
): Promise<IngestResult> {
  if (limiter) {
    const taken = limiter.take(user.id, Math.max(1, rows.length), now.getTime());
    if (!taken.ok) {
      throw new AppError("rate_limited", `Too many events from this account; retry in ${taken.retryAfterS} s.`, {
        retryAfterS: taken.retryAfterS,
      });
    }
  }
  const { valid, rejected, clamped } = screenRows(rows, now);
  if (valid.length === 0) return { accepted: 0, duplicates: 0, clamped, rejected };

  return ingestGateFor(db).run(() =>
    withDeadlockRetry(() =>
      db.transaction(async (tx): Promise<IngestResult> => {
        // Sent together, in one round trip; the lock's statement runs first (see insertEvents).
        const [, { inserted, kept }] = await Promise.all([lockUser(tx, user), insertEvents(tx, user, valid, now)]);
        const outcome = [...rejected];
        let stored = 0;
        for (const { index } of valid) {
          if (kept.has(index)) stored++;
          // NOTE: word for word what a random id gets, whatever the item is now (decision 019).
          else outcome.push({ index, code: "unknown_item", message: "No such item, or it is not shared with your team." });
        }
        outcome.sort((x, y) => x.index - y.index);
        return { accepted: inserted, duplicates: stored - inserted, clamped, rejected: outcome };
      }),
    ),
  );
}

/** Namespace of the per-user ingest lock (pg_advisory_xact_lock's first key), apart from any other advisory lock. */
const USER_LOCK = 0x0fe1d;

/** A Postgres array literal of already validated UUIDs: one parameter, so the statement text stays the same. */
const uuidArray = (ids: readonly string[]) => `{${ids.join(",")}}`;

/**
 * Takes the user's ingest lock, held to the end of the transaction. It also lets this transaction's
 * ingest statement keep a generic plan: its estimates never depend on the batch (the connection's
 * default re-plans every run, see db/client.ts).
 */
async function lockUser(tx: Db, user: SessionUser): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${USER_LOCK}, hashtext(${user.id}::text)), set_config('plan_cache_mode', 'auto', true)`,
  );
}

/** Per item of the batch, when it was visible to the user (for the field: by its visibility history). */
function visibilityWindows(user: SessionUser) {
  if (seesWholeLibrary(user)) {
    const i = alias(items, "i");
    return sql`select ${i.id} as item_id, '-infinity'::timestamptz as lo, 'infinity'::timestamptz as hi from ${items} i where ${i.id} in (select "itemId" from batch)`;
  }
  const v = alias(itemVisibility, "v");
  return sql`select ${v.itemId} as item_id, ${v.fromAt} as lo, coalesce(least(${v.toAt}, ${v.expiresAt}), 'infinity') as hi from ${itemVisibility} v
          where ${v.itemId} in (select "itemId" from batch) and (${v.teamId} is null or ${v.teamId} = any(${uuidArray(audienceTeams(user))}::uuid[]))`;
}

/**
 * Keeps the rows on items the user may report usage on (for the field: visible to them when the event
 * happened, give or take the clock tolerance, by the item's visibility history, so a late offline event
 * on an item archived since still counts and a draft's never does; decision 019), the first of each id,
 * remembers the ids (conflicts skipped), inserts only the new events, and adds just those to the
 * rollups (rollups.server.ts), in one statement, inside the transaction that holds the user's lock.
 * NOTE: the lock is taken in an earlier statement because a statement's snapshot is fixed when it
 * starts (READ COMMITTED: this one sees what another batch of the same seller committed).
 */
async function insertEvents(tx: Db, user: SessionUser, rows: EventRow[], now: Date): Promise<{ inserted: number; kept: Set<number> }> {
  const field = isField(user);
  const tolerance = sql.raw(`interval '${VISIBILITY_TOLERANCE_MS} milliseconds'`);
  const e = events;
  // The batch's items' windows for the user's teams first (one index range per item), then each row
  // against them: a hash join over a few hundred rows, however long the visibility history grows.
  const statement = sql`
    with batch as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(index int, id uuid, type text, "itemId" uuid, at timestamptz, props jsonb)
    ),
    windows as materialized (${visibilityWindows(user)}),
    kept as (
      select b.index from batch b where exists (
        select 1 from windows w where w.item_id = b."itemId" and w.lo <= b.at + ${tolerance} and w.hi > greatest(w.lo, b.at - ${tolerance})
      )
    ),
    input as (select distinct on (id) * from batch where index in (select index from kept) order by id, index),
    fresh as (
      insert into ${eventIds} (${cols(eventIds.id, eventIds.receivedAt)}) select id, ${now.toISOString()}::timestamptz from input
      on conflict do nothing returning ${col(eventIds.id)} as id
    ),
    -- NOTE: "(… in (…)) is true" cannot become a join, so it runs as a hashed subplan. As a join with
    -- fresh (CTEs are estimated at a row or two) it was planned as a nested loop: 500 × 500 comparisons.
    ins as (
      insert into ${e} (${cols(e.at, e.id, e.userId, e.teamId, e.itemId, e.type, e.props, e.field, e.receivedAt)})
      select i.at, i.id, ${user.id}::uuid, ${user.teamId}::uuid, i."itemId", i.type, i.props, ${field}::boolean, ${now.toISOString()}::timestamptz
      from input i where (i.id in (select id from fresh)) is true
      returning ${col(e.at)} as at, ${col(e.itemId)} as item_id, ${col(e.type)} as type, ${col(e.props)} as props
    ),
    ${rollupCtes({ userId: user.id, teamKey: user.teamId ?? NO_TEAM, field })}
    select (select count(*)::int from ins) as inserted, array(select index from kept) as kept
  `;
  const [row] = rowsOf<{ inserted: number; kept: number[] | string }>(await tx.execute(statement));
  // postgres.js parses int[] into an array; PGlite may hand back the text form.
  const kept = Array.isArray(row.kept)
    ? row.kept.map(Number)
    : row.kept
        .replace(/^\{|\}$/g, "")
        .split(",")
        .filter(Boolean)
        .map(Number);
  return { inserted: row.inserted, kept: new Set(kept) };
}

const defaultLimiters = new WeakMap<object, EventRateLimiter>();

/** The server's limiter (services.feedback), or one per context so tests and tools get one too. */
export function eventLimiterFor(ctx: AppContext): EventRateLimiter {
  if (ctx.services.feedback?.eventLimiter) return ctx.services.feedback.eventLimiter;
  let limiter = defaultLimiters.get(ctx.services);
  if (!limiter) {
    limiter = new EventRateLimiter();
    defaultLimiters.set(ctx.services, limiter);
  }
  return limiter;
}
