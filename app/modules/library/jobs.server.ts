// Every kind of background job the library needs, for the one runner the server starts.
import { pipelineJobHandlers } from "@/content/pipeline";
import type { JobHandler } from "@/content/jobs";
import type { FileStorage } from "@/content/storage";
import type { FileWork } from "@/content/workers/pool";
import type { Db } from "@/db/client";
import { expireItems, publishDueItems } from "./lifecycle.server";

const MINUTE = 60_000;

export function libraryJobHandlers(db: Db, storage: FileStorage, work: FileWork): Record<string, JobHandler> {
  return {
    ...pipelineJobHandlers(db, storage, work),
    publish_due: { run: async () => void (await publishDueItems(db)), everyMs: MINUTE },
    expire_items: { run: async () => void (await expireItems(db)), everyMs: MINUTE },
  };
}
