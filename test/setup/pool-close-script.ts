// A script that uses the file worker pool once and then awaits its close at the top level, as the seed
// does (scripts/db-seed.ts): run by test/integration/file-workers.test.ts, which wants exit code 0 and
// "closed". The file to inspect is the first argument.
import { createFileWorkerPool } from "@/content/workers/pool";

const pool = createFileWorkerPool({ size: 1, memoryMb: 512, log: () => {} });
await pool.run("inspect", { file: process.argv[2], kind: "pdf" }, { budgetMs: 30_000 });
await pool.close();
console.log("closed");
