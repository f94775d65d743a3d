// The part of the ingest statement that adds a batch's new events to the rollups (decision 011):
// CTEs that read `ins` (the events just stored: at, item_id, type, props) and upsert the per-day
// tables in key order, so concurrent batches lock rows in the same order.
import { sql, type SQL } from "drizzle-orm";
import { FIRST_USE_GAP, itemSellerDaily, itemSellerGaps, itemUsageDaily, sellerDaily } from "@/db/schema";
import { col, cols } from "@/db/sql";
import { addCounters, counterColumns, countersFromEvents } from "@/db/usage-rollups";

/**
 * `item_seller_gaps` keeps, per day × item, how many sellers came back after how many days (decision
 * 011). A new active day changes its own gap and that of the seller's next active day on the item, if
 * one exists (an offline phone syncing late): that row moves from its old gap to the new one.
 * NOTE: the gaps are computed from the seller's days as this statement sees them, so two batches of one
 * seller must not run at once: the caller holds the seller's lock (ingest.server.ts).
 */
export function rollupCtes({ userId, teamKey, field }: { userId: string; teamKey: string; field: boolean }): SQL {
  const s = itemSellerDaily;
  const g = itemSellerGaps;
  const a = sellerDaily;
  return sql`
    counted as (
      select (at at time zone 'UTC')::date as day, item_id, ${countersFromEvents()}, count(*) as events
      from ins where ${field}::boolean group by 1, 2
    ),
    totals as (
      insert into ${itemUsageDaily} (${cols(itemUsageDaily.day, itemUsageDaily.itemId)}, ${counterColumns()})
      select day, item_id, ${counterColumns()}
      from counted order by day, item_id
      on conflict (${cols(itemUsageDaily.day, itemUsageDaily.itemId)}) do update set ${addCounters(itemUsageDaily)}
    ),
    sellers as (
      insert into ${s} (${cols(s.day, s.itemId, s.userId, s.teamId, s.events)}, ${counterColumns()})
      select day, item_id, ${userId}::uuid, ${teamKey}::uuid, events, ${counterColumns()}
      from counted order by day, item_id
      on conflict (${cols(s.day, s.itemId, s.userId)}) do update set ${col(s.events)} = ${s.events} + excluded.${col(s.events)}, ${addCounters(s)}
      returning ${col(s.day)} as day, ${col(s.itemId)} as item_id, ${col(s.events)} as events
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
        select s.${col(s.day)} as day from ${s} s where s.${col(s.userId)} = ${userId}::uuid and s.${col(s.itemId)} = span.item_id and s.${col(s.day)} >= span.lo
        offset 0
      ) d
      union all
      select span.item_id, p.day from span cross join lateral (
        select s.${col(s.day)} as day from ${s} s where s.${col(s.userId)} = ${userId}::uuid and s.${col(s.itemId)} = span.item_id and s.${col(s.day)} < span.lo
        order by s.${col(s.day)} desc limit 1
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
      insert into ${g} (${cols(g.day, g.itemId, g.gap, g.sellers)})
      select day, item_id, gap, sum(n) from moves group by day, item_id, gap having sum(n) <> 0 order by day, item_id, gap
      on conflict (${cols(g.day, g.itemId, g.gap)}) do update set ${col(g.sellers)} = ${g.sellers} + excluded.${col(g.sellers)}
    ),
    active as (
      insert into ${a} (${cols(a.day, a.userId, a.teamId, a.events, a.views)})
      select day, ${userId}::uuid, ${teamKey}::uuid, sum(events), sum(views) from counted group by day order by day
      on conflict (${cols(a.day, a.userId)}) do update set ${col(a.events)} = ${a.events} + excluded.${col(a.events)}, ${col(a.views)} = ${a.views} + excluded.${col(a.views)}
    )`;
}
