// The server as a process: configuration errors stop start-up with a message naming the variable,
// and SIGTERM shuts down cleanly (HTTP closed, database closed, exit code 0).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts", "--no-build"], {
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

describe("server process", () => {
  it.each([
    ["PORT", { PORT: "not-a-port" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://nope" }],
    ["SESSION_SECRET", { NODE_ENV: "production", SESSION_SECRET: "" }],
  ])("refuses to start with a bad %s and names it", async (name, env) => {
    const proc = run({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "fk-bad-")), ...env });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain(name);
  });

  it("shuts down on SIGTERM with exit code 0, closing HTTP and the database", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "fk-term-"));
    const port = await freePort();
    const proc = run({ DATA_DIR: dataDir, PORT: String(port), DEMO_SEED: "false", NODE_ENV: "test" });
    for (;;) {
      if (proc.child.exitCode !== null) throw new Error(proc.output());
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A keep-alive connection must not hold the process open.
    await fetch(`http://127.0.0.1:${port}/login`);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain("shutting down");
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
