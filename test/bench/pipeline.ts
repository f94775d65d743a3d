// The file pipeline under a realistic batch: 100 ordinary files (PDFs, Word, PowerPoint, Excel, photos)
// uploaded through the same calls as the API, then processed by the job runner until every version is
// ready. Throughput is documents per second from the first upload to the last preview, through the
// file worker pool, and beside it the same batch with the same tasks run in this process (what the
// pipeline did before the pool) as the same-run baseline.
import os from "node:os";
import { sql } from "drizzle-orm";
import type { AppContext } from "~/modules/context.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { createItemsFromUpload } from "~/modules/library/create-item.server";
import { fieldsObject, receiveUpload } from "~/modules/library/upload.server";
import { inlineFileWork } from "@/content/workers/inline";
import { createFileWorkers, type FileWork } from "@/content/workers/pool";
import { rowsOf } from "@/db/client";
import { loadEnv, type Env } from "~/env.server";
import { ordinaryCorpus, type CorpusFile } from "../setup/corpus";
import type { Figures } from "./figures";
import { uploadApp } from "./upload-app";

/** Uploads `files` ten per request as the API does, and runs the jobs until every version is processed. */
async function uploadAndProcess(app: AppContext, user: SessionUser, files: CorpusFile[]) {
  const storage = app.services.storage!;
  for (let i = 0; i < files.length; i += 10) {
    const form = new FormData();
    for (const f of files.slice(i, i + 10)) form.append("file", new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.filename);
    const upload = await receiveUpload(
      new Request("http://localhost/api/v1/items", { method: "POST", body: form }),
      storage,
      app.env.MAX_UPLOAD_MB,
    );
    const results = await createItemsFromUpload(app, user, {
      files: upload.files,
      fields: fieldsObject(upload.fields, ["tags", "audiences"]),
    });
    await upload.cleanup();
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;
  }
  await app.services.jobs!.runUntilIdle();
}

/**
 * Seconds from the first upload of `corpus` to its last version processed. `warmUp` (one file of each
 * kind) goes through first, untimed: a running server's workers are started and have loaded their
 * libraries, and a start-up inside the clock weighed more the fewer files a run has.
 */
async function processBatch(corpus: CorpusFile[], warmUp: CorpusFile[], makeWork: (env: Env) => FileWork): Promise<number> {
  const { app, user, close } = await uploadApp("pipeline", makeWork);
  try {
    await uploadAndProcess(app, user, warmUp);
    const started = performance.now();
    await uploadAndProcess(app, user, corpus);
    const seconds = (performance.now() - started) / 1000;
    const statuses = rowsOf<{ s: string; n: number }>(
      await app.db.execute(sql`select preview_status as s, count(*)::int as n from item_versions group by 1`),
    );
    const notReady = statuses.filter((r) => r.s !== "ready" && r.s !== "none");
    if (notReady.length) throw new Error(`versions not ready: ${JSON.stringify(notReady)}`);
    return seconds;
  } finally {
    await close();
  }
}

export async function benchPipeline(opts: { quick: boolean }): Promise<Figures> {
  const count = opts.quick ? 12 : 100;
  const corpus = await ordinaryCorpus(count);
  const others = await ordinaryCorpus(20, 11);
  const warmUp = [...new Set(others.map((f) => f.kind))].map((kind) => others.find((f) => f.kind === kind)!);
  const inlineRun = () => processBatch(corpus, warmUp, () => inlineFileWork());
  const pooledRun = () =>
    processBatch(corpus, warmUp, (env) =>
      createFileWorkers({ size: env.FILE_WORKERS, memoryMb: env.FILE_WORKER_MEMORY_MB, log: () => {} }),
    );
  // Each twice, in mirrored order (baseline, pool, pool, baseline): whatever else the machine does
  // meanwhile — the database still vacuuming after the groups before, a page cache filling — falls on
  // both alike. Run once each, baseline first, two quick runs gave 0.80 and 0.93 (session 22).
  const inlineFirst = await inlineRun();
  const pooledFirst = await pooledRun();
  const pooledSecond = await pooledRun();
  const inlineSecond = await inlineRun();
  const inline = (inlineFirst + inlineSecond) / 2;
  const pooled = (pooledFirst + pooledSecond) / 2;
  const conditions = `${count} files (40 % text PDFs of 3-8 pages, 20 % DOCX, 10 % PPTX, 10 % XLSX, 20 % 2000×1400 photos), 10 per upload request, after one untimed file of each kind, upload → every version ready (text, page previews, derivatives), in-memory PGlite, ${os.cpus().length} CPUs`;
  return {
    pipeline_docs_per_s: {
      value: Number((count / pooled).toFixed(2)),
      unit: "docs/s",
      conditions: `file worker pool (${loadEnv({}).FILE_WORKERS} worker(s)); ${conditions}`,
    },
    pipeline_inprocess_docs_per_s: {
      value: Number((count / inline).toFixed(2)),
      unit: "docs/s",
      conditions: `baseline: the same tasks in the serving process, as before the pool; ${conditions}`,
    },
    pipeline_vs_inprocess: {
      value: Number((inline / pooled).toFixed(2)),
      unit: "ratio",
      conditions: `pool throughput ÷ in-process throughput, same run, each twice in mirrored order (${[inlineFirst, pooledFirst, pooledSecond, inlineSecond].map((t) => `${t.toFixed(1)} s`).join(", ")})`,
    },
  };
}
