// Builds the one AppContext the server holds: database (migrated), and the services later layers add.
import type { DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { seedDemo } from "~/modules/demo/seed.server";
import type { AppContext } from "~/modules/context.server";
import { libraryJobHandlers } from "~/modules/library/jobs.server";
import { createMailTransport, mailJobHandlers } from "~/modules/mail/mail.server";
import { notificationJobHandlers } from "~/modules/notifications/jobs.server";
import { createJobRunner, releaseLeases } from "@/content/jobs";
import { createLocalStorage } from "@/content/storage";
import type { FileWork } from "@/content/workers/pool";
import { databaseFromEnv, fileWorkersFromEnv, searchServiceFromEnv } from "~/services.server";
import type { Env } from "~/env.server";

export type RunningContext = AppContext & { close(): Promise<void> };

export type ContextOptions = {
  log?: (line: string) => void;
  /** Clean temp files, migrate and seed first (false in cluster workers: the primary did it). */
  prepare?: boolean;
  /**
   * Bootstrap the search indexes and drain the search outbox from this process. The job queue is
   * shared safely (skip locked) and runs everywhere; the outbox keeps one reader per deployment.
   */
  searchSync?: boolean;
};

/** Start-up work that must happen once per deployment, before any request is served. */
export async function prepareDeployment(
  env: Env,
  dbHandle: DbHandle,
  files: { storage: ReturnType<typeof createLocalStorage>; work: FileWork },
  log: (line: string) => void,
) {
  // Uploads cut off by a crash left only temp files (items are created after the file is stored).
  const orphans = await files.storage.cleanTemp();
  if (orphans) log(`Removed ${orphans} unfinished upload(s).`);
  await migrateDb(dbHandle);
  // The embedded database serves this one process: a lease still held is a dead process's, and its
  // job (the attempt already counted) can be taken up now instead of when the lease runs out.
  if (dbHandle.driver === "pglite") {
    const released = await releaseLeases(dbHandle.db);
    if (released) log(`Took up ${released} job(s) interrupted by the last stop.`);
  }
  if (env.demoSeed) {
    const seeded = await seedDemo(dbHandle.db, { files });
    if (seeded) log("Seeded the demo library.");
  }
}

export async function createAppContext(env: Env, options: ContextOptions = {}): Promise<RunningContext> {
  const log = options.log ?? (() => {});
  const searchSync = options.searchSync ?? true;
  const dbHandle = await databaseFromEnv(env);
  const storage = createLocalStorage(env.STORAGE_DIR);
  const files = fileWorkersFromEnv(env, log);
  if (options.prepare ?? true) {
    try {
      await prepareDeployment(env, dbHandle, { storage, work: files }, log);
    } catch (error) {
      await files.close();
      await dbHandle.close();
      throw error;
    }
  }
  const mail = createMailTransport({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM });
  const handlers = {
    ...libraryJobHandlers(dbHandle.db, storage, files),
    ...mailJobHandlers(dbHandle.db, mail),
    ...notificationJobHandlers(dbHandle.db, { publicUrl: env.PUBLIC_URL, vapid: env.vapid }),
  };
  const jobs = createJobRunner({ db: dbHandle.db, handlers, leaseMs: env.JOB_LEASE_SECONDS * 1000, log });
  // Search: fills empty indexes (e.g. after the demo seed), then drains the outbox in the background.
  const search = searchServiceFromEnv(env, dbHandle.db, log);
  if (searchSync) await search.bootstrap();
  const ctx: AppContext = { env, db: dbHandle.db, dbHandle, services: { storage, files, jobs, search, mail } };
  jobs.start();
  if (searchSync) search.start();
  return {
    ...ctx,
    close: async () => {
      await search.stop();
      // Inside SIGTERM's 4.5 s: a job not done within a second is handed back for the next process.
      await jobs.stop({ graceMs: 1_000 });
      await files.close();
      mail.close();
      await dbHandle.close();
    },
  };
}
