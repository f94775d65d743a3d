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

/**
 * `version`: the URL names the version (`?version=n`), so what it answers never changes. Without it the URL
 * means "the current version" and changes with every upload: kept for a day, a seller saw the old deck's
 * pages and file for a day after the fix to its price went up.
 */
export function fileResponse(request: Request, file: FileRead, { download = false, version = false } = {}): Response {
  const headers = new Headers({
    "Content-Type": file.mime,
    ETag: file.etag,
    // Access can be withdrawn: browsers may keep a copy, shared caches may not. The current version's copy
    // is checked each time (a 304 when unchanged).
    "Cache-Control": version ? "private, max-age=86400" : "private, no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  });
  if (file.filename || download)
    headers.set("Content-Disposition", disposition(download || !file.inline ? "attachment" : "inline", file.filename));
  headers.set("Accept-Ranges", "bytes");
  if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
  // Videos need byte ranges to seek (and iOS Safari plays none without them). If-Range with another
  // version's tag means "send it all".
  const rangeHeader = request.headers.get("range");
  const ifRange = request.headers.get("if-range");
  const range = rangeHeader && (!ifRange || ifRange === file.etag) ? parseRange(rangeHeader, file.size) : null;
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    return new Response(null, { status: 416, headers });
  }
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    return new Response(createReadableStreamFromReadable(file.open(range) as Readable), { status: 206, headers });
  }
  headers.set("Content-Length", String(file.size));
  return new Response(createReadableStreamFromReadable(file.open() as Readable), { status: 200, headers });
}

/**
 * One `bytes=` range (start-end, start-, or -suffix), inclusive. Multiple ranges are answered with the
 * whole file (allowed by RFC 9110); a range past the end is "unsatisfiable"; anything malformed is ignored.
 */
export function parseRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (end < start) return m[2] === "" || start >= size ? "unsatisfiable" : null;
  }
  if (start >= size || !Number.isSafeInteger(start)) return "unsatisfiable";
  return { start, end };
}
