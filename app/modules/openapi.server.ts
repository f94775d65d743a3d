// The published description of /api/v1 (CONTRACT.md). Served at /api/v1/openapi.json; a test checks
// that every API route file is documented here and vice versa.
import { ROLES } from "@/vocabulary/people";
import { notificationPaths } from "./openapi/notifications.server";
import { body, dateTime, errors, idParam, json, obj, str } from "./openapi/helpers.server";
import { CREATE_FIELDS, UPDATE_FIELDS, itemFields } from "./openapi/item-fields.server";
import { peoplePaths } from "./openapi/people.server";
import { sharePaths } from "./openapi/shares.server";

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Fieldkit API",
    version: "1",
    description:
      'JSON API of Fieldkit. Authenticate with the browser session cookie (POST /session) or `Authorization: Bearer <personal token>`. Errors are `{"error":{"code","message"}}`.',
  },
  servers: [{ url: "/api/v1" }],
  components: {
    securitySchemes: {
      cookie: { type: "apiKey", in: "cookie", name: "fk_session" },
      bearer: { type: "http", scheme: "bearer" },
    },
    schemas: {
      Error: obj({ error: obj({ code: str, message: str }, ["code", "message"]) }, ["error"]),
      User: obj(
        { id: { type: "string", format: "uuid" }, email: str, name: str, role: { enum: [...ROLES] }, teamId: { type: ["string", "null"] } },
        ["id", "email", "name", "role", "teamId"],
      ),
      Version: obj({
        id: str,
        number: { type: "integer" },
        changelog: str,
        filename: { type: ["string", "null"] },
        mime: { type: ["string", "null"] },
        size: { type: ["integer", "null"] },
        pageCount: { type: ["integer", "null"] },
        fileUrl: { type: ["string", "null"] },
        previewStatus: { enum: ["none", "pending", "ready", "failed"] },
        previewProblem: { type: ["string", "null"], description: "Why previews could not be made, when previewStatus is failed" },
        previews: { type: "array", items: obj({ n: { type: "integer" }, urls: { type: "object", description: "URL by width" } }) },
        createdAt: dateTime,
      }),
      Share: obj({
        id: str,
        url: { type: "string", description: "Absolute link for the buyer: <origin>/s/<token>" },
        path: { type: "string", description: "/s/<token>" },
        status: { enum: ["active", "expired", "revoked"] },
        recipientName: { type: ["string", "null"] },
        recipientEmail: { type: ["string", "null"] },
        note: { type: ["string", "null"] },
        allowDownload: { type: "boolean" },
        requireEmail: { type: "boolean" },
        expiresAt: dateTime,
        revokedAt: { type: ["string", "null"], format: "date-time" },
        createdAt: dateTime,
        firstOpenedAt: { type: ["string", "null"], format: "date-time" },
        items: {
          type: "array",
          items: obj({
            position: { type: "integer" },
            id: str,
            title: str,
            type: str,
            available: {
              type: "boolean",
              description: "The buyer's page shows it; false once it is marked internal, expires or is withdrawn",
            },
          }),
        },
        removedItems: {
          type: "array",
          description: "Taken off the link by the seller: the buyer no longer sees them; their reading stays in engagement",
          items: obj({ position: { type: "integer" }, id: str, title: str, type: str, removedAt: dateTime }),
        },
        summary: obj({
          opens: { type: "integer" },
          viewers: { type: "integer" },
          downloads: { type: "integer" },
          totalMs: { type: "integer" },
          text: str,
        }),
        engagement: {
          type: "object",
          description:
            "GET /shares/{id} only: opens, viewers (a second viewer = forwarded), downloads, emails given, and visible ms per item position and page",
        },
      }),
      Item: obj({
        id: str,
        type: str,
        title: str,
        summary: str,
        status: { enum: ["draft", "in_review", "published", "archived"] },
        revision: { type: "integer", description: "Send it back on PATCH; a stale one gets 409 with error.details.current" },
        problem: { type: ["string", "null"], description: "Why a draft cannot go further, e.g. a password-protected PDF" },
        videoUrl: { type: ["string", "null"] },
        owner: { type: ["object", "null"] },
        expiresAt: { type: ["string", "null"], format: "date-time" },
        publishAt: { type: ["string", "null"], format: "date-time" },
        publishedAt: { type: ["string", "null"], format: "date-time" },
        tags: { type: "array", items: obj({ facet: str, value: str, label: str }) },
        audiences: { type: "array", items: obj({ id: str, name: str }) },
        currentVersion: { $ref: "#/components/schemas/Version" },
        html: { type: ["string", "null"], description: "Sanitised HTML of a messaging item" },
        versions: {
          type: "array",
          items: { $ref: "#/components/schemas/Version" },
          description: "Every version for marketers and admins; the current one for sellers",
        },
      }),
    },
  },
  security: [{ cookie: [] }, { bearer: [] }],
  paths: {
    ...notificationPaths,
    "/session": {
      post: {
        summary: "Sign in (sets the session cookie)",
        security: [],
        requestBody: body(obj({ email: str, password: str }, ["email", "password"])),
        responses: { "200": json(obj({ user: { $ref: "#/components/schemas/User" } })), ...errors(400, 401, 415, 429) },
      },
      delete: { summary: "Sign out", responses: { "204": { description: "Signed out" }, ...errors(401) } },
    },
    "/me": {
      get: {
        summary: "The current user",
        responses: { "200": json(obj({ user: { $ref: "#/components/schemas/User" } })), ...errors(401) },
      },
    },
    "/items": {
      post: {
        summary: "Create a draft (marketer, admin): multipart with `file` fields and metadata, or JSON for messaging items",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": { schema: obj({ file: { type: "string", format: "binary" }, title: str, summary: str, type: str }) },
            "application/json": { schema: obj(itemFields([...CREATE_FIELDS]), ["type", "title"]) },
          },
        },
        responses: {
          "201": json(
            {
              oneOf: [
                { $ref: "#/components/schemas/Item" },
                obj({
                  items: { type: "array", items: { $ref: "#/components/schemas/Item" } },
                  failed: { type: "array", items: obj({ filename: str, error: str }) },
                }),
              ],
            },
            "Created: the item, or with several files `{items, failed}` so one bad file never costs the others",
          ),
          ...errors(400, 401, 403, 408, 413, 415, 422),
        },
      },
    },
    "/items/{id}": {
      parameters: [idParam],
      get: {
        summary: "An item in the caller's audience",
        responses: { "200": json({ $ref: "#/components/schemas/Item" }), ...errors(401, 404) },
      },
      patch: {
        summary: "Edit metadata (marketer, admin); send the `revision` you read — a stale one gets 409 with the current values",
        requestBody: body(obj(itemFields([...UPDATE_FIELDS]), ["revision"])),
        responses: { "200": json({ $ref: "#/components/schemas/Item" }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/items/{id}/versions": {
      parameters: [idParam],
      post: {
        summary: "Upload a new version with a changelog (marketer, admin)",
        requestBody: {
          required: true,
          content: { "multipart/form-data": { schema: obj({ file: { type: "string", format: "binary" }, changelog: str }) } },
        },
        responses: { "201": json({ $ref: "#/components/schemas/Item" }, "Created"), ...errors(400, 401, 403, 404, 408, 413, 415) },
      },
    },
    "/items/{id}/transition": {
      parameters: [idParam],
      post: {
        summary: "Move through the lifecycle, by workflow rules; with `revision`, 409 if the item changed since (a new version or an edit)",
        requestBody: body(
          obj(
            {
              to: { enum: ["in_review", "published", "archived", "draft"] },
              comment: str,
              publishAt: dateTime,
              revision: { type: "integer" },
            },
            ["to"],
          ),
        ),
        responses: { "200": json({ $ref: "#/components/schemas/Item" }), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    "/items/{id}/file": {
      parameters: [idParam],
      get: { summary: "The original file (as an attachment)", responses: { "200": { description: "The file" }, ...errors(401, 404) } },
    },
    "/items/{id}/previews/{n}": {
      parameters: [idParam, { name: "n", in: "path", required: true, schema: { type: "integer", minimum: 0 } }],
      get: { summary: "A preview image (WebP)", responses: { "200": { description: "image/webp" }, ...errors(401, 404) } },
    },
    "/search": {
      get: {
        summary: "Search published items in the caller's audience",
        parameters: ["q", "type", "tag", "page", "limit"].map((name) => ({
          name,
          in: "query",
          schema: name === "page" || name === "limit" ? { type: "integer" } : str,
        })),
        responses: {
          "200": json(
            obj({
              hits: {
                type: "array",
                items: obj({
                  id: str,
                  title: str,
                  type: str,
                  snippet: { type: "string", description: "Escaped HTML whose only tag is <mark>" },
                  page: { type: "integer" },
                }),
              },
              facets: { type: "object", description: "{facet: [{value, label, count}]}" },
              total: { type: "integer" },
              totalExact: { type: "boolean", description: "false when a very common term's count is estimated" },
              queryId: { type: "string", description: "Pass to the click log (/search/go) to record which hit helped" },
              tookMs: { type: "number" },
              engine: { enum: ["postgres", "meilisearch"] },
            }),
          ),
          ...errors(400, 401),
        },
      },
    },
    "/sync": {
      get: {
        summary: "Catalog delta for offline use",
        parameters: [{ name: "since", in: "query", schema: str }],
        responses: {
          "200": json(
            obj({
              items: { type: "array", items: { type: "object" } },
              removed: {
                type: "array",
                items: str,
                description: "Items to delete: only ever items the caller could see at some time since the cursor",
              },
              cursor: str,
              full: { type: "boolean", description: "This is the whole catalog: delete anything not listed" },
              more: { type: "boolean", description: "Another page follows: call again with the new cursor" },
            }),
          ),
          ...errors(400, 401),
        },
      },
    },
    "/events": {
      post: {
        summary: "Usage events (≤ 500), idempotent by id",
        requestBody: body({
          type: "array",
          maxItems: 500,
          items: obj({ id: { type: "string", format: "uuid" }, type: str, itemId: str, at: dateTime, props: { type: "object" } }, [
            "id",
            "type",
            "at",
          ]),
        }),
        responses: {
          "200": json(
            obj({
              accepted: { type: "integer" },
              duplicates: { type: "integer" },
              clamped: { type: "integer", description: "Future timestamps moved to server time" },
              rejected: {
                type: "array",
                items: obj({
                  index: { type: "integer" },
                  code: {
                    type: "string",
                    enum: ["invalid", "too_old", "unknown_item"],
                    description: "`unknown_item`: no such item, or not visible to the caller when the event happened (answered alike)",
                  },
                  message: str,
                }),
              },
            }),
          ),
          ...errors(400, 401, 413, 429),
        },
      },
    },
    "/items/{id}/rating": {
      parameters: [idParam],
      put: {
        summary:
          "Rate a version: `versionId`, else the newest there was at `at` (one per user per version; the latest `at` wins). An item archived or expired since `at` (30 days at most) may still be rated",
        requestBody: body(
          obj(
            {
              useful: { type: "boolean" },
              reasons: { type: "array", items: str },
              comment: str,
              at: dateTime,
              versionId: { type: "string", format: "uuid" },
            },
            ["useful", "at"],
          ),
        ),
        responses: { "200": json({ type: "object" }), ...errors(400, 401, 404, 422) },
      },
    },
    "/requests": {
      get: {
        summary: "The caller's own content requests with status and answer",
        responses: { "200": json({ type: "object" }), ...errors(401) },
      },
      post: {
        summary: "Request content; idempotent by a client `id` or an `Idempotency-Key` header (a re-send answers 200)",
        requestBody: body(obj({ id: { type: "string", format: "uuid" }, text: str, query: str }, ["text"])),
        responses: {
          "201": json({ type: "object" }, "Created"),
          "200": json({ type: "object" }, "Already received"),
          ...errors(400, 401, 409),
        },
      },
    },
    ...sharePaths,
    ...peoplePaths,
    "/insights/items": {
      get: {
        summary: "Per-item usage and usefulness (marketer, manager, admin); CSV with Accept: text/csv",
        parameters: ["from", "to", "team"].map((name) => ({ name, in: "query", schema: str })),
        responses: { "200": { description: "JSON or CSV" }, ...errors(400, 401, 403) },
      },
    },
    "/insights/adoption": {
      get: {
        summary: "Weekly active sellers per team (manager, admin); CSV with Accept: text/csv",
        parameters: ["from", "to"].map((name) => ({ name, in: "query", schema: str })),
        responses: { "200": { description: "JSON or CSV" }, ...errors(400, 401, 403) },
      },
    },
  },
} as const;
