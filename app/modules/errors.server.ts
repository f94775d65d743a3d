// Expected failures are values with a status and a message a person can act on.
// Routes turn them into pages or `{"error":{code,message}}`; anything else is a bug and reaches the boundary.
import { isDatabaseUnavailable } from "@/db/client";

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "rate_limited"
  | "request_timeout"
  | "unavailable"
  | "insufficient_storage";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  request_timeout: 408,
  unavailable: 503,
  insufficient_storage: 507,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export const forbidden = (message = "You do not have permission to do that.") => new AppError("forbidden", message);
export const notFound = (message = "Not found.") => new AppError("not_found", message);
export const badRequest = (message: string, details?: Record<string, unknown>) => new AppError("bad_request", message, details);

/** How long a client should wait before retrying while the database is unreachable. */
export const RETRY_AFTER_S = 5;
export const DATABASE_DOWN_MESSAGE = "Fieldkit can't reach its database right now. Try again in a moment.";

/** An outage of a server we depend on (today: the database), as opposed to a bug. */
export const isUnavailable = (error: unknown) =>
  isDatabaseUnavailable(error) || (error instanceof AppError && error.code === "unavailable");

export type PlainReply = { status: number; headers: Record<string, string>; body: string };

/**
 * An answer the HTTP server gives on its own, before Remix (no React, no data): JSON for the API and for
 * clients that ask for it, otherwise a small self-contained page.
 */
export function plainReply(
  wantsJson: boolean,
  {
    status,
    code,
    title,
    message,
    headers = {},
    head = "",
    after = "",
  }: { status: number; code: ErrorCode; title: string; message: string; headers?: Record<string, string>; head?: string; after?: string },
): PlainReply {
  if (wantsJson) {
    return {
      status,
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify({ error: { code, message } }),
    };
  }
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${head}<title>${escapeHtml(title)} · Fieldkit</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}p.code{color:#6b7280}</style>
</head><body><main><p class="code">${status}</p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
${after}</main></body></html>`;
  return { status, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" }, body };
}

/**
 * The 503 for a request that arrived while the database is down, as a page that reloads itself (nothing
 * it needs is down). Shared by the HTTP server's gate and the Remix entry, so both answer alike.
 */
export function unavailableReply(wantsJson: boolean, message = DATABASE_DOWN_MESSAGE): PlainReply {
  return plainReply(wantsJson, {
    status: 503,
    code: "unavailable",
    title: "Temporarily unavailable",
    message,
    headers: { "Retry-After": String(RETRY_AFTER_S), "Cache-Control": "no-store" },
    head: `<meta http-equiv="refresh" content="${RETRY_AFTER_S * 2}">`,
    after: "<p>This page reloads by itself. Content saved for offline use is still on your device.</p>",
  });
}

/** An upload whose bytes stopped arriving: answered before its connection is closed, so a client still listening learns why. */
export function stalledUploadReply(wantsJson: boolean, stallSeconds: number): PlainReply {
  return plainReply(wantsJson, {
    status: 408,
    code: "request_timeout",
    title: "Upload stopped",
    message: `Nothing of this upload arrived for ${stallSeconds} seconds, so Fieldkit stopped waiting and kept none of it. Check the connection and upload the file again.`,
    headers: { Connection: "close", "Cache-Control": "no-store" },
  });
}

/** The NUL character (U+0000): never in text a person meant to send, and PostgreSQL cannot store it in text. */
export const NUL_MESSAGE = "Text can't contain the NUL character (U+0000). Remove it and try again.";
const NUL_IN_ADDRESS = /%00/;

/** A request whose address carries a NUL: refused at the edge, for every page and API call alike. */
export function nulInAddressReply(url: string, wantsJson: boolean): PlainReply | null {
  if (!NUL_IN_ADDRESS.test(url)) return null;
  return plainReply(wantsJson, {
    status: 400,
    code: "bad_request",
    title: "Bad address",
    message: `The address contains the NUL character (%00), which no Fieldkit link does. Check the link, or remove it from what you searched for.`,
    headers: { "Cache-Control": "no-store" },
  });
}

/** A value PostgreSQL cannot hold that got past the checks in front of it (they bound each date and number). */
export const OUT_OF_RANGE_MESSAGE = "A date or a number in what you sent is outside what Fieldkit can store. Check it and try again.";

/** A reference to a row that is not there: gone since the form was loaded, or never there. */
export const GONE_REFERENCE_MESSAGE = "Something this refers to no longer exists (someone may have just removed it). Reload and try again.";

/**
 * A database refusal caused by what was sent, as the 4xx it is; anything else unchanged. The edges
 * (api.server.ts, page-errors.server.ts) ask first. A NUL in text that reached a query through a form is
 * a 400; a reference to a row that is not there (23503, foreign key) is a 422 — the modules check the
 * references people choose (a team, an item) and say which, so this is the race where it went between
 * that check and the write, or a reference nobody thought to check.
 */
export function asInputError(error: unknown): unknown {
  // 22021: character_not_in_repertoire (a NUL in text); 22P05: untranslatable_character (\u0000 in jsonb).
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code;
  if (code === "22021" || code === "22P05") return badRequest(NUL_MESSAGE);
  if (code === "23503") return new AppError("unprocessable", GONE_REFERENCE_MESSAGE);
  // 22008: datetime_field_overflow, 22007: invalid_datetime_format, 22003: numeric_value_out_of_range,
  // 22009: a five-digit year ("+010000-…", the day after 9999-12-31) read as a time zone. The net under
  // the checks: a year 0 once reached PostgreSQL through an expiry date (vocabulary/dates.ts).
  if (code === "22008" || code === "22007" || code === "22003" || code === "22009") return badRequest(OUT_OF_RANGE_MESSAGE);
  return error;
}

export function wantsJson(pathname: string, accept: string | null | undefined): boolean {
  return pathname.startsWith("/api/") || /\bapplication\/json\b/i.test(accept ?? "");
}

export function unavailableResponse(request: Request, message?: string): Response {
  const reply = unavailableReply(wantsJson(new URL(request.url).pathname, request.headers.get("accept")), message);
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
