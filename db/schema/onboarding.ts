// Onboarding and being told things: outgoing mail, invitations, password resets, single sign-on
// identities and logins in flight, notifications. Tokens are stored only as their sha256.
import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { teams, users } from "./people";
import { MAIL_STATUSES } from "@/vocabulary/mail";
import { ROLES } from "@/vocabulary/people";

/**
 * Every message Fieldkit sends. With SMTP configured a job delivers it and records the outcome;
 * without, "delivered" means kept here, where admins read it (the local outbox).
 */
export const mailMessages = pgTable(
  "mail_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    /** queued → sent (SMTP accepted it) | local (kept in the outbox) | failed (gave up, see error). */
    status: text("status", { enum: MAIL_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("mail_messages_created_idx").on(t.createdAt), index("mail_messages_status_idx").on(t.status, t.createdAt)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("invitations_email_idx").on(t.email),
    index("invitations_pending_idx")
      .on(t.createdAt)
      .where(sql`accepted_at is null and withdrawn_at is null`),
  ],
);

export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** Sliding-window rate limits by key (e.g. `reset:<email>`, `reset-ip:<address>`). */
export const rateLimitHits = pgTable(
  "rate_limit_hits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    key: text("key").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_limit_hits_key_at_idx").on(t.key, t.at)],
);

/** An account's link to an OpenID provider's subject; one subject per issuer, one account per link. */
export const userIdentities = pgTable(
  "user_identities",
  {
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index("user_identities_user_idx").on(t.userId)],
);

/**
 * An SSO sign-in in flight: the state (hashed), nonce and PKCE verifier. Used once: a replayed
 * callback finds `usedAt` set and is refused.
 */
export const oidcLogins = pgTable("oidc_logins", {
  stateHash: text("state_hash").primaryKey(),
  nonce: text("nonce").notNull(),
  codeVerifier: text("code_verifier").notNull(),
  redirectTo: text("redirect_to"),
  inviteTokenHash: text("invite_token_hash"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

export const NOTIFICATION_KINDS = [
  "feedback_answered",
  "request_fulfilled",
  "saved_item_updated",
  "item_expiring",
  "verification_due",
  "new_request",
  "content_digest",
  "team_adoption",
  "share_opened",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const EMAIL_FREQUENCIES = ["off", "immediate", "daily", "weekly"] as const;
export type EmailFrequency = (typeof EMAIL_FREQUENCIES)[number];

export const notifications = pgTable(
  "notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    url: text("url"),
    /** Shown in the app's list; false when the person turned the kind off in the app but still gets it by mail. */
    inApp: boolean("in_app").notNull().default(true),
    /** How it is mailed, fixed when it was created: digests pick up the `daily`/`weekly` ones not yet mailed. */
    email: text("email", { enum: EMAIL_FREQUENCIES }).notNull().default("off"),
    /** Producers that run again and again (reminder sweeps) notify once per key and person. */
    dedupeKey: text("dedupe_key"),
    /** Set when the kind is mailed as a digest and this one has gone out in one. */
    mailedAt: timestamp("mailed_at", { withTimezone: true }),
    /** Set when a push was queued for it: a kind's daily push limit counts these, not every notice. */
    pushedAt: timestamp("pushed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    // By id for the list (newest first, paged by id): by `created_at` alone, a person with few notices among
    // millions had the planner walk the whole primary key backwards. `created_at` is for the push limit.
    index("notifications_user_idx").on(t.userId, t.createdAt),
    index("notifications_user_id_idx").on(t.userId, t.id),
    index("notifications_unread_idx")
      .on(t.userId, t.id)
      .where(sql`read_at is null`),
    uniqueIndex("notifications_dedupe_idx")
      .on(t.userId, t.dedupeKey)
      .where(sql`dedupe_key is not null`),
    index("notifications_digest_idx")
      .on(t.email, t.createdAt)
      .where(sql`mailed_at is null`),
  ],
);

/** Per-user preferences: `{[kind]: {inApp: boolean, email: "off"|"immediate"|"daily"|"weekly"}}`; missing kinds use defaults. */
export const notificationSettings = pgTable("notification_settings", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  prefs: jsonb("prefs")
    .$type<Record<string, { inApp?: boolean; email?: "off" | "immediate" | "daily" | "weekly" }>>()
    .notNull()
    .default({}),
  pushEnabled: boolean("push_enabled").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One digest per person and period (`daily:2026-12-03`, `weekly:2026-11-30`, `content:…`): the claim that dedupes it. */
export const notificationDigests = pgTable(
  "notification_digests",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    period: text("period").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.period] })],
);

/**
 * One reminder per person and item window (`verification_due:<item>:<due day>`, `item_expiring:<item>:<expiry
 * day>`): the claim that dedupes it, whether it was told on its own or counted in a grouped notification.
 */
export const reminderClaims = pgTable(
  "reminder_claims",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** A browser's Web Push subscription (PushManager), deleted when the push service says it is gone (404/410). */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull().unique(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSentAt: timestamp("last_sent_at", { withTimezone: true }),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);
