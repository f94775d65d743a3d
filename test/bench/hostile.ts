// Issue #13's liveness figures: the server (in this process, so its event loop can be measured) takes
// the hostile corpus through its real upload API from a client in another process; meanwhile the
// event-loop delay, /healthz latency and this process's memory are recorded. File workers are
// separate processes: their memory is theirs, not the server's.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createAppContext } from "../../server/context";
import { loadEnv } from "../../server/env";
import { createHttpApp, listen, loadBuild } from "../../server/http";
import { cookieFor, createUser } from "../setup/app";
import { dropDatabase, withDatabase } from "../setup/databases";
import { percentile } from "../setup/hostile-uploads";
import type { Figures } from "./figures";

type ClientReport = { seconds: number; uploads: { name: string; status: number; ms: number }[]; health: number[]; healthFailures: number };

function runClient(baseURL: string, cookie: string): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/bench/hostile-client.ts", baseURL, cookie], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`hostile client exited ${code}`))));
  });
}

export async function benchHostile(): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-bench-hostile-"));
  const adminUrl = process.env.DATABASE_URL;
  const dbName = `fieldkit_bench_hostile_${randomBytes(4).toString("hex")}`;
  let url: string | undefined;
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
    url = withDatabase(adminUrl, dbName);
  }
  const env = loadEnv({ NODE_ENV: "production", DATA_DIR: dataDir, SESSION_SECRET: randomBytes(24).toString("hex"), DEMO_SEED: "false", ...(url ? { DATABASE_URL: url } : {}) });
  const ctx = await createAppContext(env, { log: () => {} });
  const server = await listen(createHttpApp(ctx, await loadBuild()), 0, "127.0.0.1");
  try {
    const marketer = await createUser(ctx, { role: "marketer" });
    const cookie = await cookieFor(ctx, marketer.id);
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
    loop.enable();
    const report = await runClient(baseURL, cookie);
    loop.disable();
    clearInterval(rssTimer);
    const engine = url ? "PostgreSQL" : "PGlite";
    const conditions = `${report.uploads.length} hostile files (cyclic PDFs, NUL text, bad page counts, lying zip bombs, pixel bombs, truncated, garbage) uploaded one by one through the API, until every item settled (${report.seconds.toFixed(0)} s), ${engine}, ${env.FILE_WORKERS} file worker(s), ${os.cpus().length} CPUs`;
    if (report.healthFailures) throw new Error(`${report.healthFailures} health checks failed during the hostile corpus`);
    return {
      upload_hostile_loop_p99_ms: { value: Number((loop.percentile(99) / 1e6).toFixed(1)), unit: "ms", conditions: `serving process event-loop delay p99 (max ${(loop.max / 1e6).toFixed(0)} ms); ${conditions}` },
      upload_hostile_healthz_p99_ms: { value: Math.round(percentile(report.health, 99)), unit: "ms", conditions: `/healthz every 50 ms, ${report.health.length} samples; ${conditions}` },
      upload_hostile_healthz_max_ms: { value: Math.round(Math.max(...report.health)), unit: "ms", conditions: "same samples" },
      upload_hostile_rss_mb: { value: Math.round(rssMax / 1024 / 1024), unit: "MB", conditions: "serving process resident set, max over the run (file workers excluded)" },
      upload_hostile_max_ms: { value: Math.round(Math.max(...report.uploads.map((u) => u.ms))), unit: "ms", conditions: "slowest upload answer (201 or JSON 4xx)" },
    };
  } finally {
    server.close();
    server.closeAllConnections();
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropDatabase(admin, dbName).finally(() => admin.end());
    }
  }
}
