// Reading request bodies with a cap. `request.formData()` and `request.text()` read whatever arrives
// into memory: one 300 MB post to the sign-in page grew the server by 860 MB before a field was looked
// at. Every page action and API call reads its body through here instead (lint enforces it in routes).
// Uploads do not: they stream part by part to disk with their own limits (library/upload.server.ts).
import { AppError } from "./errors.server";

/** Enough for any page form but the long-text ones (2,000 ticked ids in the library are about 90 KB). */
export const FORM_MAX_BYTES = 1_000_000;
/** Forms carrying a talk track or a CSV: 200,000 characters, percent-encoded, can be 12 bytes each at worst. */
export const LONG_FORM_MAX_BYTES = 4_000_000;

const size = (bytes: number) => (bytes >= 1_000_000 ? `${bytes / 1_000_000} MB` : `${Math.floor(bytes / 1000)} KB`);
const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `The request is over ${size(maxBytes)}. Send less at a time.`);

/**
 * The body's bytes, refusing before reading when the declared length is over `maxBytes`, and stopping
 * as soon as a body without a declared length (chunked) goes over it.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Dropping the connection is the only way to stop a sender that never said how much it has.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The body as text (UTF-8), capped as `readBody`. */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  return (await readBody(request, maxBytes)).toString("utf8");
}

/**
 * A page form's fields, URL-encoded or multipart, capped as `readBody`. A page's action throws the
 * refusal as a 413 response, which its error boundary shows as a sentence (not a 500).
 */
export async function readForm(request: Request, maxBytes = FORM_MAX_BYTES): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  let bytes: Buffer;
  try {
    bytes = await readBody(request, maxBytes);
  } catch (error) {
    if (error instanceof AppError) throw new Response(error.message, { status: error.status });
    throw error;
  }
  if (/^application\/x-www-form-urlencoded\b/i.test(type) || type === "") {
    const form = new FormData();
    for (const [name, value] of new URLSearchParams(bytes.toString("utf8"))) form.append(name, value);
    return form;
  }
  try {
    return await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch {
    throw new Response("The form could not be read. Reload the page and try again.", { status: 400 });
  }
}
