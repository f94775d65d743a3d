// An upload's bytes exist nowhere else: storage syncs the file before giving it its name, and the name
// (its directory) before the version row that points at it commits. A power cut cannot be made here, so
// the order of the system calls is what is checked, with strace watching a real store.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runTempDir } from "../setup/tmp";

const strace = spawnSync("strace", ["-V"]).status === 0;

describe.skipIf(!strace)(`storing an upload${strace ? "" : " (skipped: strace is not installed)"}`, () => {
  it("syncs the file before it is renamed into place, then the directory that names it", () => {
    const dir = runTempDir("fieldkit-durability-");
    const script = path.join(dir, "store.mjs");
    writeFileSync(
      script,
      `const { createLocalStorage, writeTempFile } = await import(${JSON.stringify(path.resolve("content/storage.ts"))});
       const storage = createLocalStorage(${JSON.stringify(path.join(dir, "root"))});
       async function* body() { yield Buffer.from("an upload that exists nowhere else"); }
       const t = await writeTempFile(storage, body(), 1e6);
       await storage.putTemp(t.tempFile, t.key);
       console.log(t.key);`,
    );
    const log = path.join(dir, "strace.log");
    const key = execFileSync(
      "strace",
      ["-f", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", log, process.execPath, "--import", "tsx", script],
      { encoding: "utf8" },
    ).trim();
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line.includes(path.join(dir, "root")))
      .map((line) => line.replace(/^\d+\s+/, "").replace(path.join(dir, "root"), "ROOT"));
    const temp = /^fsync\(\d+<ROOT\/tmp\/[^>]+\.part>\) = 0$/;
    expect(
      calls.map((c) => (temp.test(c) ? "fsync(temp)" : c.replace(/^rename\w*\(.*$/, "rename").replace(/^fsync\(\d+</, "fsync("))),
    ).toEqual(["fsync(temp)", "rename", `fsync(ROOT/objects/${key.slice(0, 2)}>) = 0`]);
  });
});
