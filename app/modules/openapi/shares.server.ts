// The buyer-share endpoints of the OpenAPI description (spread into openapi.server.ts): shares, and the
// items of a live link.
import { body, dateTime, errors, idParam, json, obj, str } from "./helpers.server";

const SHARE = { $ref: "#/components/schemas/Share" };

export const sharePaths = {
  "/shares": {
    get: {
      summary: "The caller's buyer shares with status and an engagement summary, newest first, a page at a time",
      parameters: [
        { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
      ],
      responses: {
        "200": json(
          obj({
            shares: { type: "array", items: SHARE },
            total: { type: "integer" },
            page: { type: "integer" },
            pages: { type: "integer" },
          }),
        ),
        ...errors(400, 401),
      },
    },
    post: {
      summary:
        "Share items with a buyer: a tracked link `/s/<token>`. Idempotent by a client `id` (or `Idempotency-Key`); `token` may be made on the device (32 random bytes, base64url) so an offline seller can copy the link at once. Items must be published, in the caller's audience and not internal-only",
      requestBody: body(
        obj(
          {
            id: { type: "string", format: "uuid" },
            token: { type: "string", pattern: "^[A-Za-z0-9_-]{43}$" },
            itemIds: { type: "array", items: { type: "string", format: "uuid" }, minItems: 1, maxItems: 10 },
            recipientName: str,
            recipientEmail: { type: "string", format: "email" },
            note: str,
            expiresAt: { ...dateTime, description: "Default: 30 days from now; at most 365 days" },
            allowDownload: { type: "boolean", default: false },
            requireEmail: { type: "boolean", default: false },
          },
          ["itemIds"],
        ),
      ),
      responses: {
        "201": json(obj({ share: SHARE }), "Created"),
        "200": json(obj({ share: SHARE }), "Already received (same id)"),
        ...errors(400, 401, 403, 404, 409, 422, 429),
      },
    },
  },
  "/shares/{id}": {
    parameters: [idParam],
    get: {
      summary: "One of the caller's shares with engagement (opens, viewers, downloads, time per item and page)",
      responses: { "200": json(obj({ share: SHARE })), ...errors(401, 404) },
    },
    patch: {
      summary: "Extend (or shorten) a share's expiry; a revoked share answers 409",
      requestBody: body(obj({ expiresAt: dateTime }, ["expiresAt"])),
      responses: { "200": json(obj({ share: SHARE })), ...errors(400, 401, 404, 409, 422) },
    },
    delete: {
      summary: "Revoke a share: the link answers like an unknown one from now on (idempotent)",
      responses: { "200": json(obj({ share: SHARE })), ...errors(401, 404) },
    },
  },
  "/shares/{id}/items": {
    parameters: [idParam],
    post: {
      summary:
        "Add items to a live link, after the ones it holds, or put back items taken off (at their old place). Checked as at creation; ten on the link at most, thirty different items over its life; items already on it are skipped",
      requestBody: body(
        obj({ itemIds: { type: "array", items: { type: "string", format: "uuid" }, minItems: 1, maxItems: 10 } }, ["itemIds"]),
      ),
      responses: {
        "200": json(
          obj({
            share: SHARE,
            added: { type: "array", items: { type: "string", format: "uuid" } },
            restored: { type: "array", items: { type: "string", format: "uuid" } },
          }),
        ),
        ...errors(400, 401, 403, 404, 409, 422),
      },
    },
  },
  "/shares/{id}/items/{position}": {
    parameters: [idParam, { name: "position", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
    delete: {
      summary:
        "Take the item at this position off a live link: the buyer no longer sees it; its reading stays in engagement. Idempotent; a link's last item answers 409 (revoke the link instead)",
      responses: { "200": json(obj({ share: SHARE, removed: obj({ id: str, title: str }) })), ...errors(400, 401, 404, 409) },
    },
  },
};
