// The server side of the hostile-upload bench: the production app in a process of its own, so its
// event-loop delay and memory are the server's alone. Prints `{baseURL, cookie}` once serving; on a
// line "stop" on stdin prints its figures as JSON and exits.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { createAppContext } from "@/server/context";
import { loadEnv } from "~/env.server";
import { createHttpApp, listen, loadBuild } from "@/server/http";
import { cookieFor, createUser } from "../setup/app";

const [dataDir, databaseUrl] = process.argv.slice(2);
const env = loadEnv({
  NODE_ENV: "production",
  DATA_DIR: dataDir,
  SESSION_SECRET: randomBytes(24).toString("hex"),
  DEMO_SEED: "false",
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
const ctx = await createAppContext(env, { log: () => {} });
const server = await listen(createHttpApp(ctx, await loadBuild()), 0, "127.0.0.1");
const marketer = await createUser(ctx, { role: "marketer" });
const cookie = await cookieFor(ctx, marketer.id);

const loop = monitorEventLoopDelay({ resolution: 10 });
let rssMax = process.memoryUsage().rss;
const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
loop.enable();
process.stdout.write(
  JSON.stringify({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cookie, fileWorkers: env.FILE_WORKERS }) + "\n",
);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "stop") continue;
  loop.disable();
  clearInterval(rssTimer);
  process.stdout.write(
    JSON.stringify({ loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, rssMaxMb: rssMax / 1024 / 1024 }) + "\n",
  );
  server.close();
  server.closeAllConnections();
  await ctx.close();
  process.exit(0);
}
