// Fuzzing the upload pipeline: the files the other tests generate, damaged on purpose (bit flips,
// truncation, inserted and deleted bytes, a foreign magic number, ZIP entries that lie about their
// size, nested ZIPs, PDFs with a broken xref or absurd page boxes, images whose headers claim absurd
// dimensions), sent through the real entry points: the upload API (sniff, inspect, store) and the job
// queue (text extraction, page rendering, image derivatives). Every case must end as a draft (with or
// without a readable problem) or a 4xx with a message; no 500, no job that throws, no temp file left.
// Deterministic: fixed seeds, so a failure names an input that reproduces.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { strToU8, zipSync, unzipSync } from "fflate";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as createApi } from "~/routes/api.v1.items";
import { makeDocx, makeImage, makeMp4Header, makePdf, makePptx, makeXlsx } from "@/content/demo/files";
import { openPdf, PdfProblem } from "@/content/pdf";
import { itemVersions, items, jobs } from "@/db/schema";
import { createTestApp, createUser, cookieFor, routeArgs, type TestApp } from "../setup/app";
import { makeBombPng, makeLockedPdf, multipartRequest, withPublishing } from "../setup/publishing";

const SEED = 20261124;

let app: TestApp;
let pub: ReturnType<typeof withPublishing>;
let cookie: string;
const seeds: Record<string, Uint8Array> = {};

beforeAll(async () => {
  app = await createTestApp();
  pub = withPublishing(app);
  cookie = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
  // One page: rendering is the slow step, and every page exercises the same code.
  const pdf = await makePdf(["Pricing\nAtlas costs less"]);
  seeds.pdf = pdf;
  // Saved again without object streams, so the file has a classic xref table to break.
  seeds.pdfXref = await (await PDFDocument.load(pdf)).save({ useObjectStreams: false });
  seeds.pdfLocked = await makeLockedPdf();
  for (const format of ["png", "jpeg", "webp", "gif"] as const)
    seeds[format] = new Uint8Array(await makeImage("Fuzz", { width: 160, height: 100, format }));
  seeds.docx = makeDocx(["Discovery questions", "Ask about budget & timing"]);
  seeds.pptx = makePptx(["Why Atlas", "Proof points"]);
  seeds.xlsx = makeXlsx([
    {
      name: "Prices",
      rows: [
        ["Seats", 50],
        ["Total", 1.5],
      ],
    },
  ]);
  seeds.mp4 = makeMp4Header();
});
afterAll(() => app.close());

const EXTENSION: Record<string, string> = {
  pdf: "pdf",
  pdfXref: "pdf",
  pdfLocked: "pdf",
  png: "png",
  jpeg: "jpg",
  webp: "webp",
  gif: "gif",
  docx: "docx",
  pptx: "pptx",
  xlsx: "xlsx",
  mp4: "mp4",
};

const tempFiles = () => {
  const dir = path.join(app.env.STORAGE_DIR, "tmp");
  return existsSync(dir) ? readdirSync(dir) : [];
};

type Outcome = { status: number; message?: string; problem?: string | null; previewStatus?: string };

/**
 * One upload through the API, then every job it queued. Throws (so fast-check shrinks the input)
 * on anything other than a draft or a readable 4xx.
 */
