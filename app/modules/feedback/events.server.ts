// Usage events: validated per row, stored once per client id, and rolled up in the same statement, so
// dashboards read small per-day tables and a retried upload can never count twice.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { FIRST_USE_GAP, NO_TEAM } from "../../../db/schema";
import { EVENT_TYPES } from "../../../vocabulary/feedback";
import type { SessionUser } from "../auth/session.server";
import type { AppContext } from "../context.server";
import { AppError } from "../errors.server";
import { zodMessage } from "../api.server";
import { audienceTeams, seesWholeLibrary } from "../library/audience.server";
import { DAY_MS } from "./score.server";
import { rowsOf } from "../../../db/client";
import { ConcurrencyGate } from "./gate.server";

export { ConcurrencyGate };

export const MAX_BATCH = 500;
/** Device clocks drift; anything later than this is set to the server's time. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/**
 * Events older than this are rejected, not clamped: moving them to the window's edge would credit the
 * wrong day. It also bounds how long `event_ids` must remember an id (see db/schema/feedback.ts).
 */
export const MAX_AGE_MS = 30 * DAY_MS;
/**
 * An event counts if its item was visible to the seller within this much of its `at`: a phone's clock
 * a little behind must not lose the views of an item published a minute ago.
 */
export const VISIBILITY_TOLERANCE_MS = FUTURE_TOLERANCE_MS;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");
const at = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time, e.g. 2025-01-31T09:30:00Z" });
const base = { id: uuid, itemId: uuid, at };
const smallProps = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape).refine((p) => JSON.stringify(p).length <= 2_000, "props are limited to 2 kB");

export const EventInput = z.discriminatedUnion(
  "type",
  [
    z.object({
      ...base,
      type: z.literal("view"),
      props: smallProps({ versionId: uuid.optional(), source: z.string().max(40).optional() }).optional(),
    }),
    z.object({
      ...base,
      type: z.literal("dwell"),
      // Four hours caps a tab left open overnight.
      props: smallProps({ ms: z.number().int().min(0).max(4 * 3600_000), versionId: uuid.optional() }),
    }),
    z.object({ ...base, type: z.literal("share"), props: smallProps({ channel: z.string().max(40).optional() }).optional() }),
    z.object({ ...base, type: z.literal("download"), props: smallProps({ versionId: uuid.optional() }).optional() }),
    z.object({
      ...base,
      type: z.literal("search_click"),
      props: smallProps({ query: z.string().max(200).optional(), position: z.number().int().min(0).max(1000).optional() }).optional(),
    }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `type must be one of ${EVENT_TYPES.join(", ")}` : undefined) },
);
export type EventInput = z.infer<typeof EventInput>;

export type Rejection = { index: number; code: "invalid" | "unknown_item" | "too_old"; message: string };
export type IngestResult = { accepted: number; duplicates: number; clamped: number; rejected: Rejection[] };

/** Sellers and managers are the field; marketers previewing their own content must not inflate usage. */
export const isField = (user: Pick<SessionUser, "role">) => user.role === "seller" || user.role === "manager";

/**
 * Token bucket per user, counted in events (an empty batch costs one). Generous enough for a phone
 * flushing a week offline, tight enough that one token cannot flood the table.
 */
export class EventRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly settings: { capacity: number; refillPerSecond: number } = { capacity: 5_000, refillPerSecond: 1_000 }) {}

  /** Takes `cost` tokens or returns the seconds to wait. */
  take(key: string, cost: number, now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const { capacity, refillPerSecond } = this.settings;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 50_000) this.prune(now);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.ceil((Math.min(cost, capacity) - b.tokens) / refillPerSecond) };
  }

  private prune(now: number) {
    const full = (this.settings.capacity / this.settings.refillPerSecond) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at > full) this.buckets.delete(k);
  }
}

/** Checks the batch envelope; rows are validated one by one so a bad row never sinks the others. */
export function parseBatch(body: unknown): unknown[] {
  const rows = Array.isArray(body) ? body : body && typeof body === "object" && Array.isArray((body as { events?: unknown }).events) ? (body as { events: unknown[] }).events : null;
  if (!rows) throw new AppError("bad_request", "Send a JSON array of events: [{id, type, itemId, at, props?}].");
  if (rows.length > MAX_BATCH) {
    throw new AppError("payload_too_large", `At most ${MAX_BATCH} events per request; this one has ${rows.length}. Split the batch.`);
  }
  return rows;
}

