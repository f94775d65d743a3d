// What each kind of notification is, who it is for, and what a person gets when they have not chosen:
// the things a person is waiting on (a reply, a fulfilled request) are mailed at once; reminders and
// library changes are gathered into a digest; the weekly summaries go out weekly.
import { z } from "zod";
import { EMAIL_FREQUENCIES, NOTIFICATION_KINDS, type EmailFrequency, type NotificationKind } from "@/db/schema";
import { type Role } from "@/vocabulary/people";

export type KindPref = { inApp: boolean; email: EmailFrequency };
export type Prefs = Record<NotificationKind, KindPref>;

type KindInfo = {
  label: string;
  /** One sentence for the preferences form. */
  description: string;
  roles: readonly Role[];
  /** Summaries are weekly by nature: only "off" or "weekly" make sense. */
  emailChoices: readonly EmailFrequency[];
  defaults: KindPref;
  /**
   * Kinds that come in bursts (a marketer publishing thirty new versions in an afternoon, a team filing
   * requests after a meeting) push at most this many a day; the rest wait in the app's list.
   */
  pushesPerDay?: number;
  /** For kinds that come in bursts: the list's one line for `n` of them in a row (see `gatherBursts`). */
  burstTitle?: (n: number) => string;
};

/** Up to this many notices of a kind at once are told (and listed) one by one; more are told as one. */
export const TOLD_ONE_BY_ONE = 3;

const ALL = EMAIL_FREQUENCIES;
const FIELD: Role[] = ["seller", "manager"];
const DESK: Role[] = ["marketer", "admin"];

export const KINDS: Record<NotificationKind, KindInfo> = {
  feedback_answered: {
    label: "Replies to your feedback",
    description: "Marketing answered a rating or a request of yours.",
    roles: FIELD,
    emailChoices: ALL,
    defaults: { inApp: true, email: "immediate" },
  },
  request_fulfilled: {
    label: "Requests fulfilled",
    description: "A content request you made was answered with an item.",
    roles: FIELD,
    emailChoices: ALL,
    defaults: { inApp: true, email: "immediate" },
  },
  saved_item_updated: {
    label: "New versions of items you use",
    description: "An item you used recently has a new version.",
    roles: FIELD,
    emailChoices: ALL,
    defaults: { inApp: true, email: "daily" },
    pushesPerDay: 3,
    burstTitle: (n) => `${n} items you use have new versions`,
  },
  share_opened: {
    label: "Buyer opened a share",
    description: "A buyer opened a share link you sent, the first time.",
    roles: FIELD,
    emailChoices: ALL,
    defaults: { inApp: true, email: "off" },
  },
  new_request: {
    label: "New content requests",
    description: "A seller asked for content.",
    roles: DESK,
    emailChoices: ALL,
    defaults: { inApp: true, email: "daily" },
    pushesPerDay: 3,
    burstTitle: (n) => `${n} content requests from sellers`,
  },
  item_expiring: {
    label: "Items expiring soon",
    description: "An item you own (or with no owner) expires within 14 days.",
    roles: DESK,
    emailChoices: ALL,
    defaults: { inApp: true, email: "daily" },
  },
  verification_due: {
    label: "Verification due",
    description: "An item you own (or with no owner) is past its verification interval.",
    roles: DESK,
    emailChoices: ALL,
    defaults: { inApp: true, email: "weekly" },
  },
  content_digest: {
    label: "Weekly content digest",
    description: "Content gaps, low-rated items and unanswered feedback, every Monday.",
    roles: DESK,
    emailChoices: ["off", "weekly"],
    defaults: { inApp: true, email: "weekly" },
  },
  team_adoption: {
    label: "Weekly team adoption",
    description: "How many of your teams' sellers used Fieldkit last week, every Monday.",
    roles: ["manager", "admin"],
    emailChoices: ["off", "weekly"],
    defaults: { inApp: true, email: "weekly" },
  },
};

export const kindsFor = (role: Role): NotificationKind[] => NOTIFICATION_KINDS.filter((k) => KINDS[k].roles.includes(role));

/** Stored choices over the defaults; a stored choice that is no longer offered falls back to the default. */
export function resolvePrefs(stored: Record<string, Partial<KindPref>> | null | undefined): Prefs {
  return Object.fromEntries(
    NOTIFICATION_KINDS.map((k) => {
      const s = stored?.[k] ?? {};
      const info = KINDS[k];
      return [
        k,
        {
          inApp: typeof s.inApp === "boolean" ? s.inApp : info.defaults.inApp,
          email: s.email && info.emailChoices.includes(s.email) ? s.email : info.defaults.email,
        },
      ];
    }),
  ) as Prefs;
}

const KindPrefInput = z.object({ inApp: z.boolean(), email: z.enum(EMAIL_FREQUENCIES) }).strict();

/** `{prefs: {[kind]: {inApp, email}}, push?: boolean}`; unknown kinds and choices a kind does not offer are 400s. */
export const PrefsInput = z
  .object({
    prefs: z.partialRecord(z.enum(NOTIFICATION_KINDS), KindPrefInput).default({}),
    push: z.boolean().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    for (const [kind, pref] of Object.entries(input.prefs) as [NotificationKind, KindPref][]) {
      if (!KINDS[kind].emailChoices.includes(pref.email)) {
        ctx.addIssue({ code: "custom", path: ["prefs", kind, "email"], message: `must be one of ${KINDS[kind].emailChoices.join(", ")}` });
      }
    }
  });
export type PrefsInput = z.infer<typeof PrefsInput>;

/** The preferences form posts `inApp.<kind>=on` and `email.<kind>=<frequency>` for each kind shown. */
export function prefsFromForm(form: Record<string, FormDataEntryValue>, kinds: NotificationKind[]): PrefsInput {
  const prefs = Object.fromEntries(kinds.map((k) => [k, { inApp: form[`inApp.${k}`] === "on", email: String(form[`email.${k}`] ?? "") }]));
  return PrefsInput.parse({ prefs });
}
