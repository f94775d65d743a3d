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

/**
 * The 503 for a request that arrived while the database is down: JSON for the API and for clients that
 * ask for it, otherwise a small self-contained page (no React, no data: nothing it needs is down) that
 * reloads itself. Shared by the HTTP server's gate and the Remix entry, so both answer alike.
 */
export function unavailableReply(
  wantsJson: boolean,
  message = DATABASE_DOWN_MESSAGE,
): { status: number; headers: Record<string, string>; body: string } {
  const headers = { "Retry-After": String(RETRY_AFTER_S), "Cache-Control": "no-store" };
  if (wantsJson) {
    return {
      status: 503,
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify({ error: { code: "unavailable", message } }),
    };
  }
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_S * 2}"><title>Temporarily unavailable · Fieldkit</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}p.code{color:#6b7280}</style>
</head><body><main><p class="code">503</p><h1>Temporarily unavailable</h1><p>${escapeHtml(message)}</p>
<p>This page reloads by itself. Content saved for offline use is still on your device.</p></main></body></html>`;
  return { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" }, body };
}

export function wantsJson(pathname: string, accept: string | null | undefined): boolean {
  return pathname.startsWith("/api/") || /\bapplication\/json\b/i.test(accept ?? "");
}

export function unavailableResponse(request: Request, message?: string): Response {
  const reply = unavailableReply(wantsJson(new URL(request.url).pathname, request.headers.get("accept")), message);
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