type Row = { id: string; type: string; itemId: string; at: string; props: Record<string, unknown> };

export async function ingestEvents(
  db: Db,
  { user, rows, now = new Date(), limiter }: { user: SessionUser; rows: unknown[]; now?: Date; limiter?: EventRateLimiter },
): Promise<IngestResult> {
  if (limiter) {
    const taken = limiter.take(user.id, Math.max(1, rows.length), now.getTime());
    if (!taken.ok) {
      throw new AppError("rate_limited", `Too many events from this account; retry in ${taken.retryAfterS} s.`, { retryAfterS: taken.retryAfterS });
    }
  }
  const rejected: Rejection[] = [];
  const valid: { index: number; row: Row }[] = [];
  let clamped = 0;
  const nowMs = now.getTime();
  rows.forEach((raw, index) => {
    const parsed = EventInput.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, code: "invalid", message: zodMessage(parsed.error) });
      return;
    }
    const e = parsed.data;
    let t = Date.parse(e.at);
    if (t < nowMs - MAX_AGE_MS) {
      rejected.push({ index, code: "too_old", message: "Events older than 30 days are not accepted." });
      return;
    }
    if (t > nowMs + FUTURE_TOLERANCE_MS) {
      t = nowMs;
      clamped++;
    }
    valid.push({ index, row: { id: e.id.toLowerCase(), type: e.type, itemId: e.itemId.toLowerCase(), at: new Date(t).toISOString(), props: e.props ?? {} } });
  });

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

/**
 * Batches at once per process and database. Concurrent batches upsert the same hot rollup rows
 * (today's popular items) and hold them until commit, so beyond a few at once they queue on row locks
 * and redo their conflict checks: on 2 cores, 8 at once stored 17k events/s where 2–4 stored 27k.
 * The rest wait in memory, where waiting costs nothing.
 */
export const INGEST_CONCURRENCY = 3;
const ingestGates = new WeakMap<Db, ConcurrencyGate>();
function ingestGateFor(db: Db): ConcurrencyGate {
  let gate = ingestGates.get(db);
  if (!gate) ingestGates.set(db, (gate = new ConcurrencyGate(INGEST_CONCURRENCY)));
  return gate;
}

/** The usage counters of a rollup row (db/schema/feedback.ts, usageCounters). */
const COUNTERS = ["views", "dwell_ms", "dwells", "shares", "downloads", "search_clicks"] as const;
/** `SET` of an upsert that adds the incoming counts to a rollup row's. */
const addCounts = (table: "item_usage_daily" | "item_seller_daily") => sql.raw(COUNTERS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", "));

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

/**
 * Keeps the rows on items the user may report usage on (for the field: visible to them when the event
 * happened, give or take the clock tolerance, by the item's visibility history, so a late offline event
 * on an item archived since still counts and a draft's never does; decision 019), the first of each id,
 * remembers the ids (conflicts skipped), inserts only the new events, and adds just those to the
 * rollups, in one statement, inside the transaction that holds the user's lock (lockUser).
 *
 * `item_seller_gaps` keeps, per day × item, how many sellers came back after how many days (decision
 * 011). A new active day changes its own gap and that of the seller's next active day on the item, if
 * one exists (an offline phone syncing late): that row moves from its old gap to the new one.
 * NOTE: the gaps are computed from the seller's days as this statement sees them, so two batches of one
 * seller must not run at once: the lock serialises them, and it is taken in an earlier statement because
 * a statement's snapshot is fixed when it starts (READ COMMITTED: this one sees what the other
 * committed). Rollup rows are upserted in key order so concurrent batches lock them in the same order;
 * a deadlock is still possible across tables and is retried.
 */
