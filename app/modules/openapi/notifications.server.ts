// The notification endpoints' part of the OpenAPI description (spread into openapi.server.ts).
import { NOTIFICATION_KINDS } from "@/db/schema";
import { body, errors, json } from "./helpers.server";
const E = errors(400, 401);
const KINDS = [...NOTIFICATION_KINDS];
const EMAIL = { enum: ["off", "immediate", "daily", "weekly"] };
const notification = {
  type: "object",
  properties: {
    id: { type: "integer" },
    kind: { enum: KINDS },
    title: {
      type: "string",
      description: "As the caller may see it now: a neutral line when the item it is about is no longer theirs to open",
    },
    body: { type: "string" },
    url: { type: ["string", "null"], description: "Path inside Fieldkit; never an item the caller can no longer open" },
    createdAt: { type: "string", format: "date-time" },
    read: {
      type: "boolean",
      description: "Also true while the item it is about is one the caller can no longer open (it is not counted as unread)",
    },
  },
  required: ["id", "kind", "title", "body", "url", "createdAt", "read"],
};
const prefs = {
  type: "object",
  properties: {
    kinds: {
      type: "array",
      items: {
        type: "object",
        properties: {
          kind: { enum: KINDS },
          label: { type: "string" },
          description: { type: "string" },
          emailChoices: { type: "array", items: EMAIL },
          inApp: { type: "boolean" },
          email: EMAIL,
        },
      },
    },
    push: { type: "boolean", description: "Web Push wanted (set by subscribing a browser)" },
    pushDevices: { type: "integer" },
  },
};

export const notificationPaths = {
  "/notifications": {
    get: {
      summary: "The caller's in-app notifications, newest first, with read state; page with `before` = the previous page's `next`",
      parameters: [
        { name: "before", in: "query", schema: { type: "integer" } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
        { name: "unread", in: "query", schema: { enum: ["true", "false"] } },
      ],
      responses: {
        "200": json({
          type: "object",
          properties: { notifications: { type: "array", items: notification }, next: { type: ["integer", "null"] } },
        }),
        ...E,
      },
    },
  },
  "/notifications/read": {
    post: {
      summary: "Mark the caller's notifications read: some by id (others' ids are ignored) or all",
      requestBody: body({
        oneOf: [
          { type: "object", properties: { ids: { type: "array", items: { type: "integer" }, maxItems: 500 } }, required: ["ids"] },
          { type: "object", properties: { all: { const: true } }, required: ["all"] },
        ],
      }),
      responses: { "200": json({ type: "object", properties: { marked: { type: "integer" }, unread: { type: "integer" } } }), ...E },
    },
  },
  "/me/notifications": {
    get: {
      summary: "The caller's notification preferences, per kind offered to their role",
      responses: { "200": json(prefs), "401": E["401"] },
    },
    put: {
      summary:
        "Change notification preferences: the kinds given are replaced, others keep theirs. 400 for unknown kinds or a frequency a kind does not offer (summaries: off or weekly).",
      requestBody: body({
        type: "object",
        properties: {
          prefs: {
            type: "object",
            additionalProperties: {
              type: "object",
              properties: { inApp: { type: "boolean" }, email: EMAIL },
              required: ["inApp", "email"],
            },
          },
        },
      }),
      responses: { "200": json(prefs), ...E },
    },
  },
  "/me/push-subscriptions": {
    get: {
      summary: "The VAPID public key (applicationServerKey) and how many of the caller's browsers are subscribed",
      parameters: [
        {
          name: "endpoint",
          in: "query",
          description: "A browser's push endpoint: the answer then says in `thisDevice` whether the caller's push goes to it",
          schema: { type: "string", maxLength: 2000 },
        },
      ],
      responses: {
        "200": json({
          type: "object",
          properties: {
            publicKey: { type: "string" },
            enabled: { type: "boolean" },
            devices: { type: "integer" },
            thisDevice: { type: "boolean", description: "Only with `endpoint`" },
          },
        }),
        ...E,
      },
    },
    post: {
      summary: "Subscribe this browser to Web Push (the PushSubscription's toJSON()); turns push on",
      requestBody: body({
        type: "object",
        properties: {
          endpoint: { type: "string", format: "uri" },
          keys: { type: "object", properties: { p256dh: { type: "string" }, auth: { type: "string" } } },
        },
        required: ["endpoint", "keys"],
      }),
      responses: { "201": json({ type: "object", properties: { subscribed: { const: true } } }, "Subscribed"), ...E },
    },
    delete: {
      summary: "Unsubscribe one browser ({endpoint}) or every browser ({}); push is off when none is left",
      requestBody: body({ type: "object", properties: { endpoint: { type: ["string", "null"] } } }),
      responses: { "200": json({ type: "object", properties: { subscribed: { const: false } } }), ...E },
    },
  },
} as const;
