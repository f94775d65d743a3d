import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "~": fileURLToPath(new URL("./app", import.meta.url)), "@": fileURLToPath(new URL(".", import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    // Each project gets the same alias; setup differs by what the tests need.
    projects: [
      {
        resolve: { alias },
        test: {
          name: "node",
          include: ["test/{unit,integration,contract}/**/*.test.{ts,tsx}"],
          globalSetup: ["test/setup/global.ts"],
          pool: "forks",
          // One worker process runs file after file with the modules it already loaded; isolated, each file
          // started a fork and imported the app again (2 min of 3.5 on PostgreSQL). The files create their
          // own data and servers, and the suite passes in any order (decision 030).
          isolate: false,
          // NOTE: one retry, as in the e2e project: in ~10 whole-suite runs one test here failed once under
          // two lanes of load (session 12; its name fell outside the log kept). `npm test` lists every
          // test that passed only on its retry, with its first attempt's error.
          retry: 1,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/setup/e2e-server.ts"],
          pool: "forks",
          fileParallelism: false,
          // As in the node project: one process for every file (alone on PostgreSQL 397 s → 331 s).
          isolate: false,
          // NOTE: one retry for browser and fault tests, whose timing on a 2-core machine shared with a
          // real server, PostgreSQL and Chromium produced rare flakes (session 5 note); a retried test is
          // still listed in the report. Remove once the flakes named there are fixed.
          retry: 1,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
