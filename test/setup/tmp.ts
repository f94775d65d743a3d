// A folder for one test: under the run's folder, which global setup removes when the run ends. Vitest
// kills its workers, and its files share one worker (isolate: false), so a hook in a shared module runs
// for the first file only; leaving the clean-up to the run is what reliably empties /tmp (a test run had
// left ~25 MB a time there). Outside a vitest run (benchmarks) the OS temp dir.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const runTempDir = (prefix: string): string => mkdtempSync(path.join(process.env.FIELDKIT_TEST_TMP ?? os.tmpdir(), prefix));
