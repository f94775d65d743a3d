// A durable job queue in Postgres. Jobs are rows: they survive a restart, are claimed with
// `for update skip locked` (so several processes can share the queue), retried with backoff, and
// kept with their last error when they give up. One job runs at a time: the CPU is shared with requests.
// An attempt counts when a job is claimed, so a job whose process dies under it every time (a poison
// job) is given up after its last attempt instead of being claimed into the same crash forever.
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Db } from "../db/client";
import { rowsOf } from "../db/client";
import { storableMessage } from "./text";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export type Job = { id: number; kind: string; payload: Record<string, unknown>; attempts: number; maxAttempts: number };

export type JobHandler = {
  run(payload: Record<string, unknown>, job: Job): Promise<void>;
  /** Called once when the last attempt failed, e.g. to mark a preview as unavailable. */
  onFailed?(payload: Record<string, unknown>, error: unknown): Promise<void>;
  /** Re-enqueued this long after each run, for sweeps. */
  everyMs?: number;
};

/** The job's process stopped (crash, kill, restart) during each of its attempts. */
export class JobAbandoned extends Error {
  override name = "JobAbandoned";
  constructor(readonly attempts: number) {
    super(`Processing stopped unexpectedly during each of its ${attempts} attempts (the server restarted), so it was given up.`);
  }
}

/** By name, not instanceof: the runner and the handlers may hold different copies of this module. */
export const isJobAbandoned = (error: unknown): error is JobAbandoned => error instanceof Error && error.name === "JobAbandoned";

export type EnqueueOptions = { runAt?: Date; dedupeKey?: string; maxAttempts?: number };

/** Call inside the transaction that made the work necessary, so the job exists iff the change does. */
export async function enqueueJob(db: AnyDb, kind: string, payload: Record<string, unknown> = {}, options: EnqueueOptions = {}) {
  const runAt = options.runAt ?? new Date();
  await db.execute(sql`
    insert into jobs (kind, payload, run_at, max_attempts, dedupe_key)
    values (${kind}, ${JSON.stringify(payload)}::jsonb, ${runAt.toISOString()}::timestamptz, ${options.maxAttempts ?? 5}, ${options.dedupeKey ?? null})
    on conflict (dedupe_key) where done_at is null and failed_at is null do nothing`);
}

/** Frees every held lease: only for a database that one process owns (embedded PGlite), at start. */
export async function releaseLeases(db: AnyDb): Promise<number> {
  const result = await db.execute(sql`
    update jobs set locked_until = null
    where locked_until is not null and done_at is null and failed_at is null
    returning id`);
  return rowsOf(result).length;
}

export type JobRunner = {
  start(): void;
  /** Finishes the job in hand, then stops polling. */
  stop(): Promise<void>;
  /** Look for work now instead of at the next poll (call after committing an enqueue). */
  wake(): void;
  /** Runs one ready job; false when there was none. */
  runOnce(): Promise<boolean>;
  /** Runs ready jobs until none is left (tests, the import CLI, the seed). */
  runUntilIdle(options?: { kinds?: string[] }): Promise<number>;
};

const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** (attempts - 1), 15 * 60_000);

