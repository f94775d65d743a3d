// The script a file worker process runs. worker.ts under tsx costs ~1.6 s of CPU per start (its loader
// resolves and transforms every module on the way to pdf.js, sharp and the Office readers); the same code
// bundled into one plain ES module starts in ~0.4 s. Workers start at the first upload after an idle
// minute and after every 200 tasks, and every pool in the test suite starts its own. The bundle is made
// from the source in this process (esbuild, ~15 ms), so it can never be older than the code it runs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type WorkerEntry = { script: string; execArgv: string[] };

const SOURCE = fileURLToPath(new URL("./worker.ts", import.meta.url));
// Beside the packages the bundle leaves external, so Node resolves them as it does for the source.
const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/fieldkit/", import.meta.url));

let entry: Promise<WorkerEntry> | undefined;

/** The bundled worker, or worker.ts under tsx where esbuild or the cache directory is unavailable. */
export function workerEntry(log: (line: string) => void): Promise<WorkerEntry> {
  // One build per process, however many pools ask at once.
  entry ??= bundle().catch((error: Error) => {
    log(`file workers: running worker.ts under tsx (the bundle could not be made: ${error.message})`);
    return { script: SOURCE, execArgv: ["--import", "tsx"] };
  });
  return entry;
}

async function bundle(): Promise<WorkerEntry> {
  const { build, stop } = await import("esbuild");
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  // The build runs in an esbuild service process; it is not needed again in this process.
  await stop();
  const code = result.outputFiles[0].contents;
  const script = `${CACHE_DIR}file-worker-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`;
  if (!existsSync(script)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Renamed into place: another process may be reading or writing the same bundle.
    const partial = `${script}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, script);
  }
  return { script, execArgv: [] };
}
