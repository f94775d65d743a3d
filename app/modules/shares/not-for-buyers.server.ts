// Which items may go to a buyer at all: marketers mark internal-only content (battle cards, pricing
// notes). Every live link checks it on each request (shareableWhere), so a change applies at once.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError, notFound } from "~/modules/errors.server";
import { isUuid } from "@/vocabulary/ids";

/** Marketers mark internal-only content (battle cards, pricing notes); live links stop showing it at once. */
export async function setNotForBuyers(
  db: Db,
  { user, itemId, notForBuyers }: { user: SessionUser; itemId: string; notForBuyers: boolean },
) {
  if (user.role !== "marketer" && user.role !== "admin") throw new AppError("forbidden", "Only marketers decide what buyers may see.");
  if (!isUuid(itemId)) throw notFound("No such item.");
  await db.transaction(async (tx) => {
    const [item] = await tx
      .update(items)
      // updated_at moves so the next delta sync tells devices the item's shareability changed.
      .set({ notForBuyers, updatedAt: new Date() })
      .where(eq(items.id, itemId.toLowerCase()))
      .returning({ id: items.id, title: items.title });
    if (!item) throw notFound("No such item.");
    await recordAudit(tx, {
      actor: user,
      action: "item.buyers_changed",
      targetType: "item",
      targetId: item.id,
      details: { title: item.title, notForBuyers },
    });
  });
}
