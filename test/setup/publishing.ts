// Test helpers for the publishing pipeline: storage and a (not started) job runner on a test app,
// multipart requests, and generated bad files (password-protected PDF, decompression-bomb PNG).
import { deflateSync } from "node:zlib";
import { PDFDocument, PDFHexString } from "pdf-lib";
import { libraryJobHandlers } from "~/modules/library/jobs.server";
import type { AppContext } from "~/modules/context.server";
import { makePdf } from "@/content/demo/files";
import { createJobRunner } from "@/content/jobs";
import { createLocalStorage } from "@/content/storage";
import { createFileWorkers } from "@/content/workers/pool";

/** Adds storage and a job runner; tests drain the queue with `jobs.runUntilIdle()` instead of waiting. */
export function withPublishing(app: AppContext) {
  const storage = createLocalStorage(app.env.STORAGE_DIR);
  // Real worker processes, as in production; idle ones do not keep the test process alive.
  const files = createFileWorkers({ size: 1, memoryMb: app.env.FILE_WORKER_MEMORY_MB, log: () => {} });
  const jobs = createJobRunner({ db: app.db, handlers: libraryJobHandlers(app.db, storage, files), log: () => {} });
  app.services.storage = storage;
  app.services.files = files;
  app.services.jobs = jobs;
  return { storage, files, jobs };
}

export type UploadFile = { filename: string; bytes: Uint8Array; field?: string; type?: string };

export function multipartRequest(
  pathname: string,
  { cookie, files = [], fields = {} }: { cookie?: string; files?: UploadFile[]; fields?: Record<string, string | string[]> },
): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
  for (const f of files)
    form.append(
      f.field ?? "file",
      new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.type ?? "application/octet-stream" }),
      f.filename,
    );
  const headers = new Headers();
  if (cookie) headers.set("Cookie", cookie);
  return new Request(new URL(pathname, "http://localhost"), { method: "POST", body: form, headers });
}

/** A PDF whose standard security handler needs a password we do not have. */
export async function makeLockedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await makePdf(["Confidential\nPricing for partners only."]));
  const encrypt = doc.context.obj({
    Filter: "Standard",
    V: 1,
    R: 2,
    Length: 40,
    P: -4,
    O: PDFHexString.of("a".repeat(64)),
    U: PDFHexString.of("b".repeat(64)),
  });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of("c".repeat(32)), PDFHexString.of("c".repeat(32))]);
  return doc.save({ useObjectStreams: false });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** A few hundred bytes that declare a 100,000 × 100,000 pixel image: decoding it would need 30 GB. */
export function makeBombPng(side = 100_000): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const idat = deflateSync(Buffer.alloc(side * 3 + 1)); // one row of zeros; the rest is never sent
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", idat),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}
