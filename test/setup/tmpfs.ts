// A small, really full-able file system for disk-full tests: a tmpfs of a fixed size. Mounting needs
// root (or CAP_SYS_ADMIN); where that is refused the caller gets the reason, to skip with, never a fake.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type SmallDisk = { dir: string; unmount(): void };

export function mountSmallDisk(sizeBytes: number): SmallDisk | { skipped: string } {
  if (process.platform !== "linux") return { skipped: `tmpfs mounts need Linux (this is ${process.platform})` };
  if (typeof process.getuid === "function" && process.getuid() !== 0) return { skipped: "mounting a tmpfs needs root" };
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-full-"));
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeBytes},mode=0755`, "tmpfs", dir], { encoding: "utf8" });
  if (mount.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `mount -t tmpfs was refused here: ${(mount.stderr || mount.error?.message || "").trim()}` };
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