async function uploadAndProcess(bytes: Uint8Array, filename: string): Promise<Outcome> {
  const res = await createApi(routeArgs(app, multipartRequest("/api/v1/items", { cookie, files: [{ filename, bytes }] })) as never);
  const body = (await res.json()) as any;
  if (tempFiles().length) throw new Error(`temp files left behind: ${tempFiles().join(", ")}`);
  if (res.status !== 201) {
    if (![413, 415, 422].includes(res.status) || !body?.error?.message)
      throw new Error(`unexpected ${res.status}: ${JSON.stringify(body)}`);
    return { status: res.status, message: body.error.message };
  }
  await pub.jobs.runUntilIdle();
  const versionId = body.currentVersion.id as string;
  const queued = await app.db
    .select({ kind: jobs.kind, lastError: jobs.lastError, doneAt: jobs.doneAt })
    .from(jobs)
    .where(sql`${jobs.payload}->>'versionId' = ${versionId}`);
  // A job that threw is retried later with backoff: the pipeline met an input it did not expect.
  const thrown = queued.filter((j) => j.lastError !== null || j.doneAt === null);
  if (thrown.length) throw new Error(`job ${thrown[0].kind} did not finish cleanly: ${thrown[0].lastError}`);
  const [version] = await app.db
    .select({ previewStatus: itemVersions.previewStatus })
    .from(itemVersions)
    .where(eq(itemVersions.id, versionId));
  const [item] = await app.db.select({ problem: items.problem }).from(items).where(eq(items.id, body.id));
  if (version.previewStatus === "pending") throw new Error("previews still pending after every job ran");
  if (item.problem !== null && !/\w{3,}.*\./.test(item.problem)) throw new Error(`unreadable problem: ${item.problem}`);
  return { status: 201, problem: item.problem, previewStatus: version.previewStatus };
}

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation = { name: string; apply(b: Uint8Array): Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 12 }).map((flips) => ({
    name: `flip ${JSON.stringify(flips)}`,
    apply(b: Uint8Array) {
      const out = new Uint8Array(b);
      for (const [pos, bit] of flips) out[pos % out.length] ^= 1 << bit;
      return out;
    },
  })),
  fc.nat().map((n) => ({ name: `truncate at ${n}`, apply: (b: Uint8Array) => b.slice(0, Math.max(1, n % b.length)) })),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([pos, bytes]) => ({
    name: `insert ${bytes.length} bytes at ${pos}`,
    apply: (b: Uint8Array) => {
      const at = pos % b.length;
      return new Uint8Array([...b.subarray(0, at), ...bytes, ...b.subarray(at)]);
    },
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 512 })).map(([pos, count]) => ({
    name: `delete ${count} bytes at ${pos}`,
    apply: (b: Uint8Array) => {
      const at = pos % b.length;
      const out = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + count)]);
      return out.length ? out : b.slice(0, 1);
    },
  })),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([pos, bytes]) => ({
    name: `overwrite ${bytes.length} bytes at ${pos}`,
    apply: (b: Uint8Array) => {
      const out = new Uint8Array(b);
      out.set(bytes.subarray(0, Math.max(0, out.length - (pos % out.length))), pos % out.length);
      return out;
    },
  })),
  fc.tuple(fc.nat(), fc.constantFrom(0x00, 0xff, 0x7f, 0x80)).map(([pos, v]) => ({
    name: `set 4 bytes at ${pos} to ${v}`,
    apply: (b: Uint8Array) => {
      const out = new Uint8Array(b);
      for (let i = 0; i < 4; i++) out[(pos + i) % out.length] = v;
      return out;
    },
  })),
);

const seedName = fc.constantFrom("pdf", "pdfXref", "pdfLocked", "png", "jpeg", "webp", "gif", "docx", "pptx", "xlsx", "mp4");

