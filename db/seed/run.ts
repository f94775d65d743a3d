// `npm run db:seed`: seed the demo library into an empty database (migrating first).
import { migrateDb } from "../migrate";
import { fileWorkersFromEnv, openDatabase } from "../../server/context";
import { loadEnv } from "../../server/env";
import { createLocalStorage } from "../../content/storage";
import { seedDemo } from "./demo";

const env = loadEnv();
if (!env.demoSeed) {
  console.error("The demo seed is disabled (NODE_ENV=production or DEMO_SEED=false).");
  process.exit(1);
}
const handle = await openDatabase(env);
const work = fileWorkersFromEnv(env, (line) => console.error(line));
try {
  await migrateDb(handle);
  const files = { storage: createLocalStorage(env.STORAGE_DIR), work };
  console.log((await seedDemo(handle.db, { files })) ? "Seeded the demo library." : "The database already has users; nothing seeded.");
} finally {
  await work.close();
  await handle.close();
}
