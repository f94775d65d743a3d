// The job queue's leases: a running job keeps its claim, a dead process's job is claimed again soon.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createJobRunner, enqueueJob, isJobAbandoned, releaseLeases } from "@/content/jobs";
import { rowsOf } from "@/db/client";
import { createTestApp, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LEASE = 400;

async function job(kind: string) {
  await enqueueJob(app.db, kind);
  const [row] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from jobs where kind = ${kind}`));
  return Number(row.id);
}
const state = async (id: number) =>
  rowsOf<{ done: boolean; attempts: number }>(
    await app.db.execute(sql`select done_at is not null as done, attempts from jobs where id = ${id}`),
  )[0];

describe("job leases", () => {
  it("renews the lease of a running job, so another process does not claim it too", async () => {
    const kind = "lease-renewed";
    const id = await job(kind);
    let runs = 0;
    const handlers = { [kind]: { run: async () => void (runs++, await sleep(LEASE * 3)) } };
    const a = createJobRunner({ db: app.db, handlers, leaseMs: LEASE, log: () => {} });
    const b = createJobRunner({ db: app.db, handlers, leaseMs: LEASE, log: () => {} });
    const first = a.runOnce();
    await sleep(50);
    // Three leases long: without renewal the second runner would claim it after the first.
    for (let t = 0; t < 5; t++) {
      expect(await b.runOnce()).toBe(false);
      await sleep(LEASE / 2);
    }
    expect(await first).toBe(true);
    expect(runs).toBe(1);
    expect(await state(id)).toEqual({ done: true, attempts: 1 });
  });

  it("claims again, after one lease, a job whose process died holding it", async () => {
    const kind = "lease-expired";
    const id = await job(kind);
    // A process claimed it and was killed: nothing renews the claim.
    await app.db.execute(sql`update jobs set attempts = 1, locked_until = now() + ${`${LEASE} milliseconds`}::interval where id = ${id}`);
    let runs = 0;
    const runner = createJobRunner({ db: app.db, handlers: { [kind]: { run: async () => void runs++ } }, leaseMs: LEASE, log: () => {} });
    expect(await runner.runOnce()).toBe(false);
    await sleep(LEASE + 100);
    expect(await runner.runOnce()).toBe(true);
    expect(runs).toBe(1);
    expect(await state(id)).toEqual({ done: true, attempts: 2 });
  });

  it("gives up a poison job whose process died during every attempt, instead of claiming it into the same crash", async () => {
    const kind = "poison";
    await enqueueJob(app.db, kind, { versionId: "x" }, { maxAttempts: 3 });
    const [{ id }] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from jobs where kind = ${kind}`));
    // Three processes claimed it and died: the attempts were counted at each claim.
    await app.db.execute(sql`update jobs set attempts = 3, locked_until = now() - interval '1 second' where id = ${id}`);
    let runs = 0;
    const failures: unknown[] = [];
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: async () => void runs++, onFailed: async (_p, error) => void failures.push(error) } },
      leaseMs: LEASE,
      log: () => {},
    });
    expect(await runner.runOnce()).toBe(false);
    expect(runs).toBe(0);
    expect(failures).toHaveLength(1);
    expect(isJobAbandoned(failures[0])).toBe(true);
    const [row] = rowsOf<{ failed: boolean; last_error: string }>(
      await app.db.execute(sql`select failed_at is not null as failed, last_error from jobs where id = ${id}`),
    );
    expect(row).toEqual({ failed: true, last_error: expect.stringMatching(/process stopped/) });
  });

  it("stores a failure whose message holds NUL characters and text past any sensible length", async () => {
    const kind = "nul-error";
    const id = await job(kind);
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: async () => Promise.reject(new Error(`bad text \u0000 ${"x".repeat(10_000)}`)) } },
      leaseMs: LEASE,
      log: () => {},
    });
    expect(await runner.runOnce()).toBe(true);
    const [row] = rowsOf<{ last_error: string; locked: boolean }>(
      await app.db.execute(sql`select last_error, locked_until is not null as locked from jobs where id = ${id}`),
    );
    expect(row.locked).toBe(false);
    expect(row.last_error).not.toContain("\u0000");
    expect(row.last_error.length).toBeLessThanOrEqual(2_000);
  });

  it("frees held leases at the start of a single-process deployment", async () => {
    const kind = "held";
    const id = await job(kind);
    await app.db.execute(sql`update jobs set attempts = 1, locked_until = now() + interval '1 hour' where id = ${id}`);
    expect(await releaseLeases(app.db)).toBeGreaterThanOrEqual(1);
    let runs = 0;
    const runner = createJobRunner({ db: app.db, handlers: { [kind]: { run: async () => void runs++ } }, leaseMs: LEASE, log: () => {} });
    expect(await runner.runOnce()).toBe(true);
    expect(runs).toBe(1);
    expect(await state(id)).toEqual({ done: true, attempts: 2 });
  });

  it("hands back a job still running when the server stops: its attempt returned, its lease freed, its shutdown failure ignored", async () => {
    const kind = "handed-back";
    // Its last attempt: a restart that spent it would give the job up as a poison job.
    await enqueueJob(app.db, kind, {}, { maxAttempts: 1 });
    const [{ id }] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from jobs where kind = ${kind}`));
    let claimed = false;
    let closeWorker!: (error: Error) => void;
    const closing = new Promise<void>((_resolve, reject) => (closeWorker = reject));
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: () => ((claimed = true), closing) } },
      leaseMs: LEASE,
      pollMs: 20,
      log: () => {},
    });
    runner.start();
    await expect.poll(() => claimed).toBe(true);
    await runner.stop({ graceMs: 50 });
    const handedBack = async () =>
      rowsOf<{ attempts: number; free: boolean; failed: boolean; last_error: string | null }>(
        await app.db.execute(
          sql`select attempts, locked_until < now() as free, failed_at is not null as failed, last_error from jobs where id = ${id}`,
        ),
      )[0];
    expect(await handedBack()).toEqual({ attempts: 0, free: true, failed: false, last_error: null });
    // The shutdown then closes the file worker under it: that failure is not the job's.
    closeWorker(new Error("worker closed"));
    await sleep(LEASE);
    expect(await handedBack()).toEqual({ attempts: 0, free: true, failed: false, last_error: null });

    let runs = 0;
    const next = createJobRunner({ db: app.db, handlers: { [kind]: { run: async () => void runs++ } }, leaseMs: LEASE, log: () => {} });
    expect(await next.runOnce()).toBe(true);
    expect(runs).toBe(1);
    expect(await state(Number(id))).toEqual({ done: true, attempts: 1 });
  });

  it("claims no further job once stopped, after the one in hand finishes", async () => {
    const kind = "stop-then-idle";
    const first = await job(kind);
    await enqueueJob(app.db, kind, { second: true });
    const [{ id: second }] = rowsOf<{ id: number }>(
      await app.db.execute(sql`select id from jobs where kind = ${kind} and payload ? 'second'`),
    );
    let claimed = false;
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: async () => void ((claimed = true), await sleep(100)) } },
      leaseMs: LEASE,
      pollMs: 20,
      log: () => {},
    });
    runner.start();
    await expect.poll(() => claimed).toBe(true);
    await runner.stop();
    await sleep(300);
    expect(await state(first)).toEqual({ done: true, attempts: 1 });
    // Claimed during the shutdown, it would run while the database and file workers close under it.
    expect(await state(Number(second))).toEqual({ done: false, attempts: 0 });
  });

  it("lets a job that finishes within the stop's grace finish", async () => {
    const kind = "finishes-in-grace";
    const id = await job(kind);
    let claimed = false;
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: async () => void ((claimed = true), await sleep(100)) } },
      leaseMs: LEASE,
      pollMs: 20,
      log: () => {},
    });
    runner.start();
    await expect.poll(() => claimed).toBe(true);
    await runner.stop({ graceMs: 2_000 });
    expect(await state(id)).toEqual({ done: true, attempts: 1 });
  });

  it("gives up a job whose process stopped during its last attempt, after a restart that frees the leases", async () => {
    const kind = "held-last";
    const id = await job(kind);
    await app.db.execute(sql`update jobs set attempts = max_attempts, locked_until = now() + interval '1 hour' where id = ${id}`);
    expect(await releaseLeases(app.db)).toBeGreaterThanOrEqual(1);
    const failed: unknown[] = [];
    const runner = createJobRunner({
      db: app.db,
      handlers: { [kind]: { run: async () => undefined, onFailed: async (_payload, error) => void failed.push(error) } },
      leaseMs: LEASE,
      log: () => {},
    });
    await runner.runOnce();
    expect(failed).toHaveLength(1);
    expect(isJobAbandoned(failed[0])).toBe(true);
    const [row] = rowsOf<{ failed: boolean }>(await app.db.execute(sql`select failed_at is not null as failed from jobs where id = ${id}`));
    expect(row.failed).toBe(true);
  });
});