export function createJobRunner(options: {
  db: Db;
  handlers: Record<string, JobHandler>;
  pollMs?: number;
  /**
   * A claim is a lease this long, renewed every third of it while the handler runs, so a job whose
   * process died (SIGKILL, power loss) is claimed again within one lease rather than after a fixed
   * lock long enough for the slowest job.
   */
  leaseMs?: number;
  log?: (line: string) => void;
}): JobRunner {
  const { db, handlers } = options;
  const pollMs = options.pollMs ?? 2_000;
  // NOTE: long enough that an event loop busy with one slow synchronous step (a PDF page, a big image;
  // each has its own time budget) does not miss a renewal and let a second process run the same job.
  const leaseMs = options.leaseMs ?? 90_000;
  const lease = sql`${`${leaseMs} milliseconds`}::interval`;
  const log = options.log ?? ((line: string) => console.error(line));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let started = false;
  let wakeRequested = false;

  const kindIn = (kinds: string[]) => sql`kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})`;

  /** Jobs whose every attempt ended with their process gone: failed now, with the reason. */
  async function abandonExhausted(kinds: string[]) {
    const result = await db.execute(sql`
      update jobs set failed_at = now(), locked_until = null,
        last_error = coalesce(last_error || ' — ', '') || 'process stopped during the last attempt'
      where done_at is null and failed_at is null and attempts >= max_attempts
        and locked_until < now() and ${kindIn(kinds)}
      returning id, kind, payload, attempts`);
    for (const job of rowsOf<{ id: number; kind: string; payload: Record<string, unknown>; attempts: number }>(result)) {
      log(`job ${job.id} (${job.kind}) given up: its process stopped during all ${job.attempts} attempts`);
      const handler = handlers[job.kind];
      await handler.onFailed?.(job.payload, new JobAbandoned(job.attempts)).catch((e) => log(`job ${job.id} onFailed: ${String(e)}`));
      if (handler.everyMs) await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
    }
  }

  async function claim(kinds?: string[]): Promise<Job | null> {
    const known = kinds ?? Object.keys(handlers);
    if (known.length === 0) return null;
    await abandonExhausted(known);
    const result = await db.execute(sql`
      update jobs set attempts = attempts + 1, locked_until = now() + ${lease}
      where id = (
        select id from jobs
        where done_at is null and failed_at is null and run_at <= now() and attempts < max_attempts
          and (locked_until is null or locked_until < now())
          and ${kindIn(known)}
        order by run_at, id
        limit 1
        for update skip locked)
      returning id, kind, payload, attempts, max_attempts as "maxAttempts"`);
    const [row] = rowsOf<Job>(result);
    return row ? { ...row, id: Number(row.id) } : null;
  }

  async function execute(job: Job) {
    const handler = handlers[job.kind];
    const renewal = setInterval(() => {
      db.execute(sql`update jobs set locked_until = now() + ${lease} where id = ${job.id} and locked_until is not null and done_at is null and failed_at is null`).catch((e) =>
        log(`job ${job.id} (${job.kind}): lease not renewed: ${String(e)}`),
      );
    }, leaseMs / 3);
    renewal.unref();
    try {
      await handler.run(job.payload, job);
      clearInterval(renewal);
      await db.execute(sql`update jobs set done_at = now(), locked_until = null, last_error = null where id = ${job.id}`);
      if (handler.everyMs) {
        await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
      }
    } catch (error) {
      clearInterval(renewal);
      // NOTE: cleaned and bounded: a message quoting a file's text (a NUL in it) must not make this update fail too.
      const message = storableMessage(error instanceof Error ? `${error.name}: ${error.message}` : String(error), 2_000);
      if (job.attempts >= job.maxAttempts) {
        log(`job ${job.id} (${job.kind}) failed for good: ${message}`);
        await db.execute(sql`update jobs set failed_at = now(), locked_until = null, last_error = ${message} where id = ${job.id}`);
        await handler.onFailed?.(job.payload, error).catch((e) => log(`job ${job.id} onFailed: ${String(e)}`));
        if (handler.everyMs) {
          await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
        }
      } else {
        const retryAt = new Date(Date.now() + backoffMs(job.attempts));
        await db.execute(
          sql`update jobs set locked_until = null, last_error = ${message}, run_at = ${retryAt.toISOString()}::timestamptz where id = ${job.id}`,
        );
      }
    }
  }

  async function runOnce(kinds?: string[]) {
    const job = await claim(kinds);
    if (!job) return false;
    await execute(job);
    return true;
  }

  async function loop() {
    timer = undefined;
    if (!started) return;
    try {
      do {
        wakeRequested = false;
        running = runOnce();
        while (started && (await running)) running = runOnce();
      } while (started && wakeRequested);
    } catch (error) {
      log(`job runner: ${String(error)}`);
    } finally {
      running = undefined;
    }
    if (started) timer = setTimeout(loop, pollMs);
  }

  return {
    start() {
      if (started) return;
      started = true;
      // Periodic jobs exist once; after a restart the pending one is found by its key.
      const periodic = Object.entries(handlers).filter(([, h]) => h.everyMs);
      void Promise.all(periodic.map(([kind]) => enqueueJob(db, kind, {}, { dedupeKey: `every:${kind}` })))
        .catch((e) => log(`job runner: scheduling sweeps failed: ${String(e)}`))
        .finally(() => {
          if (started && !timer && !running) timer = setTimeout(loop, 0);
        });
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
    wake() {
      if (!started) return;
      wakeRequested = true;
      if (timer && !running) {
        clearTimeout(timer);
        timer = setTimeout(loop, 0);
      }
    },
    runOnce: () => runOnce(),
    async runUntilIdle(opts = {}) {
      let count = 0;
      while (await runOnce(opts.kinds)) count++;
      return count;
    },
  };
}
