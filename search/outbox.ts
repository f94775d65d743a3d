// The one call library code makes when an item changes in a way search must learn about
// (publish, edit, new version, archive, audience or tag change, expiry). Call it inside the same
// transaction as the change; the search sync picks it up.
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { searchOutbox } from "@/db/schema";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export async function queueSearchSync(db: AnyDb, itemIds: string[]): Promise<void> {
  if (itemIds.length === 0) return;
  await db.insert(searchOutbox).values([...new Set(itemIds)].map((itemId) => ({ itemId })));
}

/** The same for the item ids a query selects (one column): as many as it finds, with no ids passed as parameters. */
export async function queueSearchSyncOf(db: AnyDb, itemIds: SQL): Promise<void> {
  await db.execute(sql`insert into ${searchOutbox} (item_id) ${itemIds}`);
}
