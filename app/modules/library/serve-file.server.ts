// Turning a stored file into an HTTP response: conditional GET, private caching, safe disposition.
import { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { FileRead } from "./versions.server";

/** RFC 6266 filename: an ASCII fallback plus the UTF-8 original. */
function disposition(kind: "inline" | "attachment", filename: string | null) {
  if (!filename) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function fileResponse(request: Request, file: FileRead, { download = false } = {}): Response {
  const headers = new Headers({
    "Content-Type": file.mime,
    ETag: file.etag,
    // Content-addressed, but access can be withdrawn: browsers may keep it, shared caches may not.
    "Cache-Control": "private, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  });
  if (file.filename || download) headers.set("Content-Disposition", disposition(download || !file.inline ? "attachment" : "inline", file.filename));
  if (request.headers.get("if-none-match") === file.etag) {
    (file.stream as Readable).destroy?.();
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Length", String(file.size));
  return new Response(createReadableStreamFromReadable(file.stream as Readable), { status: 200, headers });
}
