// The job queue's leases: a running job keeps its claim, a dead process's job is claimed again soon.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createJobRunner, enqueueJob } from "../../content/jobs";
import { rowsOf } from "../../db/client";
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
  rowsOf<{ done: boolean; attempts: number }>(await app.db.execute(sql`select done_at is not null as done, attempts from jobs where id = ${id}`))[0];

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
});
