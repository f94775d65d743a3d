// Digests, sent by the periodic sweep and claimed once per person and period (notification_digests), so
// a sweep that runs again, or two processes sweeping at once, send each digest once:
// - daily/weekly: the notifications a person chose to get by mail that way, not yet mailed;
// - marketing's weekly content digest and managers' weekly team adoption, whose figures come from the
//   same functions as the insights pages, for the last full week (Monday to Sunday, UTC).
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notificationDigests, notificationSettings, notifications, teamLeads, users } from "@/db/schema";
import { type Role } from "@/vocabulary/people";
import type { SessionUser } from "~/modules/auth/session.server";
import { listInbox } from "~/modules/feedback/inbox.server";
import { DAY_MS, utcDay, type DayRange } from "~/modules/feedback/score.server";
import { adoption } from "~/modules/insights/adoption.server";
import { contentGaps } from "~/modules/insights/content-gaps.server";
import { libraryHealth } from "~/modules/insights/library-health.server";
import { queueMail } from "~/modules/mail/mail.server";
import type { DigestSection } from "~/modules/mail/templates.server";
import { notificationItemOpenable, shownNotification } from "./about-item.server";
import { resolvePrefs } from "./kinds.server";

type Links = { publicUrl: string };
const settingsUrl = (l: Links) => `${l.publicUrl}/me#notifications`;

export const startOfDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
/** Monday 00:00 UTC of the week `now` falls in. */
export const startOfWeek = (now: Date) => {
  const d = startOfDay(now);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);
};
/** The last full week before `now`'s: what the weekly summaries report. */
export const lastWeek = (now: Date): DayRange => {
  const monday = startOfWeek(now);
  return { from: utcDay(new Date(monday.getTime() - 7 * DAY_MS)), to: utcDay(new Date(monday.getTime() - DAY_MS)) };
};

/** Claims (person, period); false when it was already claimed (sent, or being sent by another sweep). */
async function claim(db: Pick<Db, "insert">, userId: string, period: string, now: Date) {
  const rows = await db
    .insert(notificationDigests)
    .values({ userId, period, sentAt: now })
    .onConflictDoNothing()
    .returning({ userId: notificationDigests.userId });
  return rows.length > 0;
}

/** Already sent this period: checked before computing a summary's figures, which the sweep would otherwise redo every run. */
async function alreadySent(db: Db, userId: string, period: string) {
  const rows = await db
    .select({ userId: notificationDigests.userId })
    .from(notificationDigests)
    .where(and(eq(notificationDigests.userId, userId), eq(notificationDigests.period, period)));
  return rows.length > 0;
}

/** Mails each person's pending `frequency` notifications from before this period, one digest each. Returns digests sent. */
/** Notifications listed in one digest mail; past that it says how many more and links to them. */
export const DIGEST_LINES = 200;

