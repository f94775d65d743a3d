// The notification jobs: mailing one notification, pushing one, and the sweep that sends reminders and
// digests (every 15 minutes; each thing it sends is deduped, so running it often costs only the queries).
import type { Agent } from "node:https";
import type { JobHandler } from "@/content/jobs";
import type { Db } from "@/db/client";
import { sendAdoptionDigests, sendContentDigests, sendNotificationDigests } from "./digests.server";
import { mailNotification } from "./mail-notification.server";
import { MAIL_NOTIFICATION_JOB, SEND_PUSH_JOB } from "./notify.server";
import { sendPush, type VapidSettings } from "./push.server";
import { sendReminders } from "./reminders.server";

export const NOTIFICATION_SWEEP_JOB = "notification_sweep";

/** Everything time-driven, for `now`: reminders, then the digests whose period has begun. */
export async function sweepNotifications(db: Db, { publicUrl, now = new Date() }: { publicUrl: string; now?: Date }) {
  const links = { publicUrl };
  const reminders = await sendReminders(db, now);
  const daily = await sendNotificationDigests(db, { frequency: "daily", now, links });
  const weekly = await sendNotificationDigests(db, { frequency: "weekly", now, links });
  const content = await sendContentDigests(db, { now, links });
  const adoption = await sendAdoptionDigests(db, { now, links });
  return { ...reminders, daily, weekly, content, adoption };
}

export type NotificationJobSettings = {
  publicUrl: string;
  vapid: VapidSettings;
  /** NOTE: tests only, to trust their own push service's self-signed certificate. */
  pushAgent?: Agent;
};

export function notificationJobHandlers(db: Db, settings: NotificationJobSettings): Record<string, JobHandler> {
  return {
    [MAIL_NOTIFICATION_JOB]: {
      run: async (payload) => void (await mailNotification(db, { id: Number(payload.id), publicUrl: settings.publicUrl })),
    },
    [SEND_PUSH_JOB]: {
      run: async (payload) =>
        void (await sendPush(db, {
          id: Number(payload.id),
          vapid: settings.vapid,
          publicUrl: settings.publicUrl,
          agent: settings.pushAgent,
        })),
    },
    [NOTIFICATION_SWEEP_JOB]: {
      run: async () => void (await sweepNotifications(db, { publicUrl: settings.publicUrl })),
      everyMs: 15 * 60_000,
    },
  };
}
