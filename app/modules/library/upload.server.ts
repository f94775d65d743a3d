// Receiving uploads: multipart is streamed part by part to temp files under STORAGE_DIR while being
// hashed and counted, so a 2 GB upload never sits in memory and an oversized one is cut off at the limit.
import { rm } from "node:fs/promises";
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { safeFilename } from "@/content/sniff";
import { StorageFullError, writeTempFile, type FileStorage } from "@/content/storage";
import { AppError } from "~/modules/errors.server";

export type ReceivedFile = {
  field: string;
  filename: string;
  tempFile: string;
  key: string;
  size: number;
  head: Buffer;
};

export type ReceivedUpload = {
  fields: Map<string, string[]>;
  files: ReceivedFile[];
  /** Removes temp files that were not moved into storage. Always call it (finally). */
  cleanup(): Promise<void>;
};

const MAX_FIELD_BYTES = 256 * 1024;
const MAX_PARTS = 500;

export const isMultipart = (request: Request) => /^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "");

export async function receiveUpload(request: Request, storage: FileStorage, maxUploadMb: number): Promise<ReceivedUpload> {
  if (!isMultipart(request)) throw new AppError("unsupported_media_type", "Send files as multipart/form-data.");
  const maxBytes = Math.floor(maxUploadMb * 1024 * 1024);
  const fields = new Map<string, string[]>();
  const files: ReceivedFile[] = [];
  let parts = 0;
  const cleanup = async () => {
    await Promise.all(files.map((f) => rm(f.tempFile, { force: true })));
  };

  const handler: UploadHandler = async (part) => {
    if (++parts > MAX_PARTS) throw new AppError("payload_too_large", `A request may have at most ${MAX_PARTS} parts.`);
    if (typeof part.filename === "string") {
      const filename = safeFilename(part.filename);
      const written = await writeTempFile(storage, part.data, maxBytes);
      if ("tooLarge" in written) {
        throw new AppError(
          "payload_too_large",
          `${filename} is larger than the ${maxUploadMb} MB limit. Compress it or split it, then upload again.`,
        );
      }
      // A file input left empty in a plain form arrives as a nameless, empty part.
      if (part.filename === "" && written.size === 0) {
        await rm(written.tempFile, { force: true });
        return null;
      }
      files.push({ field: part.name, filename, ...written });
      return null;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.data) {
      size += chunk.byteLength;
      if (size > MAX_FIELD_BYTES) throw new AppError("payload_too_large", `The field ${part.name} is too long.`);
      chunks.push(Buffer.from(chunk));
    }
    const list = fields.get(part.name) ?? [];
    list.push(Buffer.concat(chunks).toString("utf8"));
    fields.set(part.name, list);
    return null;
  };

  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    await cleanup();
    if (error instanceof AppError) throw error;
    if (error instanceof StorageFullError) throw storageFull();
    throw new AppError("bad_request", "The upload was interrupted or is not valid multipart/form-data. Try again.");
  }
  return { fields, files, cleanup };
}

/** Form fields as an object: one value as a string, repeated names (tags, audiences) as arrays. */
export function fieldsObject(fields: Map<string, string[]>, repeated: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, values] of fields) out[name] = repeated.includes(name) ? values : values[values.length - 1];
  for (const name of repeated) out[name] ??= [];
  return out;
}

/** The upload was refused because the server's file storage is full; nothing of it was kept. */
export const storageFull = () =>
  new AppError(
    "insufficient_storage",
    "The server has no room left to store files, so nothing was saved. Tell your administrator; upload again once space is freed.",
  );
