// Reading the library, always through the viewer's audience.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items } from "@/db/schema";
import type { ItemStatus, ItemType } from "@/vocabulary/library";
import type { SessionUser } from "~/modules/auth/session.server";
import { visibleItemsWhere } from "./audience.server";

export type ItemSummary = {
  id: string;
  type: ItemType;
  title: string;
  summary: string;
  status: ItemStatus;
  updatedAt: Date;
  publishedAt: Date | null;
};

const summaryColumns = {
  id: items.id,
  type: items.type,
  title: items.title,
  summary: items.summary,
  status: items.status,
  updatedAt: items.updatedAt,
  publishedAt: items.publishedAt,
};

export async function listItems(
  db: Db,
  { user, status, limit = 50, offset = 0 }: { user: SessionUser; status?: ItemStatus; limit?: number; offset?: number },
): Promise<ItemSummary[]> {
  return db
    .select(summaryColumns)
    .from(items)
    .where(and(visibleItemsWhere(user), status ? eq(items.status, status) : undefined))
    .orderBy(desc(sql`coalesce(${items.publishedAt}, ${items.updatedAt})`), desc(items.id))
    .limit(Math.min(Math.max(limit, 1), 200))
    .offset(Math.max(offset, 0));
}
