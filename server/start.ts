// `npm start`: build if needed, migrate, seed the demo library on first run, serve, and shut down cleanly.
import type { AddressInfo } from "node:net";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../db/seed/demo";
import { createAppContext } from "./context";
import { EnvError, loadEnv } from "./env";
import { buildIfNeeded } from "./build";
import { createHttpApp, listen, loadBuild } from "./http";

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (!process.argv.includes("--no-build")) buildIfNeeded();

  const ctx = await createAppContext(env, { log: (line) => console.log(line) });
  const build = await loadBuild();
  const server = await listen(createHttpApp(ctx, build), env.PORT, env.HOST);
  const { port } = server.address() as AddressInfo;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;

  console.log(`\nFieldkit is running at ${url}`);
  console.log(`  database: ${ctx.dbHandle.driver === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.DATA_DIR}`}`);
  if (env.demoSeed) {
    console.log(`  demo sign-ins (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) console.log(`    ${a.role.padEnd(9)} ${a.email}`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    // Hard deadline: SIGTERM must end the process within 5 s even if a client holds a connection.
    setTimeout(() => process.exit(1), 4_500).unref();
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await ctx.close().catch((e) => console.error(e));
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  console.error("Fieldkit failed to start:", error);
  process.exit(1);
});
