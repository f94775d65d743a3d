// `npm run db:seed [-- --scale 10000]`: seed the demo library into an empty database (migrating first);
// with --scale, add that many generated items (and 100 usage events per item) on top of it.
import { migrateDb } from "@/db/migrate";
import { databaseFromEnv, fileWorkersFromEnv, searchServiceFromEnv } from "~/services.server";
import { loadEnv } from "~/env.server";
import { createLocalStorage } from "@/content/storage";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { libraryJobHandlers } from "~/modules/library/jobs.server";
import { createJobRunner } from "@/content/jobs";
import { JOB_EXTRACT, JOB_RENDER } from "@/content/pipeline";

const args = process.argv.slice(2);
const scaleArg = args.indexOf("--scale");
const scale = scaleArg >= 0 ? Number(args[scaleArg + 1]) : null;
if (scale !== null && !(Number.isInteger(scale) && scale > 0)) {
  console.error("--scale needs a whole number of items, e.g. npm run db:seed -- --scale 10000");
  process.exit(1);
}

const env = loadEnv();
if (!env.demoSeed) {
  console.error("The demo seed is disabled (NODE_ENV=production or DEMO_SEED=false).");
  process.exit(1);
}
const handle = await databaseFromEnv(env);
const work = fileWorkersFromEnv(env, (line) => console.error(line));
try {
  await migrateDb(handle);
  const files = { storage: createLocalStorage(env.STORAGE_DIR), work };
  console.log((await seedDemo(handle.db, { files })) ? "Seeded the demo library." : "The database already has users; nothing seeded.");
  if (scale) {
    // The generated collateral shows the demo files' previews, so draw them first (the server would later).
    const jobs = createJobRunner({
      db: handle.db,
      handlers: libraryJobHandlers(handle.db, files.storage, work),
      log: (line) => console.error(line),
    });
    const drawn = await jobs.runUntilIdle({ kinds: [JOB_EXTRACT, JOB_RENDER] });
    if (drawn) console.log(`Drew the demo files' previews (${drawn} jobs).`);
    const started = Date.now();
    const added = await seedScale(handle.db, { items: scale });
    if (added.skipped) console.log("The scale seed was already applied; nothing added.");
    else {
      console.log(
        `Added ${added.items} items, ${added.events} events, ${added.ratings} ratings and ${added.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      // Sellers search the generated items too.
      const counts = await searchServiceFromEnv(env, handle.db, () => {}).reindex();
      console.log(
        `Search reindexed: ${Object.entries(counts)
          .map(([engine, n]) => `${engine} ${n} documents`)
          .join(", ")}.`,
      );
    }
  }
} finally {
  await work.close();
  await handle.close();
}
