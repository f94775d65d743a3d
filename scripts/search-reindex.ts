// `npm run search:reindex`: rebuilds every configured engine from the library. Meilisearch builds a
// new index and swaps it in; Postgres upserts and sweeps. Searches keep working throughout.
import { loadEnv } from "~/env.server";
import { databaseFromEnv, searchServiceFromEnv } from "~/services.server";
import { migrateDb } from "@/db/migrate";

const env = loadEnv();
const handle = await databaseFromEnv(env);
try {
  await migrateDb(handle);
  const search = searchServiceFromEnv(env, handle.db, (line) => console.log(line));
  const started = Date.now();
  const counts = await search.reindex();
  const summary = Object.entries(counts)
    .map(([engine, n]) => `${engine}: ${n} documents`)
    .join(", ");
  console.log(`Reindexed in ${((Date.now() - started) / 1000).toFixed(1)} s — ${summary}.`);
} catch (error) {
  console.error("Reindex failed:", (error as Error).message);
  process.exitCode = 1;
} finally {
  await handle.close();
}
