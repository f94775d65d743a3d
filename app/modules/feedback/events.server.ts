// Usage events: validated per row, stored once per client id, and rolled up in the same statement, so
// dashboards read small per-day tables and a retried upload can never count twice.
import { and, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { EVENT_TYPES, NO_TEAM, itemAudiences, items } from "../../../db/schema";
import type { SessionUser } from "../auth/session.server";
import type { AppContext } from "../context.server";
import { AppError } from "../errors.server";
import { zodMessage } from "../api.server";
import { seesWholeLibrary } from "../library/audience.server";
import { DAY_MS } from "./score.server";
import { rowsOf } from "../../../db/client";

export const MAX_BATCH = 500;
/** Device clocks drift; anything later than this is set to the server's time. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/**
 * Events older than this are rejected, not clamped: moving them to the window's edge would credit the
 * wrong day. It also bounds how long `event_ids` must remember an id (see db/schema/feedback.ts).
 */
export const MAX_AGE_MS = 30 * DAY_MS;

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

  const known = await knownItems(db, user, [...new Set(valid.map((v) => v.row.itemId))]);
  const seen = new Set<string>();
  const fresh: Row[] = [];
  let duplicates = 0;
  for (const { index, row } of valid) {
    if (!known.has(row.itemId)) {
      rejected.push({ index, code: "unknown_item", message: "No such item, or it is not shared with your team." });
    } else if (seen.has(row.id)) {
      duplicates++;
    } else {
      seen.add(row.id);
      fresh.push(row);
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  if (fresh.length === 0) return { accepted: 0, duplicates, clamped, rejected };

  const inserted = await withDeadlockRetry(() => insertEvents(db, user, fresh, now));
  return { accepted: inserted, duplicates: duplicates + fresh.length - inserted, clamped, rejected };
}

/** Items the user may report usage on: existing and, for the field, in their audience (any status,
 * since an item may be archived after it was used offline). */
async function knownItems(db: Db, user: SessionUser, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  let where: SQL | undefined = inArray(items.id, ids);
  if (!seesWholeLibrary(user)) {
    const teams = [...new Set([...(user.teamId ? [user.teamId] : []), ...user.leadsTeamIds])];
    const audience = teams.length
      ? sql`(not exists (select 1 from ${itemAudiences} a where a.item_id = ${items.id})
            or exists (select 1 from ${itemAudiences} a where a.item_id = ${items.id}
                       and a.team_id in (${sql.join(teams.map((t) => sql`${t}::uuid`), sql`, `)})))`
      : sql`not exists (select 1 from ${itemAudiences} a where a.item_id = ${items.id})`;
    where = and(where, audience);
  }
  const found = await db.select({ id: items.id }).from(items).where(where);
  return new Set(found.map((f) => f.id));
}

/**
 * One round trip: remember the ids (conflicts skipped), insert only the new events, and add just those
 * to the rollups. NOTE: rollup rows are upserted in key order so concurrent batches lock them in the
 * same order; a deadlock is still possible across the three tables and is retried by the caller.
 */
async function insertEvents(db: Db, user: SessionUser, rows: Row[], now: Date): Promise<number> {
  const teamKey = user.teamId ?? NO_TEAM;
  const field = isField(user);
  const result = await db.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id uuid, type text, "itemId" uuid, at timestamptz, props jsonb)
    ),
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
      select (at at time zone 'UTC')::date as day, item_id, type, props from ins where ${field}::boolean
    ),
    usage as (
      insert into usage_daily (day, item_id, team_id, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select day, item_id, ${teamKey}::uuid,
        count(*) filter (where type = 'view'),
        coalesce(sum((props->>'ms')::bigint) filter (where type = 'dwell'), 0),
        count(*) filter (where type = 'dwell'),
        count(*) filter (where type = 'share'),
        count(*) filter (where type = 'download'),
        count(*) filter (where type = 'search_click')
      from counted group by day, item_id order by day, item_id
      on conflict (day, item_id, team_id) do update set
        views = usage_daily.views + excluded.views,
        dwell_ms = usage_daily.dwell_ms + excluded.dwell_ms,
        dwells = usage_daily.dwells + excluded.dwells,
        shares = usage_daily.shares + excluded.shares,
        downloads = usage_daily.downloads + excluded.downloads,
        search_clicks = usage_daily.search_clicks + excluded.search_clicks
    ),
    sellers as (
      insert into item_seller_daily (day, item_id, user_id, team_id, events)
      select day, item_id, ${user.id}::uuid, ${teamKey}::uuid, count(*) from counted
      group by day, item_id order by day, item_id
      on conflict (day, item_id, user_id) do update set events = item_seller_daily.events + excluded.events
    ),
    active as (
      insert into seller_daily (day, user_id, team_id, events, views)
      select day, ${user.id}::uuid, ${teamKey}::uuid, count(*), count(*) filter (where type = 'view') from counted group by day order by day
      on conflict (day, user_id) do update set events = seller_daily.events + excluded.events, views = seller_daily.views + excluded.views
    )
    select count(*)::int as inserted from ins
  `);
  return rowsOf<{ inserted: number }>(result)[0].inserted;
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
    await tx.execute(sql`truncate usage_daily, item_seller_daily, seller_daily`);
    await tx.execute(sql`
      insert into usage_daily (day, item_id, team_id, views, dwell_ms, dwells, shares, downloads, search_clicks)
      select (at at time zone 'UTC')::date, item_id, coalesce(team_id, ${NO_TEAM}::uuid),
        count(*) filter (where type = 'view'),
        coalesce(sum((props->>'ms')::bigint) filter (where type = 'dwell'), 0),
        count(*) filter (where type = 'dwell'),
        count(*) filter (where type = 'share'),
        count(*) filter (where type = 'download'),
        count(*) filter (where type = 'search_click')
      from events where field and item_id is not null group by 1, 2, 3`);
    // A seller who changed team mid-day keeps one row per day; the first team seen wins, as at ingest.
    await tx.execute(sql`
      insert into item_seller_daily (day, item_id, user_id, team_id, events)
      select (at at time zone 'UTC')::date, item_id, user_id,
        coalesce((array_agg(team_id order by at, id))[1], ${NO_TEAM}::uuid), count(*)
      from events where field and item_id is not null group by 1, 2, 3`);
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
