// The usage rollups' counters, written once, and the full rebuild of every rollup from the raw events
// (decision 011). Pure SQL over the tables: event ingest (app/modules/usage) adds a batch with the
// same counters, and the `insights:rebuild` script and the seeds call rebuildRollups.
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "./client";
import { col, cols } from "./sql";
import { FIRST_USE_GAP, NO_TEAM, events, itemSellerDaily, itemSellerGaps, itemUsageDaily, sellerDaily } from "./schema";
import { type EventType } from "@/vocabulary/feedback";

type CounterKey = "views" | "dwellMs" | "dwells" | "shares" | "downloads" | "searchClicks";

/**
 * Every usage counter a rollup row carries (db/schema/feedback.ts, usageCounters), and how it is
 * counted from raw events: the events of one type, or the sum of their `props.ms`.
 */
export const USAGE_COUNTERS: readonly { key: CounterKey; type: EventType; sums?: "ms" }[] = [
  { key: "views", type: "view" },
  { key: "dwellMs", type: "dwell", sums: "ms" },
  { key: "dwells", type: "dwell" },
  { key: "shares", type: "share" },
  { key: "downloads", type: "download" },
  { key: "searchClicks", type: "search_click" },
];

const counterName = (key: CounterKey) => itemUsageDaily[key].name;

/** `views, dwell_ms, …`: the counters' columns, in list order. */
export const counterColumns = () =>
  sql.join(
    USAGE_COUNTERS.map(({ key }) => sql.identifier(counterName(key))),
    sql`, `,
  );

/** Each counter counted over rows shaped like `events` (`type`, `props`), named as its column. */
export function countersFromEvents(): SQL {
  const type = col(events.type);
  return sql.join(
    USAGE_COUNTERS.map(({ key, type: eventType, sums }) => {
      const value = sums
        ? sql`coalesce(sum((${col(events.props)}->>${sql.raw(`'${sums}'`)})::bigint) filter (where ${type} = ${sql.raw(`'${eventType}'`)}), 0)`
        : sql`count(*) filter (where ${type} = ${sql.raw(`'${eventType}'`)})`;
      return sql`${value} as ${sql.identifier(counterName(key))}`;
    }),
    sql`, `,
  );
}

/** `sum(views), sum(dwell_ms), …`: the counters summed over rollup rows. */
export const summedCounters = () =>
  sql.join(
    USAGE_COUNTERS.map(({ key }) => sql`sum(${sql.identifier(counterName(key))})`),
    sql`, `,
  );

/** The `SET` of an upsert that adds the incoming counts to the row's: `views = t.views + excluded.views, …`. */
export function addCounters(table: typeof itemUsageDaily | typeof itemSellerDaily): SQL {
  return sql.join(
    USAGE_COUNTERS.map(({ key }) => {
      const name = sql.identifier(table[key].name);
      return sql`${name} = ${table[key]} + excluded.${name}`;
    }),
    sql`, `,
  );
}

/**
 * Recomputes every rollup from the raw events (`npm run insights:rebuild`): after a bug fix in the
 * rollup rules, or after loading events straight into the table. One transaction, so dashboards
 * see the old figures until the new ones are complete.
 */
export async function rebuildRollups(db: Db): Promise<{ events: number }> {
  const s = itemSellerDaily;
  return db.transaction(async (tx) => {
    await tx.execute(sql`truncate ${itemUsageDaily}, ${itemSellerDaily}, ${itemSellerGaps}, ${sellerDaily}`);
    // A seller who changed team mid-day keeps one row per day; the first team seen wins, as at ingest.
    await tx.execute(sql`
      insert into ${itemSellerDaily} (${cols(s.day, s.itemId, s.userId, s.teamId, s.events)}, ${counterColumns()})
      select (${col(events.at)} at time zone 'UTC')::date, ${col(events.itemId)}, ${col(events.userId)},
        coalesce((array_agg(${col(events.teamId)} order by ${col(events.at)}, ${col(events.id)}))[1], ${NO_TEAM}::uuid), count(*),
        ${countersFromEvents()}
      from ${events} where ${col(events.field)} and ${col(events.itemId)} is not null group by 1, 2, 3`);
    // The all-teams totals sum the same events, so they are summed from the per-seller rows.
    await tx.execute(sql`
      insert into ${itemUsageDaily} (${cols(itemUsageDaily.day, itemUsageDaily.itemId)}, ${counterColumns()})
      select ${col(s.day)}, ${col(s.itemId)}, ${summedCounters()}
      from ${itemSellerDaily} group by ${col(s.day)}, ${col(s.itemId)}`);
    await tx.execute(sql`
      insert into ${itemSellerGaps} (${cols(itemSellerGaps.day, itemSellerGaps.itemId, itemSellerGaps.gap, itemSellerGaps.sellers)})
      select day, item_id, gap, count(*) from (
        select ${col(s.day)} as day, ${col(s.itemId)} as item_id,
          coalesce(${col(s.day)} - lag(${col(s.day)}) over (partition by ${col(s.itemId)}, ${col(s.userId)} order by ${col(s.day)}), ${FIRST_USE_GAP}) as gap
        from ${itemSellerDaily}
      ) d group by day, item_id, gap`);
    await tx.execute(sql`
      insert into ${sellerDaily} (${cols(sellerDaily.day, sellerDaily.userId, sellerDaily.teamId, sellerDaily.events, sellerDaily.views)})
      select (${col(events.at)} at time zone 'UTC')::date, ${col(events.userId)},
        coalesce((array_agg(${col(events.teamId)} order by ${col(events.at)}, ${col(events.id)}))[1], ${NO_TEAM}::uuid), count(*),
        count(*) filter (where ${col(events.type)} = 'view')
      from ${events} where ${col(events.field)} and ${col(events.itemId)} is not null group by 1, 2`);
    const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from ${events}`));
    return { events: n };
  });
}
