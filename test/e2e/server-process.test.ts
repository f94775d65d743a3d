// The server as a process: configuration errors stop start-up with a message naming the variable,
// and SIGTERM shuts down cleanly (HTTP closed, database closed, exit code 0).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findPostgresServer, startPostgresServer } from "../setup/postgres-server";

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
    // The embedded database lives in one process: several workers need a PostgreSQL server.
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "2" }],
  ])("refuses to start with a bad %s and names it", async (name, env) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "fk-bad-"));
    const proc = run({ DATA_DIR: dataDir, ...env });
    const exited = await proc.exited;
    rmSync(dataDir, { recursive: true, force: true });
    expect(exited).toBe(78);
    expect(proc.output()).toContain(name);
  });

  it("shuts down on SIGTERM with exit code 0, closing HTTP and the database", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "fk-term-"));
    const port = await freePort();
    const proc = run({ DATA_DIR: dataDir, PORT: String(port), DEMO_SEED: "false", NODE_ENV: "test" });
    for (;;) {
      if (proc.child.exitCode !== null) throw new Error(proc.output());
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A keep-alive connection must not hold the process open.
    await fetch(`http://127.0.0.1:${port}/login`);
    // A sign-in whose body is still arriving when the signal comes is answered, not cut off.
    const body = "email=nobody%40example.test&password=not-the-password";
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/login",
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": body.length },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        proc.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    expect(await answered).toBe(401);
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain("shutting down");
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs WEB_CONCURRENCY workers on PostgreSQL, replaces one that dies, and stops them all on SIGTERM", async () => {
    const found = findPostgresServer();
    if (!found.ok) throw new Error(found.reason);
    // A server of its own, in both CI passes: the workers need a real PostgreSQL, not PGlite.
    const pg = await startPostgresServer(found.bindir);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "fk-cluster-"));
    const port = await freePort();
    const proc = run({
      DATA_DIR: dataDir,
      DATABASE_URL: pg.url,
      PORT: String(port),
      WEB_CONCURRENCY: "2",
      DEMO_SEED: "false",
      NODE_ENV: "test",
    });
    const workers = () =>
      spawnSync("ps", ["-o", "pid=", "--ppid", String(proc.child.pid)], { encoding: "utf8" })
        .stdout.split("\n")
        .map((l) => Number(l.trim()))
        .filter(Boolean);
    const until = async (what: string, ok: () => Promise<boolean> | boolean) => {
      const deadline = Date.now() + 60_000;
      while (!(await ok())) {
        if (proc.child.exitCode !== null) throw new Error(`the primary exited while waiting for ${what}:\n${proc.output()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${proc.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    try {
      await until("two healthy workers", async () => workers().length === 2 && (await healthy()));
      const [victim, survivor] = workers();
      process.kill(victim, "SIGKILL");
      await until("a replacement worker", () => {
        const now = workers();
        return now.length === 2 && !now.includes(victim) && now.includes(survivor);
      });
      await until("the replacement to serve", healthy);
      expect(proc.output()).toContain("starting a new one");

      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      expect(workers()).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
      await pg.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
