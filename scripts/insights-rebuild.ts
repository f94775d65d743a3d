// `npm run insights:rebuild`: recompute the usage rollups from the raw events (after a rollup rule
// changed, or after events were loaded straight into the table). Exits non-zero on failure.
import { rebuildRollups } from "@/db/usage-rollups";
import { databaseFromEnv } from "~/services.server";
import { loadEnv } from "~/env.server";

const env = loadEnv();
const handle = await databaseFromEnv(env);
try {
  const started = Date.now();
  const { events } = await rebuildRollups(handle.db);
  console.log(`Rebuilt the usage rollups from ${events.toLocaleString("en")} events in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  console.error("Rollup rebuild failed:", error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
