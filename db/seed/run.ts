// `npm run db:seed`: seed the demo library into an empty database (migrating first).
import { migrateDb } from "../migrate";
import { openDatabase } from "../../server/context";
import { loadEnv } from "../../server/env";
import { createLocalStorage } from "../../content/storage";
import { seedDemo } from "./demo";

const env = loadEnv();
if (!env.demoSeed) {
  console.error("The demo seed is disabled (NODE_ENV=production or DEMO_SEED=false).");
  process.exit(1);
}
const handle = await openDatabase(env);
try {
  await migrateDb(handle);
  console.log((await seedDemo(handle.db, { storage: createLocalStorage(env.STORAGE_DIR) })) ? "Seeded the demo library." : "The database already has users; nothing seeded.");
} finally {
  await handle.close();
}
