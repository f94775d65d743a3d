// `npm start`: build if needed, migrate, seed the demo library on first run, serve, and shut down cleanly.
// With WEB_CONCURRENCY > 1 (PostgreSQL only) the primary prepares the deployment once and forks that
// many workers sharing the port; it restarts a worker that dies and stops them all on SIGTERM.
import cluster, { type Worker } from "node:cluster";
import type { AddressInfo } from "node:net";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/modules/demo/seed.server";
import { createLocalStorage } from "@/content/storage";
import { createMailTransport } from "~/modules/mail/mail.server";
import { databaseFromEnv, fileWorkersFromEnv } from "~/services.server";
import { createAppContext, prepareDeployment } from "./context";
import { EnvError, loadEnv, type Env } from "~/env.server";
import { buildIfNeeded } from "./build";
import { createHttpApp, listen, loadBuild } from "./http";

/** SIGTERM must end the process within 5 s even if a client holds a connection. */
const STOP_DEADLINE_MS = 4_500;

function envOrExit(): Env {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

function banner(env: Env, port: number, database: string, mail: string) {
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
  console.log(`\nFieldkit is running at ${url}`);
  console.log(`  database: ${database}`);
  console.log(`  mail: ${mail}`);
  if (env.oidc) console.log(`  single sign-on: ${env.oidc.issuer}${env.ssoOnly ? " (SSO only: passwords are off except for admins)" : ""}`);
  if (env.WEB_CONCURRENCY > 1) console.log(`  processes: ${env.WEB_CONCURRENCY} workers`);
  if (env.demoSeed) {
    console.log(`  demo sign-ins (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) console.log(`    ${a.role.padEnd(9)} ${a.email}`);
  }
}

function mailDescription(env: Env): string {
  const transport = createMailTransport({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM });
  transport.close();
  return transport.description;
}

/** One server process: the whole app (single-process mode) or a cluster worker. */
async function serve(env: Env, worker: { searchSync: boolean } | null) {
  const ctx = await createAppContext(env, {
    log: (line) => console.log(line),
    prepare: worker === null,
    searchSync: worker?.searchSync ?? true,
  });
  const build = await loadBuild();
  const server = await listen(createHttpApp(ctx, build), env.PORT, env.HOST);
  if (!worker) {
    const { port } = server.address() as AddressInfo;
    banner(
      env,
      port,
      ctx.dbHandle.driver === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.DATA_DIR}`,
      ctx.services.mail!.description,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!worker) console.log(`\n${signal}: shutting down…`);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    // Requests already being answered finish first (the last connections are cut at 2 s): closing the
    // database under them answered a sign-in or an upload arriving with a deploy's restart with an error.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await drained;
    await ctx.close().catch((e) => console.error(e));
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

async function runPrimary(env: Env) {
  // Migrations and the demo seed run once, here, before any worker serves a request.
  const dbHandle = await databaseFromEnv(env);
  const log = (line: string) => console.log(line);
  const work = fileWorkersFromEnv(env, log);
  try {
    await prepareDeployment(env, dbHandle, { storage: createLocalStorage(env.STORAGE_DIR), work }, log);
  } finally {
    await work.close();
    await dbHandle.close();
  }

  let stopping = false;
  let bannerShown = false;
  const fork = (searchSync: boolean): Worker => {
    const worker = cluster.fork({ FIELDKIT_SEARCH_SYNC: searchSync ? "1" : "0" });
    worker.once("listening", (address) => {
      if (bannerShown) return;
      bannerShown = true;
      banner(env, address.port, "PostgreSQL (DATABASE_URL)", mailDescription(env));
    });
    worker.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting a new one`);
      // A pause, so a worker that cannot start (database down) does not spin the CPU.
      setTimeout(() => !stopping && fork(searchSync), 1_000).unref();
    });
    return worker;
  };
  for (let i = 0; i < env.WEB_CONCURRENCY; i++) fork(i === 0);

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down ${env.WEB_CONCURRENCY} workers…`);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS + 300).unref();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const w of workers) {
      w.once("exit", () => --left === 0 && process.exit(0));
      w.process.kill("SIGTERM");
    }
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function main() {
  const env = envOrExit();
  // NOTE: FIELDKIT_SEARCH_SYNC is set by the primary for its own workers, not by operators.
  if (cluster.isWorker) return serve(env, { searchSync: process.env.FIELDKIT_SEARCH_SYNC === "1" });
  if (!process.argv.includes("--no-build")) buildIfNeeded();
  if (env.WEB_CONCURRENCY > 1) return runPrimary(env);
  return serve(env, null);
}

main().catch((error) => {
  console.error("Fieldkit failed to start:", error);
  process.exit(1);
});
