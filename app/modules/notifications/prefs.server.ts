// Each person's notification preferences: per kind, in the app on or off and mail off, at once, daily or
// weekly; and whether this person wants Web Push at all (off until they turn it on in a browser).
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notificationSettings, pushSubscriptions, type NotificationKind } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { KINDS, PrefsInput, kindsFor, resolvePrefs, type KindPref } from "./kinds.server";

export type PrefsView = {
  kinds: { kind: string; label: string; description: string; emailChoices: readonly string[]; inApp: boolean; email: KindPref["email"] }[];
  push: boolean;
  pushDevices: number;
};

/** A kind's sentence for the form, with its push limit when it has one. */
function describe(kind: NotificationKind) {
  const { description, pushesPerDay } = KINDS[kind];
  return pushesPerDay ? `${description} Pushed to a phone at most ${pushesPerDay} times a day; the rest wait here.` : description;
}

export async function loadPrefs(db: Db, { user }: { user: Pick<SessionUser, "id" | "role"> }): Promise<PrefsView> {
  const [[row], devices] = await Promise.all([
    db.select().from(notificationSettings).where(eq(notificationSettings.userId, user.id)),
    db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, user.id)),
  ]);
  const prefs = resolvePrefs(row?.prefs);
  return {
    kinds: kindsFor(user.role).map((kind) => ({
      kind,
      label: KINDS[kind].label,
      description: describe(kind),
      emailChoices: KINDS[kind].emailChoices,
      ...prefs[kind],
    })),
    push: row?.pushEnabled ?? false,
    pushDevices: devices.length,
  };
}

/** Merges the kinds given into the stored choices (400 on anything the schema refuses). */
export async function savePrefs(db: Db, { user, input, now = new Date() }: { user: Pick<SessionUser, "id">; input: unknown; now?: Date }) {
  const parsed = PrefsInput.parse(input);
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(notificationSettings).where(eq(notificationSettings.userId, user.id)).for("update");
    const prefs = { ...(row?.prefs ?? {}), ...parsed.prefs };
    const pushEnabled = parsed.push ?? row?.pushEnabled ?? false;
    await tx
      .insert(notificationSettings)
      .values({ userId: user.id, prefs, pushEnabled, updatedAt: now })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: { prefs, pushEnabled, updatedAt: now } });
  });
}
