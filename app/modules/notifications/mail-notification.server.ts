// The mail of one notification (immediate mail, or push's fallback), queued once: `mailedAt` is set in
// the same transaction, so a retried job does not mail twice.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notifications, users } from "@/db/schema";
import { queueMail } from "~/modules/mail/mail.server";
import { notificationItemOpenable, shownNotification } from "./about-item.server";

export async function mailNotification(db: Db, { id, publicUrl }: { id: number; publicUrl: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(notifications)
      .set({ mailedAt: new Date() })
      .where(and(eq(notifications.id, id), isNull(notifications.mailedAt)))
      .returning({
        userId: notifications.userId,
        kind: notifications.kind,
        title: notifications.title,
        body: notifications.body,
        url: notifications.url,
        openable: sql<boolean>`${notificationItemOpenable({ userId: notifications.userId, url: notifications.url })}`,
      });
    if (!row) return false;
    // As it may be seen now: a retried job (or push's fallback) can run long after the item was hidden.
    const n = shownNotification(row, row.openable);
    const [person] = await tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, n.userId));
    if (!person?.active) return false;
    await queueMail(tx, {
      to: person.email,
      template: {
        kind: "notification",
        title: n.title,
        lines: n.body ? [n.body] : [],
        url: n.url ? `${publicUrl}${n.url}` : null,
        settingsUrl: `${publicUrl}/me#notifications`,
      },
    });
    return true;
  });
}