async function insertEvents(
  tx: Db,
  user: SessionUser,
  rows: { index: number; row: Row }[],
  now: Date,
): Promise<{ inserted: number; kept: Set<number> }> {
  const teamKey = user.teamId ?? NO_TEAM;
  const field = isField(user);
  const tolerance = sql.raw(`interval '${VISIBILITY_TOLERANCE_MS} milliseconds'`);
  // The batch's items' windows for the user's teams first (one index range per item), then each row
  // against them: a hash join over a few hundred rows, however long the visibility history grows.
  const windows = seesWholeLibrary(user)
    ? sql`select i.id as item_id, '-infinity'::timestamptz as lo, 'infinity'::timestamptz as hi from items i where i.id in (select "itemId" from batch)`
    : sql`select v.item_id, v.from_at as lo, coalesce(least(v.to_at, v.expires_at), 'infinity') as hi from item_visibility v
          where v.item_id in (select "itemId" from batch) and (v.team_id is null or v.team_id = any(${uuidArray(audienceTeams(user))}::uuid[]))`;
  const statement = sql`
    with batch as (
      select * from jsonb_to_recordset(${JSON.stringify(rows.map(({ index, row }) => ({ index, ...row })))}::jsonb)
        as x(index int, id uuid, type text, "itemId" uuid, at timestamptz, props jsonb)
    ),
    windows as materialized (${windows}),
    kept as (
      select b.index from batch b where exists (
        select 1 from windows w where w.item_id = b."itemId" and w.lo <= b.at + ${tolerance} and w.hi > greatest(w.lo, b.at - ${tolerance})
      )
    ),
    input as (select distinct on (id) * from batch where index in (select index from kept) order by id, index),
    fresh as (
      insert into event_ids (id, received_at) select id, ${now.toISOString()}::timestamptz from input
      on conflict do nothing returning id
    ),
    ins as (
      insert into events (at, id, user_id, team_id, item_id, type, props, field, received_at)
      select i.at, i.id, ${user.id}::uuid, ${user.teamId}::uuid, i."itemId", i.type, i.props, ${field}::boolean, ${now.toISOString()}::timestamptz
      from input i join fresh f on f.id = i.id
      returning at, item_id, type, props
    ),
    counted as (
      select (at at time zone 'UTC')::date as day, item_id,
        count(*) filter (where type = 'view') as views,
        coalesce(sum((props->>'ms')::bigint) filter (where type = 'dwell'), 0) as dwell_ms,
        count(*) filter (where type = 'dwell') as dwells,
        count(*) filter (where type = 'share') as shares,
        count(*) filter (where type = 'download') as downloads,
        count(*) filter (where type = 'search_click') as search_clicks,
        count(*) as events
      from ins where ${field}::boolean group by 1, 2
    ),
    totals as (
      insert into item_usage_daily (day, item_id, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select day, item_id, views, dwell_ms, dwells, shares, downloads, search_clicks
      from counted order by day, item_id
      on conflict (day, item_id) do update set ${addCounts("item_usage_daily")}
    ),
    sellers as (
      insert into item_seller_daily (day, item_id, user_id, team_id, events, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select day, item_id, ${user.id}::uuid, ${teamKey}::uuid, events, views, dwell_ms, dwells, shares, downloads, search_clicks
      from counted order by day, item_id
      on conflict (day, item_id, user_id) do update set events = item_seller_daily.events + excluded.events, ${addCounts("item_seller_daily")}
      returning day, item_id, events
    ),
    -- The seller's first active days on these items (a row holding exactly this batch's events is new;
    -- rows always hold at least one event): the other days only add to counters.
    new_days as (select s.day, s.item_id from sellers s join counted c using (day, item_id) where s.events = c.events),
    span as (select item_id, min(day) as lo from new_days group by item_id),
    -- Their days on those items from the last one before the earliest new day, as the statement started:
    -- the only days whose gap can change. One index range per item (the primary key).
    -- NOTE: "offset 0" keeps the subquery a per-item index range; flattened, the planner scanned all of
    -- the seller's days once per item.
    known as (
      select span.item_id, d.day from span cross join lateral (
        select s.day from item_seller_daily s where s.user_id = ${user.id}::uuid and s.item_id = span.item_id and s.day >= span.lo
        offset 0
      ) d
      union all
      select span.item_id, p.day from span cross join lateral (
        select s.day from item_seller_daily s where s.user_id = ${user.id}::uuid and s.item_id = span.item_id and s.day < span.lo
        order by s.day desc limit 1
      ) p
    ),
    -- One pass in day order per item. A new day takes the gap to the day before it; a known day right
    -- after a new one moves from the gap to the last known day before it to the gap to that new day.
    ordered as (
      select item_id, day, is_new,
        day - lag(day) over w as gap,
        lag(is_new) over w as after_new,
        day - max(day) filter (where not is_new) over (w rows between unbounded preceding and 1 preceding) as old_gap
      from (select item_id, day, false as is_new from known union all select item_id, day, true from new_days) d
      window w as (partition by item_id order by day)
    ),
    moves as (
      select day, item_id, coalesce(gap, ${FIRST_USE_GAP}) as gap, 1 as n from ordered where is_new or after_new
      union all
      select day, item_id, coalesce(old_gap, ${FIRST_USE_GAP}), -1 from ordered where not is_new and after_new
    ),
    gaps as (
      insert into item_seller_gaps (day, item_id, gap, sellers)
      select day, item_id, gap, sum(n) from moves group by day, item_id, gap having sum(n) <> 0 order by day, item_id, gap
      on conflict (day, item_id, gap) do update set sellers = item_seller_gaps.sellers + excluded.sellers
    ),
    active as (
      insert into seller_daily (day, user_id, team_id, events, views)
      select day, ${user.id}::uuid, ${teamKey}::uuid, sum(events), sum(views) from counted group by day order by day
      on conflict (day, user_id) do update set events = seller_daily.events + excluded.events, views = seller_daily.views + excluded.views
    )
    select (select count(*)::int from ins) as inserted, array(select index from kept) as kept
  `;
  const [row] = rowsOf<{ inserted: number; kept: number[] | string }>(await tx.execute(statement));
  // postgres.js parses int[] into an array; PGlite may hand back the text form.
  const kept = Array.isArray(row.kept) ? row.kept.map(Number) : row.kept.replace(/^\{|\}$/g, "").split(",").filter(Boolean).map(Number);
  return { inserted: row.inserted, kept: new Set(kept) };
}

