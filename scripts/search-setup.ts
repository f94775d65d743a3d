// `npm run search:setup`: applies the Meilisearch index settings (search/settings.ts) and the stored
// synonyms, idempotently. Without MEILI_HOST there is nothing to set up: Postgres comes from migrations.
import { loadEnv } from "~/env.server";
import { databaseFromEnv, searchServiceFromEnv } from "~/services.server";
import { migrateDb } from "@/db/migrate";

const env = loadEnv();
if (!env.MEILI_HOST) {
  console.log("MEILI_HOST is not set: search uses the Postgres engine, whose tables come from migrations.");
  process.exit(0);
}
const handle = await databaseFromEnv(env);
try {
  await migrateDb(handle);
  const search = searchServiceFromEnv(env, handle.db);
  await search.engines.meilisearch!.setup();
  await search.reloadSynonyms();
  console.log(`Meilisearch at ${env.MEILI_HOST}: index settings and synonyms applied.`);
} catch (error) {
  console.error("Search setup failed:", (error as Error).message);
  process.exitCode = 1;
} finally {
  await handle.close();
}
