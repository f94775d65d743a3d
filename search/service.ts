// The search service the app holds: picks the engine from configuration, keeps the Postgres engine
// current as the always-available fallback, drains the outbox into every engine (retrying while one
// is down), and answers searches from Meilisearch when it can and from Postgres when it cannot, or
// when Meilisearch lacks changes (search/meili-keeper.ts).
import { asc, gt, inArray, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { itemTombstones, items, searchOutbox } from "@/db/schema";
import { allDocuments, buildDocuments } from "./documents";
import { queueSearchSync } from "./outbox";
import { createMeiliIndex, type MeiliConfig } from "./meilisearch";
import { createMeiliKeeper, pendingChanges, storedSynonyms, type MeiliKeeper } from "./meili-keeper";
import { createPostgresIndex } from "./postgres";
import type { EngineName, EngineResult, SearchIndex, SearchRequest } from "./types";

export type SearchServiceOptions = {
  db: Db;
  /** Set when MEILI_HOST is configured. */
  meili?: MeiliConfig;
  log?: (line: string) => void;
  /** How often the background sync looks at the outbox. */
  syncIntervalMs?: number;
};

export type SearchHealth = { engine: EngineName; status: "ok" | "degraded" };
export type SearchAnswer = EngineResult & { engine: EngineName; tookMs: number };
/** `pending` is -1 when the database could not be asked (it is down too). */
export type SyncReport = { processed: number; pending: number; error?: string };

export type SearchService = {
  /** The configured engine (what /healthz reports). */
  readonly engine: EngineName;
  readonly engines: { postgres: SearchIndex; meilisearch?: SearchIndex };
  search(request: SearchRequest): Promise<SearchAnswer>;
  health(): Promise<SearchHealth>;
  /** Drains the outbox once; never throws (a failing engine leaves rows for the next attempt). */
  syncNow(): Promise<SyncReport>;
  /** Rebuilds every engine from the library, swapping new indexes in. */
  reindex(): Promise<Record<string, number>>;
  /** Pushes the stored synonym groups to every engine (Meilisearch: at once, or on the next sync). */
  reloadSynonyms(): Promise<void>;
  /** Applies settings and fills empty indexes (e.g. right after the demo seed). */
  bootstrap(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
};

const BATCH = 200;
const errorText = (error: unknown) => String((error as Error)?.message ?? error);
const MAX_BACKOFF_MS = 30_000;

/** A change Meilisearch did not take stays queued, with its attempt counted and the reason. */
async function markAttempt(db: Db, rowIds: number[], error: unknown) {
  await db
    .update(searchOutbox)
    .set({ attempts: sql`${searchOutbox.attempts} + 1`, lastError: errorText(error).slice(0, 500) })
    .where(inArray(searchOutbox.id, rowIds));
}

/** The next batch of queued changes, oldest first. */
const outboxAfter = (db: Db, after: number) =>
  db
    .select({ id: searchOutbox.id, itemId: searchOutbox.itemId })
    .from(searchOutbox)
    .where(gt(searchOutbox.id, after))
    .orderBy(asc(searchOutbox.id))
    .limit(BATCH);

async function answersWithin(meili: SearchIndex, ms: number): Promise<boolean> {
  return Promise.race([
    meili.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref?.()),
  ]);
}

/** At start-up: an empty Postgres engine while the library has published items is built now. */
async function indexPostgresIfEmpty(db: Db, postgres: SearchIndex, log: (line: string) => void) {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .where(sql`${items.status} = 'published'`);
  if (Number(n) > 0 && (await postgres.count()) === 0) {
    await postgres.rebuild(allDocuments(db));
    log(`search: indexed ${n} published items (Postgres).`);
  }
}

type Engines = { postgres: SearchIndex; meili?: SearchIndex; keeper?: MeiliKeeper; log: (line: string) => void };

/** Never a failed search: when Meilisearch fails or lacks changes, Postgres (which the sync keeps current) answers. */
async function searchWithFallback({ postgres, meili, keeper, log }: Engines, request: SearchRequest) {
  const started = performance.now();
  if (meili && keeper) {
    // Side by side, so the check adds no wait to the search.
    const [trusted, result] = await Promise.all([
      keeper.trusted(),
      meili.search(request).catch((error) => {
        log(`search: Meilisearch failed (${errorText(error)}); answered from Postgres`);
        return undefined;
      }),
    ]);
    if (trusted && result) return { ...result, engine: "meilisearch" as const, tookMs: Math.round(performance.now() - started) };
  }
  const result = await postgres.search(request);
  return { ...result, engine: "postgres" as const, tookMs: Math.round(performance.now() - started) };
}

/**
 * Items changed since `started`. NOTE: a rebuild's changes made while the copy was built went to the index
 * the swap replaced (the server's sync had applied them and cleared them from the outbox): an item archived
 * meanwhile came back to sellers' searches. They are queued again and applied to the new index.
 */
export async function changedSince(db: Db, started: string): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select ${items.id} as id from ${items} where ${items.updatedAt} >= ${started}::timestamptz
      union select ${itemTombstones.itemId} from ${itemTombstones} where ${itemTombstones.at} >= ${started}::timestamptz`),
  );
  return rows.map((r) => r.id);
}

/**
 * When a rebuild starts, for `changedSince`: now, or the start of the oldest transaction still open on this
 * database if earlier. An item's updated_at is its transaction's start (now()), so a change by a transaction
 * begun before the rebuild and committed after it read the item carries an earlier time than the rebuild's
 * own: with now() alone it was missed, and an item archived then stayed in sellers' searches.
 * NOTE: pg_stat_activity shows other roles' transaction starts only to privileged roles; the app writes
 * items with one role, whose own sessions it always sees.
 */
export async function rebuildStart(db: Db): Promise<string> {
  const [{ started }] = rowsOf<{ started: string }>(
    await db.execute(sql`
      select least(now(), (select min(xact_start) from pg_stat_activity where datname = current_database()))::text as started`),
  );
  return started;
}

export function createSearchService(options: SearchServiceOptions): SearchService {
  const { db } = options;
  const log = options.log ?? (() => {});
  const postgres = createPostgresIndex(db);
  const meili = options.meili ? createMeiliIndex(options.meili) : undefined;
  const keeper = meili ? createMeiliKeeper({ db, postgres, meili, log }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SyncReport> | undefined;
  let failures = 0;

  async function drain(): Promise<SyncReport> {
    let processed = 0;
    let meiliError: unknown;
    let after = 0;
    try {
      // A rebuild comes before the outbox: rows queued meanwhile stay and are applied to the new index.
      await keeper?.catchUp().catch((error) => (meiliError = error));
      if (meiliError === undefined) await keeper?.syncSynonyms().catch((error) => (meiliError = error));
      for (;;) {
        const rows = await outboxAfter(db, after);
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
        const rowIds = rows.map((r) => r.id);
        const { docs, remove } = await buildDocuments(
          db,
          rows.map((r) => r.itemId),
        );
        // Postgres first and always: it is the fallback, so it stays current while Meilisearch is down.
        await postgres.index(docs);
        await postgres.remove(remove);
        if (meili && keeper && meiliError === undefined) {
          try {
            if (keeper.needsSetup) await keeper.setup();
            await meili.index(docs);
            await meili.remove(remove);
          } catch (error) {
            meiliError = error;
          }
        }
        if (meiliError !== undefined) {
          // Kept for the next attempt; re-applying to Postgres then is harmless (upserts).
          await markAttempt(db, rowIds, meiliError);
          continue;
        }
        // Only the rows read: a change queued meanwhile for the same item gets its own pass.
        await db.delete(searchOutbox).where(inArray(searchOutbox.id, rowIds));
        processed += rows.length;
      }
      if (keeper?.needsSetup && meiliError === undefined) {
        await keeper.setup().catch((error) => (meiliError = error));
      }
    } catch (error) {
      meiliError ??= error;
    }
    // This worker's next search sees what the drain left, not what it saw a moment ago.
    keeper?.forget();
    if (meiliError === undefined) {
      failures = 0;
      return { processed, pending: 0 };
    }
    failures += 1;
    keeper?.failed();
    const n = await pendingChanges(db);
    log(`search sync: ${errorText(meiliError)} (${n < 0 ? "unknown number of" : n} changes waiting; retrying)`);
    return { processed, pending: n, error: errorText(meiliError) };
  }

  const service: SearchService = {
    engine: meili ? "meilisearch" : "postgres",
    engines: { postgres, meilisearch: meili },

    search: (request) => searchWithFallback({ postgres, meili, keeper, log }, request),

    async health() {
      if (!meili || !keeper) return { engine: "postgres", status: "ok" };
      const [answers, trusted] = await Promise.all([answersWithin(meili, 1_500), keeper.trusted(true)]);
      return { engine: "meilisearch", status: answers && trusted ? "ok" : "degraded" };
    },

    syncNow() {
      running ??= drain().finally(() => (running = undefined));
      return running;
    },

    async reindex() {
      const started = await rebuildStart(db);
      const out: Record<string, number> = { postgres: (await postgres.rebuild(allDocuments(db))).documents };
      if (meili && keeper) {
        await keeper.setup();
        out.meilisearch = (await meili.rebuild(allDocuments(db))).documents;
        keeper.rebuilt();
      }
      await queueSearchSync(db, await changedSince(db, started));
      await service.syncNow();
      return out;
    },

    async reloadSynonyms() {
      const groups = await storedSynonyms(db);
      await postgres.applySynonyms(groups);
      if (!meili) return;
      try {
        await meili.applySynonyms(groups);
      } catch (error) {
        keeper!.needsSetup = true;
        log(`search: synonyms will reach Meilisearch when it is back (${(error as Error)?.message ?? error})`);
      }
    },

    async bootstrap() {
      try {
        await keeper?.setup();
      } catch (error) {
        log(`search: Meilisearch is unreachable (${(error as Error)?.message ?? error}); searching with Postgres until it is back`);
      }
      await indexPostgresIfEmpty(db, postgres, log);
      if (keeper && !keeper.needsSetup) {
        await keeper.catchUp().catch((error) => log(`search: Meilisearch indexing deferred to the sync (${errorText(error)})`));
      }
    },

    start() {
      if (timer) return;
      const interval = options.syncIntervalMs ?? 1_000;
      const tick = async () => {
        const report = await service.syncNow().catch((error): SyncReport => ({ processed: 0, pending: -1, error: errorText(error) }));
        if (!timer) return;
        // Back off while an engine is down, so a dead Meilisearch is not hammered.
        const delay = report.error ? Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(failures, 5)) : interval;
        timer = setTimeout(tick, delay);
        timer.unref?.();
      };
      timer = setTimeout(tick, 0);
      timer.unref?.();
    },

    async stop() {
      const t = timer;
      timer = undefined;
      if (t) clearTimeout(t);
      await running;
    },
  };
  return service;
}
