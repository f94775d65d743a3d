// The JSON API's edges: one error shape, one place that turns expected failures into statuses.
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "@/db/client";
import { AppError, DATABASE_DOWN_MESSAGE, NUL_MESSAGE, RETRY_AFTER_S, asInputError, badRequest } from "./errors.server";
import { readText } from "./request-body.server";

export function apiJson(data: unknown, init: ResponseInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(data), { ...init, headers });
}

export function apiError(status: number, code: string, message: string, details?: unknown) {
  return apiJson({ error: { code, message, ...(details ? { details } : {}) } }, { status });
}

export function zodMessage(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Wraps an API loader/action so every expected failure leaves as `{"error":{code,message}}`. */
export function api<A extends { request: Request }>(handler: (args: A) => Promise<Response>) {
  return async (args: A): Promise<Response> => {
    try {
      return await handler(args);
    } catch (error) {
      return toApiError(error);
    }
  };
}

export function toApiError(thrown: unknown): Response {
  const error = asInputError(thrown);
  // An outage is not a bug: 503 with Retry-After, no stack in the log (the database client logs it once).
  if (isDatabaseUnavailable(error)) {
    const res = apiError(503, "unavailable", DATABASE_DOWN_MESSAGE);
    res.headers.set("Retry-After", String(RETRY_AFTER_S));
    return res;
  }
  if (error instanceof AppError) return apiError(error.status, error.code, error.message, error.details);
  if (error instanceof ZodError) return apiError(400, "bad_request", zodMessage(error));
  if (error instanceof Response) {
    return apiError(error.status, error.status === 404 ? "not_found" : "error", error.statusText || "Request failed");
  }
  console.error(error);
  return apiError(500, "internal", "Something went wrong on our side. It has been logged.");
}

/** Reads a JSON body with a size cap, answering 400/413/415 instead of throwing a parser error. */
export async function readJson(request: Request, maxBytes = 1_000_000): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  }
  const text = await readText(request, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  // Only escapes can put these in valid JSON text (UTF-8 decoding yields neither), so the text rules most
  // bodies out before the value is walked. PostgreSQL stores neither: NUL in text, and an unpaired
  // surrogate in jsonb (the audit log's details), which it refused with a 500.
  if (/\\u0000/i.test(text) && anyText(body, (s) => s.includes("\0"))) throw badRequest(NUL_MESSAGE);
  if (/\\u[dD][89a-fA-F]/.test(text) && anyText(body, (s) => UNPAIRED_SURROGATE.test(s))) throw badRequest(SURROGATE_MESSAGE);
  return body;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const SURROGATE_MESSAGE =
  "Text can't contain half of a surrogate pair (a \\uD800–\\uDFFF escape without its other half). Send text as UTF-8, or escape a character beyond U+FFFF as both halves.";

/** Whether any string or key in a parsed body passes `test`; a loop, not recursion, since a 1 MB body can nest 500,000 deep. */
function anyText(body: unknown, test: (s: string) => boolean): boolean {
  const pending = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (test(value)) return true;
    } else if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
