// What the search service knows about Meilisearch beyond "it answers": settings it missed while down,
// documents it lacks (never built, writes failing), and so whether a search may trust its answer.
// Postgres is written first by every sync, so it is never behind Meilisearch: when in doubt, it answers.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { searchDocuments, searchOutbox, searchSynonyms } from "@/db/schema";
import { allDocuments } from "./documents";
import type { SearchIndex } from "./types";

/** How long a search relies on its last look at whether Meilisearch lacks changes. */
const TRUST_TTL_MS = 1_000;

export async function storedSynonyms(db: Db): Promise<string[][]> {
  const rows = await db.select({ terms: searchSynonyms.terms }).from(searchSynonyms);
  return rows.map((r) => r.terms);
}

/** Changes waiting, or -1 when the database cannot say. */
export async function pendingChanges(db: Db): Promise<number> {
  // NOTE: the failure may be the database itself (restarting): this count must not throw, or the
  // rejection escapes the timer and kills the process.
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(searchOutbox)
    .then(
      ([row]) => Number(row.n),
      () => -1,
    );
}

/**
 * True while Meilisearch lacks changes Postgres has, so its answers may show archived or narrowed items
 * (or nothing): the outbox's oldest row failed in Meilisearch or has waited over a minute (the sync marks
 * every row it could not apply, oldest first), or Meilisearch is empty while Postgres is not (set up, not
 * built yet). NOTE: asked of the database and Meilisearch, never of the sync's memory: with
 * WEB_CONCURRENCY > 1 only one worker runs the sync. A primary-key look-up and a stats call.
 */
async function meiliLacksChanges(db: Db, meili: SearchIndex): Promise<boolean> {
  const [result, meiliDocs] = await Promise.all([
    db.execute(sql`
      select (select ${searchOutbox.attempts} > 0 or ${searchOutbox.createdAt} < now() - interval '1 minute'
                from ${searchOutbox} order by ${searchOutbox.id} limit 1) as failing,
             exists (select from ${searchDocuments}) as indexed`),
    meili.count().catch(() => -1),
  ]);
  const [row] = rowsOf<{ failing: boolean | null; indexed: boolean }>(result);
  return Boolean(row.failing) || (row.indexed && meiliDocs === 0);
}

export type MeiliKeeper = ReturnType<typeof createMeiliKeeper>;

export function createMeiliKeeper({
  db,
  postgres,
  meili,
  log,
}: {
  db: Db;
  postgres: SearchIndex;
  meili: SearchIndex;
  log: (line: string) => void;
}) {
  let last: { until: number; trusted: Promise<boolean> } | undefined;
  /** Counts not compared with Postgres's since start-up or the last failed sync. */
  let unverified = true;
  /** This process is rebuilding Meilisearch (or must, after a failed build). */
  let rebuilding = false;
  /** What the synonym groups were when this process last gave them to Meilisearch. */
  let appliedSynonyms: string | undefined;

  const keeper = {
    /** Meilisearch missed a settings or synonym change while down; the sync applies it when it is back. */
    needsSetup: true,

    async setup() {
      await meili.setup();
      await meili.applySynonyms(await storedSynonyms(db));
      keeper.needsSetup = false;
    },

    /**
     * Before Meilisearch takes changes again: settings, then a rebuild from the library when it holds
     * fewer documents than Postgres and the outbox account for. NOTE: Meilisearch unreachable at start-up
     * (or a first build that failed) was left empty, and draining the outbox never filled it: every
     * search answered "Nothing found" until someone ran `npm run search:reindex`.
     */
    async catchUp() {
      if (!unverified) return;
      if (keeper.needsSetup) await keeper.setup();
      const [have, want, queued] = await Promise.all([meili.count(), postgres.count(), pendingChanges(db)]);
      if (have + Math.max(queued, 0) < want) {
        rebuilding = true;
        log(`search: Meilisearch holds ${have} of ${want} documents; rebuilding it from the library`);
        const { documents } = await meili.rebuild(allDocuments(db));
        log(`search: indexed ${documents} published items (Meilisearch).`);
      }
      keeper.rebuilt();
    },

    /**
     * Each sync, on the one worker that syncs: the groups as stored, given again whenever they changed.
     * NOTE: a marketer's change reaches Meilisearch from whichever worker took it; when that failed (down at
     * the moment), or two changes crossed (each worker pushed the whole set it had read, the last one won),
     * only that worker knew, and it never syncs. A digest of a small table, once a second.
     */
    async syncSynonyms() {
      const [row] = rowsOf<{ digest: string }>(
        await db.execute(sql`
          select md5(coalesce(string_agg(${searchSynonyms.id}::text || ':' || array_to_string(${searchSynonyms.terms}, ','), ';'
                 order by ${searchSynonyms.id}), '')) as digest
          from ${searchSynonyms}`),
      );
      if (row.digest === appliedSynonyms) return;
      await meili.applySynonyms(await storedSynonyms(db));
      appliedSynonyms = row.digest;
    },

    /** A complete copy of the library is in Meilisearch (catch-up or reindex). */
    rebuilt() {
      rebuilding = false;
      unverified = false;
    },

    /** After a failed sync: Meilisearch may have lost its data meanwhile (a container recreated without its volume). */
    failed() {
      unverified = true;
    },

    /** Whether Meilisearch may answer searches; asked again at most once a `TRUST_TTL_MS` unless `fresh`. */
    trusted(fresh = false): Promise<boolean> {
      if (rebuilding) return Promise.resolve(false);
      if (fresh || !last || Date.now() > last.until) {
        // A database that cannot answer cannot answer searches either: Meilisearch is then the better bet.
        const trusted = meiliLacksChanges(db, meili).then(
          (lacks) => !lacks,
          () => true,
        );
        last = { until: Date.now() + TRUST_TTL_MS, trusted };
      }
      return last.trusted;
    },

    /** The sync just changed what Meilisearch holds: this worker's next search looks again. */
    forget() {
      last = undefined;
    },
  };
  return keeper;
}
