// One process at a time in an embedded (PGlite) data directory. PGlite takes no lock of its own: a backup
// run beside the server opened the same directory, wrote a stale dump, and left the live database unable
// to open again. The process holding a directory writes its id beside it; another process refuses while
// that one is alive. A lock left by a killed process names a dead one, and is taken over.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

const lockFile = (dir: string) => `${dir.replace(/\/+$/, "")}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the directory for this process, or throws naming the process that has it. Returns the release. */
export function lockPgliteDir(dir: string): () => void {
  const file = lockFile(dir);
  let holder = 0;
  try {
    holder = Number(readFileSync(file, "utf8").trim());
  } catch {
    // No lock yet.
  }
  if (holder > 0 && holder !== process.pid && alive(holder)) {
    throw new Error(
      `The embedded database in ${dir} is in use by process ${holder} (a running Fieldkit server?). Stop it first, then run this again.`,
    );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}
