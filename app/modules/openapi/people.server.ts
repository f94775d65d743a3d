// People and onboarding endpoints of the OpenAPI description: users, invitations, password resets, mail.
import { MAIL_STATUSES } from "@/vocabulary/mail";
import { ROLES } from "@/vocabulary/people";
import { body, dateTime, errors, idParam, json, obj, str } from "./helpers.server";

const PAGE = { name: "page", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } };
const PAGES = { page: { type: "integer" }, pages: { type: "integer", description: "How many pages there are at this `limit`" } };

export const peoplePaths = {
  "/users": {
    get: {
      summary: "People (admin): everyone who matches by name, or with `page` (and `limit`) one page of them",
      parameters: [
        { name: "q", in: "query", description: "Part of a name or an address", schema: { type: "string", maxLength: 254 } },
        { name: "role", in: "query", schema: { enum: [...ROLES] } },
        { name: "team", in: "query", description: "A team's id, or `none`", schema: { type: "string" } },
        { name: "status", in: "query", schema: { enum: ["active", "deactivated"] } },
        { name: "sort", in: "query", description: "With `page`", schema: { enum: ["name", "email", "role", "team"] } },
        { name: "dir", in: "query", schema: { enum: ["asc", "desc"] } },
        PAGE,
        {
          name: "limit",
          in: "query",
          description: "People a page (default 100 once paged)",
          schema: { type: "integer", minimum: 1, maximum: 1000 },
        },
      ],
      responses: {
        "200": json(
          obj({ users: { type: "array", items: { $ref: "#/components/schemas/User" } }, total: { type: "integer" }, ...PAGES }, [
            "users",
            "total",
          ]),
        ),
        ...errors(401, 403),
      },
    },
    post: {
      summary: "Create a person (admin)",
      requestBody: body(obj({ email: str, name: str, role: str, teamId: str, password: str }, ["email", "name", "role", "password"])),
      responses: { "201": json(obj({ user: { $ref: "#/components/schemas/User" } }), "Created"), ...errors(400, 401, 403, 409, 422) },
    },
  },
  "/users/{id}": {
    parameters: [idParam],
    patch: {
      summary: "Change role or team, deactivate or reactivate (admin); deactivation ends the person's sessions",
      requestBody: body(obj({ role: str, teamId: { type: ["string", "null"] }, active: { type: "boolean" } })),
      responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 422) },
    },
  },
  "/invitations": {
    get: {
      summary: "Pending invitations (admin), newest first, a page at a time",
      parameters: [
        { name: "q", in: "query", description: "Part of an address", schema: { type: "string", maxLength: 254 } },
        { name: "state", in: "query", description: "Whether the link still works", schema: { enum: ["waiting", "expired"] } },
        PAGE,
        {
          name: "limit",
          in: "query",
          description: "Invitations a page (default 500)",
          schema: { type: "integer", minimum: 1, maximum: 500 },
        },
      ],
      responses: {
        "200": json(obj({ invitations: { type: "array", items: { type: "object" } }, total: { type: "integer" }, ...PAGES })),
        ...errors(401, 403),
      },
    },
    post: {
      summary: "Invite someone by email with a role and team (admin); mails a single-use link that expires in 7 days",
      requestBody: body(
        obj({ email: str, role: { enum: [...ROLES] }, teamId: { type: ["string", "null"], format: "uuid" } }, ["email", "role"]),
      ),
      responses: {
        "201": json(
          obj({ invitation: obj({ id: str, email: str, role: str, teamId: { type: ["string", "null"] }, expiresAt: dateTime }) }),
          "Created",
        ),
        ...errors(400, 401, 403, 409, 422),
      },
    },
  },
  "/invitations/{token}/accept": {
    parameters: [{ name: "token", in: "path", required: true, schema: str }],
    post: {
      summary:
        "Accept an invitation: creates the account with the invited role and team and sets the session cookie. Every unusable link answers the same 404.",
      security: [],
      requestBody: body(obj({ name: str, password: { type: "string", minLength: 10 } }, ["name", "password"])),
      responses: { "201": json(obj({ user: { $ref: "#/components/schemas/User" } }), "Created and signed in"), ...errors(400, 404) },
    },
  },
  "/password-resets": {
    post: {
      summary:
        "Ask for a password reset link by email. Always 202 with the same body, whether or not the address has an account; rate limited per address and per client.",
      security: [],
      requestBody: body(obj({ email: str }, ["email"])),
      responses: { "202": json(obj({ message: str }), "Accepted"), ...errors(400, 429) },
    },
  },
  "/password-resets/{token}": {
    parameters: [{ name: "token", in: "path", required: true, schema: str }],
    post: {
      summary: "Set a new password with a reset link (single use, 30 minutes); signs the account out everywhere",
      security: [],
      requestBody: body(obj({ password: { type: "string", minLength: 10 } }, ["password"])),
      responses: { "200": json(obj({ message: str })), ...errors(400, 404) },
    },
  },
  "/mail": {
    get: {
      summary: "Outgoing mail, newest first (admin); with no SMTP server configured this is the local outbox",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } },
        { name: "status", in: "query", schema: { enum: [...MAIL_STATUSES] } },
        {
          name: "q",
          in: "query",
          description: "Part of a recipient's address or of a subject",
          schema: { type: "string", maxLength: 254 },
        },
        { name: "before", in: "query", description: "`next` of the page before: the page goes on from there", schema: { type: "integer" } },
      ],
      responses: {
        "200": json(
          obj({
            transport: { enum: ["smtp", "local"] },
            messages: {
              type: "array",
              items: obj({
                id: { type: "integer" },
                kind: str,
                to: str,
                subject: str,
                text: str,
                status: { enum: [...MAIL_STATUSES] },
                attempts: { type: "integer" },
                error: { type: ["string", "null"] },
                createdAt: dateTime,
                sentAt: { type: ["string", "null"], format: "date-time" },
              }),
            },
            next: { type: ["integer", "null"], description: "Pass as `before` for the next page; null on the last" },
          }),
        ),
        ...errors(401, 403),
      },
    },
  },
};