export async function sendNotificationDigests(
  db: Db,
  { frequency, now = new Date(), links }: { frequency: "daily" | "weekly"; now?: Date; links: Links },
) {
  const periodStart = frequency === "daily" ? startOfDay(now) : startOfWeek(now);
  const period = `${frequency}:${utcDay(periodStart)}`;
  const pending = and(eq(notifications.email, frequency), isNull(notifications.mailedAt), lt(notifications.createdAt, periodStart));
  const people = await db.selectDistinct({ userId: notifications.userId }).from(notifications).where(pending);
  let sent = 0;
  for (const { userId } of people) {
    const done = await db.transaction(async (tx) => {
      if (!(await claim(tx, userId, period, now))) return false;
      const [person] = await tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, userId));
      // Each as its person may see it now, not as it was written: the item may have gone back to draft, been
      // archived or expired, or moved to another team's audience since. A neutral line keeps its place, so
      // the digest still lists what the app does (and its count stays the count of lines).
      const rows = await tx
        .select({
          kind: notifications.kind,
          title: notifications.title,
          body: notifications.body,
          url: notifications.url,
          openable: sql<boolean>`${notificationItemOpenable({ userId: notifications.userId, url: notifications.url })}`,
        })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), pending))
        .orderBy(asc(notifications.createdAt), asc(notifications.id))
        .limit(DIGEST_LINES);
      // Every pending one is marked mailed, so the mail says how many there were and where the rest are:
      // it listed 200 and said "(200)" while 800 more were marked mailed and never shown anywhere in it.
      const marked = await tx
        .update(notifications)
        .set({ mailedAt: now })
        .where(and(eq(notifications.userId, userId), pending))
        .returning({ id: notifications.id });
      if (!person?.active || rows.length === 0) return false;
      const total = marked.length;
      const more = total - rows.length;
      await queueMail(tx, {
        to: person.email,
        template: {
          kind: "digest",
          subject: `Your ${frequency} Fieldkit digest: ${total} ${total === 1 ? "notification" : "notifications"}`,
          title: `Your ${frequency} digest`,
          intro: `What happened since your last digest (${total}).`,
          sections: [
            {
              heading: "Notifications",
              items: [
                ...rows
                  .map((row) => shownNotification(row, row.openable))
                  .map((r) => `${r.title}${r.url ? ` — ${links.publicUrl}${r.url}` : ""}`),
                ...(more > 0 ? [`…and ${more} more — ${links.publicUrl}/notifications`] : []),
              ],
              empty: "Nothing new.",
            },
          ],
          url: `${links.publicUrl}/notifications`,
          settingsUrl: settingsUrl(links),
        },
      });
      return true;
    });
    if (done) sent++;
  }
  return sent;
}