describe("random damage to every file type", () => {
  it("ends as a draft or a readable 4xx, with no thrown job and no temp file", async () => {
    await fc.assert(
      fc.asyncProperty(seedName, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (name, mutations) => {
        const bytes = mutations.reduce((b, m) => m.apply(b), seeds[name]);
        await uploadAndProcess(bytes, `fuzz.${EXTENSION[name]}`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("goes by the bytes when the magic number belongs to another type", async () => {
    await fc.assert(
      fc.asyncProperty(seedName, seedName, async (head, body) => {
        const magic = seeds[head].subarray(0, 16);
        const bytes = new Uint8Array([...magic, ...seeds[body].subarray(16)]);
        const outcome = await uploadAndProcess(bytes, `fuzz.${EXTENSION[body]}`);
        expect(outcome.status === 201 || outcome.status === 415 || outcome.status === 422).toBe(true);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Structured damage: the shapes a random byte seldom hits

const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const fromLatin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** Rewrites a ZIP's central-directory fields for every entry (sizes, offsets, method). */
function patchCentralDirectory(zip: Uint8Array, patch: { size?: number; compressedSize?: number; localOffset?: number; method?: number }) {
  const out = Buffer.from(zip);
  for (let p = out.length - 22; p >= 0; p--) {
    if (out.readUInt32LE(p) !== 0x02014b50) continue;
    if (patch.method !== undefined) out.writeUInt16LE(patch.method, p + 10);
    if (patch.compressedSize !== undefined) out.writeUInt32LE(patch.compressedSize >>> 0, p + 20);
    if (patch.size !== undefined) out.writeUInt32LE(patch.size >>> 0, p + 24);
    if (patch.localOffset !== undefined) out.writeUInt32LE(patch.localOffset >>> 0, p + 42);
  }
  return new Uint8Array(out);
}

/** An OOXML package with one part replaced. */
function withPart(zip: Uint8Array, name: string, bytes: Uint8Array) {
  const files = unzipSync(zip);
  files[name] = new Uint8Array(bytes);
  return zipSync(files);
}

const pngWithSize = (width: number, height: number) => {
  const png = Buffer.from(seeds.png);
  png.writeUInt32BE(width >>> 0, 16);
  png.writeUInt32BE(height >>> 0, 20);
  return new Uint8Array(png);
};

function jpegWithSize(width: number, height: number) {
  const jpeg = Buffer.from(seeds.jpeg);
  for (let p = 2; p < jpeg.length - 9; p++) {
    // SOF0/SOF2 frame header: marker, length, precision, height, width.
    if (jpeg[p] === 0xff && (jpeg[p + 1] === 0xc0 || jpeg[p + 1] === 0xc2)) {
      jpeg.writeUInt16BE(height, p + 5);
      jpeg.writeUInt16BE(width, p + 7);
      break;
    }
  }
  return new Uint8Array(jpeg);
}

// What each case must end as. Before the fixes in content/ most Office and PDF cases threw inside
// the extraction or render job (retried five times, then "failed" with no word to the marketer) and
// the MP4 one left its preview "pending" forever.
const DAMAGED = (what: string) => ({
  status: 201,
  problem: expect.stringMatching(new RegExp(`${what}.*(damaged|not a supported)`, "i")),
  previewStatus: "failed",
});
const TEXT_ONLY = { status: 201, problem: null, previewStatus: "none" };
const PREVIEWED = { status: 201, problem: null, previewStatus: "ready" };
const NO_PREVIEW = { status: 201, problem: null, previewStatus: "failed" };
const TOO_LARGE = { status: 422, message: expect.stringMatching(/the limit is 50 megapixels/) };

const STRUCTURED: [string, () => Promise<Uint8Array> | Uint8Array, string, Partial<Outcome>][] = [
  ["DOCX whose parts declare 4 GB", () => patchCentralDirectory(seeds.docx, { size: 0xffffffff }), "docx", DAMAGED("Word")],
  [
    "DOCX whose parts declare 60 MB but hold a few bytes",
    () => patchCentralDirectory(seeds.docx, { size: 60 * 1024 * 1024, compressedSize: 60 * 1024 * 1024 }),
    "docx",
    DAMAGED("Word"),
  ],
  [
    "PPTX whose entries point past the end of the file",
    () => patchCentralDirectory(seeds.pptx, { localOffset: 0x7fffffff }),
    "pptx",
    DAMAGED("PowerPoint"),
  ],
  ["XLSX compressed with an unknown method", () => patchCentralDirectory(seeds.xlsx, { method: 99 }), "xlsx", DAMAGED("Excel")],
  ["XLSX whose deflate streams are stored as-is", () => patchCentralDirectory(seeds.xlsx, { method: 0 }), "xlsx", TEXT_ONLY],
  ["DOCX whose document part is itself a ZIP", () => withPart(seeds.docx, "word/document.xml", seeds.docx), "docx", TEXT_ONLY],
  [
    "a ZIP of DOCX files",
    () => zipSync({ "a.docx": seeds.docx, "[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": seeds.pptx }),
    "docx",
    TEXT_ONLY,
  ],
  [
    "DOCX whose document part inflates to 16 MB of zeros",
    () => withPart(seeds.docx, "word/document.xml", new Uint8Array(16 * 1024 * 1024)),
    "docx",
    TEXT_ONLY,
  ],
  [
    "PPTX with 2,000 empty slides",
    () => {
      const files = unzipSync(seeds.pptx);
      for (let i = 3; i < 2003; i++) files[`ppt/slides/slide${i}.xml`] = strToU8("<p:sld/>");
      return zipSync(files);
    },
    "pptx",
    TEXT_ONLY,
  ],
  [
    "XLSX whose cells point at shared strings that do not exist",
    () =>
      withPart(
        seeds.xlsx,
        "xl/worksheets/sheet1.xml",
        strToU8(
          '<worksheet><sheetData><row><c t="s"><v>99999999</v></c><c t="s"><v>-1</v></c><c t="s"><v>x</v></c></row></sheetData></worksheet>',
        ),
      ),
    "xlsx",
    TEXT_ONLY,
  ],
  [
    "DOCX with an entity for an impossible code point",
    () => withPart(seeds.docx, "word/document.xml", strToU8("<w:p><w:t>&#x110000; &#99999999999; &#xFFFFFFFFFF;</w:t></w:p>")),
    "docx",
    TEXT_ONLY,
  ],
  [
    "PDF with startxref past the end",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/startxref\s+\d+/, "startxref\n999999999")),
    "pdf",
    PREVIEWED,
  ],
  [
    "PDF with garbage xref entries",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/(\d{10}) (\d{5}) n/g, "9999999999 65535 n")),
    "pdf",
    PREVIEWED,
  ],
  ["PDF without its xref table", () => fromLatin1(latin1(seeds.pdfXref).replace(/xref[\s\S]*?trailer/, "trailer")), "pdf", PREVIEWED],
  ["PDF claiming two billion pages", () => fromLatin1(latin1(seeds.pdfXref).replace(/\/Count \d+/, "/Count 2147483647")), "pdf", PREVIEWED],
  [
    "PDF whose page tree loops",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/\/Kids \[[^\]]*\]/, (k) => k.replace(/\d+ 0 R/, "2 0 R"))),
    "pdf",
    PREVIEWED,
  ],
  [
    "PDF with a page a billion points tall",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/\/MediaBox \[[^\]]*\]/g, "/MediaBox [ 0 0 595 1000000000 ]")),
    "pdf",
    NO_PREVIEW,
  ],
  [
    "PDF with a page a billion points wide",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/\/MediaBox \[[^\]]*\]/g, "/MediaBox [ 0 0 1000000000 842 ]")),
    "pdf",
    NO_PREVIEW,
  ],
  [
    "PDF with an empty page box",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/\/MediaBox \[[^\]]*\]/g, "/MediaBox [ 0 0 0 0 ]")),
    "pdf",
    PREVIEWED,
  ],
  [
    "PDF with a content stream longer than the file",
    () => fromLatin1(latin1(seeds.pdfXref).replace(/\/Length \d+/g, "/Length 999999999")),
    "pdf",
    PREVIEWED,
  ],
  ["PDF cut after the header", () => fromLatin1("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "pdf", DAMAGED("PDF")],
  // Refused from the header alone (content/image-size.ts): the declared size is over the limit, whatever the pixels.
  ["PNG claiming 2³¹ × 2³¹ pixels", () => pngWithSize(0x7fffffff, 0x7fffffff), "png", TOO_LARGE],
  ["PNG claiming zero width", () => pngWithSize(0, 100), "png", DAMAGED("image")],
  ["PNG one pixel wide and 60 million tall", () => pngWithSize(1, 60_000_000), "png", TOO_LARGE],
  ["PNG declaring 100,000 × 100,000 (a bomb)", () => makeBombPng(), "png", TOO_LARGE],
  ["JPEG claiming 65,535 × 65,535", () => jpegWithSize(65535, 65535), "jpg", TOO_LARGE],
  ["JPEG claiming 0 × 0", () => jpegWithSize(0, 0), "jpg", DAMAGED("image")],
  [
    "GIF claiming a 65,535 × 65,535 screen",
    () => {
      const gif = Buffer.from(seeds.gif);
      gif.writeUInt16LE(65535, 6);
      gif.writeUInt16LE(65535, 8);
      return new Uint8Array(gif);
    },
    "gif",
    TOO_LARGE,
  ],
  ["an MP4 header with nothing else", () => seeds.mp4.slice(0, 12), "mp4", TEXT_ONLY],
];

describe("structured damage", () => {
  it.each(STRUCTURED)("handles %s", async (_name, make, ext, expected) => {
    expect(await uploadAndProcess(await make(), `fuzz.${ext}`)).toEqual(expected);
  });
});

describe("time budget", () => {
  // The budget is enforced by the pipeline (an AbortSignal per pdf.js step); a spent one shows the
  // path without waiting for a real clock.
  it("gives up on a PDF step whose budget is spent, with a problem the marketer can read", async () => {
    const spent = () => AbortSignal.abort();
    const error = await openPdf(seeds.pdf, { signal: spent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfProblem);
    expect(error).toMatchObject({ reason: "timeout", message: expect.stringMatching(/took too long/) });
  });

  it("applies the budget to every page, not only to opening", async () => {
    let calls = 0;
    const pdf = await openPdf(seeds.pdf, { signal: () => (++calls === 1 ? new AbortController().signal : AbortSignal.abort()) });
    try {
      await expect(pdf.pageText(1)).rejects.toMatchObject({ reason: "timeout" });
      await expect(pdf.renderPage(1, 320)).rejects.toMatchObject({ reason: "timeout" });
    } finally {
      await pdf.close();
    }
  });
});
