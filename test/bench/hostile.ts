// Issue #13's liveness figures: the production server, in a process of its own, takes the hostile
// corpus through its real upload API from a client in this process; meanwhile the server measures its
// event-loop delay and memory, and the client the /healthz latency. File workers are separate
// processes: their memory is theirs, not the server's.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import postgres from "postgres";
import { dropDatabase, withDatabase } from "../setup/databases";
import { hostileCorpus } from "../setup/hostile";
import { percentile, sampleHealth, settledState, uploadAll } from "../setup/hostile-uploads";
import type { Figures } from "./figures";

export async function benchHostile(): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-bench-hostile-"));
  const adminUrl = process.env.DATABASE_URL;
  const dbName = `fieldkit_bench_hostile_${randomBytes(4).toString("hex")}`;
  let url = "";
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
    url = withDatabase(adminUrl, dbName);
  }
  const server = spawn(process.execPath, ["--import", "tsx", "test/bench/hostile-server.ts", dataDir, url], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the bench server exited early");
    return JSON.parse(value);
  };
  try {
    const { baseURL, cookie, fileWorkers } = await next();
    const corpus = await hostileCorpus();
    const health = sampleHealth(baseURL);
    const started = performance.now();
    const uploads = await uploadAll(baseURL, cookie, corpus);
    for (const u of uploads.filter((x) => x.itemId)) {
      const deadline = Date.now() + 180_000;
      while (!(await settledState(baseURL, cookie, u.itemId!))) {
        if (Date.now() > deadline) throw new Error(`${u.file.name} did not settle in 180 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const samples = await health.stop();
    server.stdin.write("stop\n");
    const stats = await next();
    const failures = samples.filter((s) => s.status !== 200).length;
    if (failures) throw new Error(`${failures} health checks failed during the hostile corpus`);
    const ms = samples.map((s) => s.ms);
    const conditions = `${uploads.length} hostile files (cyclic PDFs, NUL text, bad page counts, lying zip bombs, pixel bombs, truncated, garbage) uploaded one by one through the API, until every item settled (${seconds.toFixed(0)} s), ${url ? "PostgreSQL" : "PGlite (in the server process)"}, ${fileWorkers} file worker(s), ${os.cpus().length} CPUs`;
    return {
      upload_hostile_loop_p99_ms: {
        value: Number(stats.loopP99Ms.toFixed(1)),
        unit: "ms",
        conditions: `serving process event-loop delay p99 (max ${stats.loopMaxMs.toFixed(0)} ms); ${conditions}`,
      },
      upload_hostile_healthz_p99_ms: {
        value: Math.round(percentile(ms, 99)),
        unit: "ms",
        conditions: `/healthz every 50 ms, ${ms.length} samples; ${conditions}`,
      },
      upload_hostile_healthz_max_ms: { value: Math.round(Math.max(...ms)), unit: "ms", conditions: "same samples" },
      upload_hostile_rss_mb: {
        value: Math.round(stats.rssMaxMb),
        unit: "MB",
        conditions: "serving process resident set, max over the run (file workers excluded)",
      },
      upload_hostile_max_ms: {
        value: Math.round(Math.max(...uploads.map((u) => u.ms))),
        unit: "ms",
        conditions: "slowest upload answer (201 or JSON 4xx)",
      },
    };
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropDatabase(admin, dbName).finally(() => admin.end());
    }
  }
}
