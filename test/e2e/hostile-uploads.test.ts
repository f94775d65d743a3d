// Issue #13: no file can take Fieldkit down. The hostile corpus (generated: cyclic PDFs of every kind,
// NUL text, impossible page counts, lying zip bombs, pixel bombs, truncated and garbage files) goes
// through the real upload API of a real server process, on the pass's database. Every upload gets an
// answer, every item's processing settles, the server never exits, and killing it in the middle of a
// poison job and starting it again does not crash it again. A slow sender is hostile too: an upload that
// trickles in is stored however long it takes, one that stops arriving is let go and leaves nothing.
// (How fast health checks answer meanwhile is a benchmark figure, `upload_hostile_*`, not a test assertion.)
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@/content/storage";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { buildMissing, poll } from "../setup/fault-traffic";
import { hostileCorpus, type HostileFile } from "../setup/hostile";
import { sampleHealth, settledState, slowUpload, uploadAll, uploadFile, type UploadOutcome } from "../setup/hostile-uploads";
import type { AppServer } from "../setup/server-process";

const skip = buildMissing();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(skip)(`hostile uploads${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let fault: FaultApp;
  let server: AppServer | undefined;
  let corpus: HostileFile[];
  let outcomes: UploadOutcome[];

  beforeAll(async () => {
    corpus = await hostileCorpus();
    // A short lease, so the restart test on PostgreSQL sees the killed process's job taken up in seconds.
    // A short stall limit, so the slow-sender test waits seconds instead of a minute.
    fault = await prepareFaultApp({ env: { JOB_LEASE_SECONDS: "5", FILE_WORKER_MEMORY_MB: "768", UPLOAD_STALL_SECONDS: "2" } });
    server = await fault.start();
  });
  afterAll(async () => {
    await server?.stop();
    await fault?.destroy();
  });

  it("answers every hostile upload with 201 or a JSON 4xx, and settles every item while staying up", async () => {
    const health = sampleHealth(server!.baseURL);
    outcomes = await uploadAll(server!.baseURL, fault.marketer.cookie, corpus);
    for (const o of outcomes) {
      if (o.file.expect === "refused") {
        expect([413, 415, 422], `${o.file.name}: ${JSON.stringify(o.body)}`).toContain(o.status);
        expect(typeof o.body?.error?.message, o.file.name).toBe("string");
      } else {
        expect(o.status, `${o.file.name}: ${JSON.stringify(o.body)}\n${server!.output().slice(-3000)}`).toBe(201);
      }
    }
    const settled = new Map<string, Awaited<ReturnType<typeof settledState>>>();
    for (const o of outcomes.filter((x) => x.itemId)) {
      settled.set(
        o.file.name,
        await poll(`${o.file.name} to settle`, () => settledState(server!.baseURL, fault.marketer.cookie, o.itemId!), 120_000, 250),
      );
    }
    const samples = await health.stop();
    console.log(
      `hostile corpus: ${outcomes.length} uploads (slowest ${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms), ` +
        `${samples.length} health checks, slowest ${Math.round(Math.max(...samples.map((s) => s.ms)))} ms`,
    );

    expect(alive(server!.pid), server!.output()).toBe(true);
    expect(
      samples.filter((s) => s.status !== 200),
      "health checks that failed",
    ).toEqual([]);
    // The cycle that exhausts pdf.js ends as failed previews with a reason, the item still there.
    expect(settled.get("pattern-cycle.pdf")).toMatchObject({
      previewStatus: "failed",
      previewProblem: expect.stringMatching(/memory|longer than/),
    });
    expect(settled.get("negative-count.pdf")?.problem).toMatch(/-5 pages/);
    for (const name of ["truncated.pdf", "pdf-header-garbage.pdf", "lying-bomb.docx", "lying-bomb.pptx"]) {
      expect(settled.get(name)?.problem, name).toMatch(/damaged/);
    }
    for (const [name, state] of settled) expect(["ready", "failed", "none"], name).toContain(state!.previewStatus);
  }, 300_000);

  it("keeps the text of a PDF whose text holds NUL characters", async () => {
    const nul = outcomes.find((o) => o.file.name === "nul-text.pdf")!;
    const res = await fetch(`${server!.baseURL}/api/v1/search?q=visible+words`, { headers: { cookie: fault.marketer.cookie } });
    expect(res.status).toBe(200);
    const item = (await (
      await fetch(`${server!.baseURL}/api/v1/items/${nul.itemId}`, { headers: { cookie: fault.marketer.cookie } })
    ).json()) as any;
    expect(item.currentVersion.previewStatus).toBe("ready");
    expect(item.currentVersion.pageCount).toBe(1);
  });

  it("stores an upload that trickles in for longer than the stall limit, and keeps nothing of one that stops or is dropped", async () => {
    const png = (background: string) =>
      sharp({ create: { width: 48, height: 48, channels: 3, background } })
        .png()
        .toBuffer();
    const [moving, stopping, dropping] = await Promise.all([png("#1d4ed8"), png("#b91c1c"), png("#15803d")]);
    const files = path.join(fault.dataDir, "files");
    const tempFiles = async () => (await readdir(path.join(files, "tmp")).catch(() => [])).filter((n) => n.endsWith(".part"));
    const stored = (bytes: Buffer) => existsSync(path.join(files, "objects", sha256(bytes).slice(0, 2), sha256(bytes)));

    // ~2.4 s in 5 pieces, never 2 s without a byte.
    const trickled = await slowUpload(server!.baseURL, fault.marketer.cookie, "trickled.png", moving, { pieces: 5, gapMs: 600 });
    expect(trickled.status, JSON.stringify(trickled.body)).toBe(201);
    expect(trickled.ms).toBeGreaterThan(2_000);

    // Half of it, then silence: answered at the limit, connection closed, no object, no temp file.
    const stalled = await slowUpload(server!.baseURL, fault.marketer.cookie, "stalled.png", stopping, {
      pieces: 2,
      gapMs: 0,
      sendPieces: 1,
    });
    expect(stalled.status).toBe(408);
    expect(stalled.body.error).toMatchObject({ code: "request_timeout", message: expect.stringMatching(/2 seconds.*none of it/) });
    expect(stalled.closed).toBe(true);
    expect(stored(stopping)).toBe(false);
    await poll("the stalled upload's temp file to be removed", async () => (await tempFiles()).length === 0 || null);
    expect(server!.output()).toContain("the upload stopped arriving for 2 s");

    // Half of it, then the connection drops once the server has started writing it: nothing kept either.
    await slowUpload(server!.baseURL, fault.marketer.cookie, "dropped.png", dropping, {
      pieces: 2,
      gapMs: 0,
      sendPieces: 1,
      dropWhen: () => poll("the dropped upload to reach a temp file", async () => (await tempFiles()).length > 0 || null),
    });
    await poll("the dropped upload's temp file to be removed", async () => (await tempFiles()).length === 0 || null);
    expect(stored(dropping)).toBe(false);
    expect((await fetch(`${server!.baseURL}/healthz`)).status).toBe(200);
  });

  it("is not crashed again when killed in the middle of a poison job and started again", async () => {
    const poison = corpus.find((f) => f.name === "pattern-cycle.pdf")!;
    const { status, body } = await uploadFile(server!.baseURL, fault.marketer.cookie, "poison-again.pdf", poison.bytes);
    expect(status).toBe(201);
    // Text comes first and is quick; the page render that never ends starts right after.
    await poll(
      "the poison PDF's text",
      async () => {
        const item = (await (
          await fetch(`${server!.baseURL}/api/v1/items/${body.id}`, { headers: { cookie: fault.marketer.cookie } })
        ).json()) as any;
        return item.currentVersion.pageCount === 1;
      },
      60_000,
      100,
    );
    process.kill(server!.pid, "SIGKILL");
    await poll("the killed server to be gone", async () => !alive(server!.pid));
    server = await fault.start();
    const state = await poll(
      "the poison job to settle after the restart",
      () => settledState(server!.baseURL, fault.marketer.cookie, body.id),
      120_000,
      250,
    );
    expect(state).toMatchObject({ previewStatus: "failed", previewProblem: expect.stringMatching(/memory|longer than|stopped/) });
    expect(alive(server!.pid), server!.output()).toBe(true);
    expect((await fetch(`${server!.baseURL}/healthz`)).status).toBe(200);
  }, 300_000);
});
