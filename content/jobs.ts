// A durable job queue in Postgres. Jobs are rows: they survive a restart, are claimed with
// `for update skip locked` (so several processes can share the queue), retried with backoff, and
// kept with their last error when they give up. One job runs at a time: the CPU is shared with requests.
// An attempt counts when a job is claimed, so a job whose process dies under it every time (a poison
// job) is given up after its last attempt instead of being claimed into the same crash forever.
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { jobs } from "@/db/schema";
import { col, cols } from "@/db/sql";
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
    insert into ${jobs} (${cols(jobs.kind, jobs.payload, jobs.runAt, jobs.maxAttempts, jobs.dedupeKey)})
    values (${kind}, ${JSON.stringify(payload)}::jsonb, ${runAt.toISOString()}::timestamptz, ${options.maxAttempts ?? 5}, ${options.dedupeKey ?? null})
    on conflict (${col(jobs.dedupeKey)}) where ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null do nothing`);
}

/**
 * Frees every held lease: only for a database that one process owns (embedded PGlite), at start. Expired
 * rather than cleared: a job on its last attempt is failed (`abandonExhausted`) only once its lease has
 * run out, and a NULL one never does; cleared, such a job (a sweep too, holding its dedupe key, so it
 * was never queued again) stayed pending for good.
 */
export async function releaseLeases(db: AnyDb): Promise<number> {
  const result = await db.execute(sql`
    update ${jobs} set ${col(jobs.lockedUntil)} = now() - interval '1 second'
    where ${col(jobs.lockedUntil)} is not null and ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null
    returning ${col(jobs.id)}`);
  return rowsOf(result).length;
}

export type JobRunner = {
  start(): void;
  /**
   * Stops polling and waits for the job in hand. With `graceMs`, a job still running after it is handed
   * back: its attempt is returned and its lease freed, so the next process runs it at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Look for work now instead of at the next poll (call after committing an enqueue). */
  wake(): void;
  /** Runs one ready job; false when there was none. */
  runOnce(): Promise<boolean>;
  /** Runs ready jobs until none is left (tests, the import CLI, the seed). */
  runUntilIdle(options?: { kinds?: string[] }): Promise<number>;
};

const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** (attempts - 1), 15 * 60_000);

type ClaimContext = { db: Db; handlers: Record<string, JobHandler>; lease: SQL; log: (line: string) => void };

const kindIn = (kinds: string[]) =>
  sql`${col(jobs.kind)} in (${sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  )})`;

/** Jobs whose every attempt ended with their process gone: failed now, with the reason. */
async function abandonExhausted({ db, handlers, log }: ClaimContext, kinds: string[]) {
  const result = await db.execute(sql`
    update ${jobs} set ${col(jobs.failedAt)} = now(), ${col(jobs.lockedUntil)} = null,
      ${col(jobs.lastError)} = coalesce(${col(jobs.lastError)} || ' — ', '') || 'process stopped during the last attempt'
    where ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null and ${col(jobs.attempts)} >= ${col(jobs.maxAttempts)}
      and ${col(jobs.lockedUntil)} < now() and ${kindIn(kinds)}
    returning ${col(jobs.id)}, ${col(jobs.kind)}, ${col(jobs.payload)}, ${col(jobs.attempts)}`);
  for (const job of rowsOf<{ id: number; kind: string; payload: Record<string, unknown>; attempts: number }>(result)) {
    log(`job ${job.id} (${job.kind}) given up: its process stopped during all ${job.attempts} attempts`);
    const handler = handlers[job.kind];
    await handler.onFailed?.(job.payload, new JobAbandoned(job.attempts)).catch((e) => log(`job ${job.id} onFailed: ${String(e)}`));
    if (handler.everyMs)
      await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
  }
}

/** Takes the next ready job under a lease (skip locked, so any number of processes can poll). */
async function claimJob(context: ClaimContext, kinds?: string[]): Promise<Job | null> {
  const { db, handlers, lease } = context;
  const known = kinds ?? Object.keys(handlers);
  if (known.length === 0) return null;
  await abandonExhausted(context, known);
  const result = await db.execute(sql`
    update ${jobs} set ${col(jobs.attempts)} = ${col(jobs.attempts)} + 1, ${col(jobs.lockedUntil)} = now() + ${lease}
    where ${col(jobs.id)} = (
      select ${col(jobs.id)} from ${jobs}
      where ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null and ${col(jobs.runAt)} <= now() and ${col(jobs.attempts)} < ${col(jobs.maxAttempts)}
        and (${col(jobs.lockedUntil)} is null or ${col(jobs.lockedUntil)} < now())
        and ${kindIn(known)}
      order by ${col(jobs.runAt)}, ${col(jobs.id)}
      limit 1
      for update skip locked)
    returning ${col(jobs.id)}, ${col(jobs.kind)}, ${col(jobs.payload)}, ${col(jobs.attempts)}, ${col(jobs.maxAttempts)} as "maxAttempts"`);
  const [row] = rowsOf<Job>(result);
  return row ? { ...row, id: Number(row.id) } : null;
}

/**
 * A deploy's restart is not the job's fault: its attempt (counted at claim) is returned, so restarts
 * during a long job do not give it up as a poison job, and its lease freed, so the next process need
 * not wait one out.
 */
async function handBack(db: Db, job: Job) {
  await db.execute(sql`
    update ${jobs} set ${col(jobs.attempts)} = greatest(${col(jobs.attempts)} - 1, 0), ${col(jobs.lockedUntil)} = now() - interval '1 second'
    where ${col(jobs.id)} = ${job.id} and ${col(jobs.lockedUntil)} is not null and ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null`);
}

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
  /** The job in hand, and how to stop renewing its lease when it is handed back. */
  let current: { job: Job; renewal: NodeJS.Timeout; handedBack: boolean } | undefined;

  const claim = (kinds?: string[]) => claimJob({ db, handlers, lease, log }, kinds);

  async function execute(job: Job) {
    const handler = handlers[job.kind];
    const renewal = setInterval(() => {
      db.execute(
        sql`update ${jobs} set ${col(jobs.lockedUntil)} = now() + ${lease} where ${col(jobs.id)} = ${job.id} and ${col(jobs.lockedUntil)} is not null and ${col(jobs.doneAt)} is null and ${col(jobs.failedAt)} is null`,
      ).catch((e) => log(`job ${job.id} (${job.kind}): lease not renewed: ${String(e)}`));
    }, leaseMs / 3);
    renewal.unref();
    const mine = { job, renewal, handedBack: false };
    current = mine;
    try {
      await handler.run(job.payload, job);
      clearInterval(renewal);
      await db.execute(
        sql`update ${jobs} set ${col(jobs.doneAt)} = now(), ${col(jobs.lockedUntil)} = null, ${col(jobs.lastError)} = null where ${col(jobs.id)} = ${job.id}`,
      );
      if (handler.everyMs) {
        await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
      }
    } catch (error) {
      clearInterval(renewal);
      // Handed back at a stop: the failure is the shutdown's (its file worker closed under it), not the job's.
      if (mine.handedBack) return;
      // NOTE: cleaned and bounded: a message quoting a file's text (a NUL in it) must not make this update fail too.
      const message = storableMessage(error instanceof Error ? `${error.name}: ${error.message}` : String(error), 2_000);
      if (job.attempts >= job.maxAttempts) {
        log(`job ${job.id} (${job.kind}) failed for good: ${message}`);
        await db.execute(
          sql`update ${jobs} set ${col(jobs.failedAt)} = now(), ${col(jobs.lockedUntil)} = null, ${col(jobs.lastError)} = ${message} where ${col(jobs.id)} = ${job.id}`,
        );
        await handler.onFailed?.(job.payload, error).catch((e) => log(`job ${job.id} onFailed: ${String(e)}`));
        if (handler.everyMs) {
          await enqueueJob(db, job.kind, job.payload, { runAt: new Date(Date.now() + handler.everyMs), dedupeKey: `every:${job.kind}` });
        }
      } else {
        const retryAt = new Date(Date.now() + backoffMs(job.attempts));
        await db.execute(
          sql`update ${jobs} set ${col(jobs.lockedUntil)} = null, ${col(jobs.lastError)} = ${message}, ${col(jobs.runAt)} = ${retryAt.toISOString()}::timestamptz where ${col(jobs.id)} = ${job.id}`,
        );
      }
    } finally {
      if (current === mine) current = undefined;
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
        // `started` read after the job in hand: read before it, a stop during that job still claimed the next.
        while ((await running) && started) running = runOnce();
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
    async stop({ graceMs }: { graceMs?: number } = {}) {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const finished = running?.catch(() => {});
      if (graceMs === undefined) return void (await finished);
      let grace: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        finished?.then(() => false),
        new Promise<boolean>((resolve) => (grace = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(grace);
      if (!late || !current) return;
      const inHand = current;
      inHand.handedBack = true;
      clearInterval(inHand.renewal);
      await handBack(db, inHand.job).then(
        () => log(`job ${inHand.job.id} (${inHand.job.kind}) handed back unfinished: the server is stopping`),
        (e) => log(`job runner: handing back failed: ${String(e)}`),
      );
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