async function withDeadlockRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (i >= attempts || (code !== "40P01" && code !== "40001")) throw error;
    }
  }
}


/**
 * Recomputes every rollup from the raw events (`npm run insights:rebuild`): after a bug fix in the
 * rollup rules, or after loading events straight into the table. One transaction, so dashboards
 * see the old figures until the new ones are complete.
 */
export async function rebuildRollups(db: Db): Promise<{ events: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`truncate item_usage_daily, item_seller_daily, item_seller_gaps, seller_daily`);
    // A seller who changed team mid-day keeps one row per day; the first team seen wins, as at ingest.
    await tx.execute(sql`
      insert into item_seller_daily (day, item_id, user_id, team_id, events, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select (at at time zone 'UTC')::date, item_id, user_id,
        coalesce((array_agg(team_id order by at, id))[1], ${NO_TEAM}::uuid), count(*),
        count(*) filter (where type = 'view'),
        coalesce(sum((props->>'ms')::bigint) filter (where type = 'dwell'), 0),
        count(*) filter (where type = 'dwell'),
        count(*) filter (where type = 'share'),
        count(*) filter (where type = 'download'),
        count(*) filter (where type = 'search_click')
      from events where field and item_id is not null group by 1, 2, 3`);
    // The all-teams totals sum the same events, so they are summed from the per-seller rows.
    await tx.execute(sql`
      insert into item_usage_daily (day, item_id, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select day, item_id, sum(views), sum(dwell_ms), sum(dwells), sum(shares), sum(downloads), sum(search_clicks)
      from item_seller_daily group by day, item_id`);
    await tx.execute(sql`
      insert into item_seller_gaps (day, item_id, gap, sellers)
      select day, item_id, gap, count(*) from (
        select day, item_id, coalesce(day - lag(day) over (partition by item_id, user_id order by day), ${FIRST_USE_GAP}) as gap
        from item_seller_daily
      ) d group by day, item_id, gap`);
    await tx.execute(sql`
      insert into seller_daily (day, user_id, team_id, events, views)
      select (at at time zone 'UTC')::date, user_id,
        coalesce((array_agg(team_id order by at, id))[1], ${NO_TEAM}::uuid), count(*), count(*) filter (where type = 'view')
      from events where field and item_id is not null group by 1, 2`);
    const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from events`));
    return { events: n };
  });
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
