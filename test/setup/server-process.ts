// Start the real server as a child process (as `npm start` would, minus the build) and wait until healthy.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });

export type AppServer = {
  baseURL: string;
  pid: number;
  output(): string;
  /** Every "slow answer" line the server logged (server/http.ts), kept whole: the output keeps only its tail. */
  slowAnswers(): string[];
  stop(): Promise<void>;
};

export async function startAppServer(env: Record<string, string>, timeoutMs = 120_000): Promise<AppServer> {
  // A caller that must know the address in advance (e.g. PUBLIC_URL for an SSO callback) passes PORT.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts", "--no-build"], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const slow: string[] = [];
  child.stdout.on("data", (c) => (output = (output + c).slice(-20_000)));
  child.stderr.on("data", (c) => (output = (output + c).slice(-20_000)));
  createInterface({ input: child.stderr }).on(
    "line",
    (line) => line.startsWith("slow answer:") && slow.push(`${new Date().toISOString().slice(11, 19)} ${line}`),
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited during start-up:\n${output}`);
    if (
      await fetch(`${baseURL}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not become healthy in ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    baseURL,
    pid: child.pid!,
    output: () => output,
    slowAnswers: () => slow,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