/** Active people of `roles` with their preferences and the teams they lead (what insights need). */
async function audience(db: Db, roles: Role[]) {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      teamId: users.teamId,
      prefs: notificationSettings.prefs,
    })
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(and(eq(users.active, true), inArray(users.role, roles)));
  const leads = rows.length
    ? await db
        .select()
        .from(teamLeads)
        .where(
          inArray(
            teamLeads.userId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map(({ prefs, ...u }) => ({
    user: { ...u, leadsTeamIds: leads.filter((l) => l.userId === u.id).map((l) => l.teamId) } satisfies SessionUser,
    prefs: resolvePrefs(prefs),
  }));
}

export type ContentDigest = {
  range: DayRange;
  gaps: { query: string; searches: number; zeroResults: number }[];
  lowRated: { title: string; detail: string }[];
  unanswered: number;
};

/** The figures of marketing's weekly digest: the insights page's content gaps and lowest rated, the inbox's unanswered count. */
export async function contentDigestFigures(db: Db, { user, now = new Date() }: { user: SessionUser; now?: Date }): Promise<ContentDigest> {
  const range = lastWeek(now);
  const [gaps, health, inbox] = await Promise.all([
    contentGaps(db, { user, range, limit: 10 }),
    libraryHealth(db, { user, now }),
    listInbox(db, { user, query: { show: "unanswered" } }),
  ]);
  return {
    range,
    gaps: gaps.map((g) => ({ query: g.query, searches: g.searches, zeroResults: g.zeroResults })),
    lowRated: health.lowestRated.slice(0, 10).map((h) => ({ title: h.title, detail: h.detail })),
    unanswered: inbox.total,
  };
}

type DigestMail = Extract<Parameters<typeof queueMail>[1]["template"], { kind: "digest" }>;

/**
 * A weekly summary: claimed per person and week, an in-app notification if wanted, the mail if wanted.
 * Both digests' mails link to Insights and to the notification settings; `mail` gives the rest.
 */
async function sendSummary(
  db: Db,
  {
    user: { id: userId, email },
    kind,
    pref,
    period,
    now,
    title,
    links,
    mail,
  }: {
    user: { id: string; email: string };
    kind: "content_digest" | "team_adoption";
    pref: { inApp: boolean; email: string };
    period: string;
    now: Date;
    title: string;
    links: Links;
    mail: () => Omit<DigestMail, "kind" | "url" | "settingsUrl">;
  },
) {
  if (!pref.inApp && pref.email === "off") return false;
  return db.transaction(async (tx) => {
    if (!(await claim(tx, userId, period, now))) return false;
    const url = kind === "content_digest" ? "/insights" : "/insights#adoption";
    if (pref.inApp)
      await tx
        .insert(notifications)
        .values({ userId, kind, title, url, inApp: true, email: "off", createdAt: now, mailedAt: pref.email === "off" ? null : now });
    if (pref.email !== "off")
      await queueMail(tx, {
        to: email,
        template: { kind: "digest", ...mail(), url: `${links.publicUrl}/insights`, settingsUrl: settingsUrl(links) },
      });
    return true;
  });
}

export async function sendContentDigests(db: Db, { now = new Date(), links }: { now?: Date; links: Links }) {
  let sent = 0;
  for (const { user, prefs } of await audience(db, ["marketer", "admin"])) {
    const pref = prefs.content_digest;
    const period = `content:${utcDay(startOfWeek(now))}`;
    if ((!pref.inApp && pref.email === "off") || (await alreadySent(db, user.id, period))) continue;
    const f = await contentDigestFigures(db, { user, now });
    const title = `Content digest for ${f.range.from} – ${f.range.to}: ${f.gaps.length} gaps, ${f.lowRated.length} low-rated, ${f.unanswered} unanswered`;
    const sections: DigestSection[] = [
      {
        heading: "Content gaps (searches that found nothing or nothing useful)",
        items: f.gaps.map((g) => `“${g.query}”: ${g.searches} searches, ${g.zeroResults} with no results`),
        empty: "No content gaps last week.",
      },
      { heading: "Lowest rated items", items: f.lowRated.map((r) => `${r.title}: ${r.detail}`), empty: "No item is rated low." },
      {
        heading: "Unanswered feedback",
        items: [`${f.unanswered} ${f.unanswered === 1 ? "rating waits" : "ratings wait"} for an answer.`],
        empty: "",
      },
    ];
    const ok = await sendSummary(db, {
      user,
      kind: "content_digest",
      pref,
      period,
      now,
      title,
      links,
      mail: () => ({
        subject: `Fieldkit weekly content digest (${f.range.from} to ${f.range.to})`,
        title: "Your weekly content digest",
        intro: `Last week, ${f.range.from} to ${f.range.to} (UTC).`,
        sections,
      }),
    });
    if (ok) sent++;
  }
  return sent;
}

export async function sendAdoptionDigests(db: Db, { now = new Date(), links }: { now?: Date; links: Links }) {
  let sent = 0;
  for (const { user, prefs } of await audience(db, ["manager", "admin"])) {
    const pref = prefs.team_adoption;
    const period = `adoption:${utcDay(startOfWeek(now))}`;
    if ((!pref.inApp && pref.email === "off") || (user.role === "manager" && user.leadsTeamIds.length === 0)) continue;
    if (await alreadySent(db, user.id, period)) continue;
    const range = lastWeek(now);
    const a = await adoption(db, { user, range });
    const week = a.overall[a.overall.length - 1] ?? { active: 0, size: 0, rate: 0 };
    const pct = (r: number) => `${Math.round(r * 100)}%`;
    const title = `Team adoption ${range.from} – ${range.to}: ${week.active} of ${week.size} sellers active (${pct(week.rate)})`;
    const sections: DigestSection[] = [
      {
        heading: "By team",
        items: a.teams.map((t) => {
          const w = t.weeks[t.weeks.length - 1];
          return `${t.team}: ${w?.active ?? 0} of ${t.size} sellers active (${pct(w?.rate ?? 0)}), ${t.views} views`;
        }),
        empty: "You lead no teams.",
      },
    ];
    const ok = await sendSummary(db, {
      user,
      kind: "team_adoption",
      pref,
      period,
      now,
      title,
      links,
      mail: () => ({
        subject: `Fieldkit weekly team adoption (${range.from} to ${range.to})`,
        title: "Your teams last week",
        intro: title,
        sections,
      }),
    });
    if (ok) sent++;
  }
  return sent;
}
