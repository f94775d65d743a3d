// A throwaway PostgreSQL server of a test's own (initdb in a temp dir, loopback only, unprivileged),
// so a fault test can stop and restart it without touching the shared server at DATABASE_URL.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./server-process";

export type PostgresAvailability = { ok: true; bindir: string } | { ok: false; reason: string };

export type PostgresServer = {
  /** postgres:// URL of the `fieldkit` database (trust auth on loopback: it lives for one test file). */
  url: string;
  port: number;
  /** Stops the server: "fast" disconnects clients cleanly, "immediate" drops them like a crash. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts it again on the same port and data directory (no-op when running); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  destroy(): Promise<void>;
  log(): string;
};

/** Debian's layout: /usr/lib/postgresql/<major>/bin; the newest major wins. */
export function findPostgresServer(): PostgresAvailability {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return { ok: false, reason: `PostgreSQL server binaries are not installed (${root} is missing)` };
  const majors = readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, "bin", "postgres")) && existsSync(path.join(root, d, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) return { ok: false, reason: `no postgres/initdb under ${root}/*/bin` };
  return { ok: true, bindir: path.join(root, majors[0], "bin") };
}

/** postgres refuses to run as root: when we are root, run it as the `postgres` system user (or nobody). */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  return { uid: 65534, gid: 65534 };
}

export async function startPostgresServer(bindir: string): Promise<PostgresServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-pg-"));
  const dataDir = path.join(dir, "data");
  const user = unprivileged();
  if (user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(
    path.join(bindir, "initdb"),
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
    // NOTE: cwd must be readable by the unprivileged user, or initdb fails on getcwd.
    { cwd: "/", encoding: "utf8", ...(user ?? {}) },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = "";

  const accepting = async () => {
    // A raw connect is not enough: during recovery the server accepts the socket and then refuses.
    const probe = spawnSync(path.join(bindir, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-q"], { cwd: "/" });
    return probe.status === 0;
  };

  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/fieldkit`,
    port,
    log: () => log,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const proc = spawn(
        path.join(bindir, "postgres"),
        [
          "-D",
          dataDir,
          "-p",
          String(port),
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          "unix_socket_directories=",
          "-c",
          "max_connections=40",
          "-c",
          "shared_buffers=32MB",
          "-c",
          "logging_collector=off",
        ],
        { cwd: "/", stdio: ["ignore", "ignore", "pipe"], ...(user ?? {}) },
      );
      child = proc;
      proc.stderr?.on("data", (c) => (log = (log + c).slice(-8_000)));
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
      const deadline = Date.now() + 30_000;
      while (!(await accepting())) {
        if (proc.exitCode !== null) throw new Error(`PostgreSQL exited with ${proc.exitCode}: ${log}`);
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections in 30 s: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(mode = "fast") {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      // The postmaster's signals: SIGINT is `pg_ctl stop -m fast`, SIGQUIT is `-m immediate`.
      child.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
      await exited;
    },
    async destroy() {
      await server.stop("immediate");
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await server.start();
    const create = spawnSync(
      path.join(bindir, "psql"),
      ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-qc", "create database fieldkit"],
      {
        cwd: "/",
        encoding: "utf8",
      },
    );
    if (create.status !== 0) throw new Error(`create database failed: ${create.stderr}`);
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}
