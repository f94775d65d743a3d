// The pieces that keep hostile files harmless, tested on the generated hostile corpus: header-only
// image sizes, ZIP entries bounded by what actually inflates, text made storable, and the tasks the
// workers run (in this process here: their own limits must hold without the pool's).
import { writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { makeDocx, makeImage } from "@/content/demo/files";
import { declaredImageSize } from "@/content/image-size";
import { extractOffice } from "@/content/office";
import { openZip, ZipError } from "@/content/zip";
import { OfficeProblem, PdfProblem } from "@/content/problems";
import { cleanText, storableMessage } from "@/content/text";
import { TASKS } from "@/content/workers/tasks";
import { hostileCorpus, type HostileFile } from "../setup/hostile";
import { runTempDir } from "../setup/tmp";

const dir = runTempDir("fieldkit-hostile-");
const write = (name: string, bytes: Uint8Array | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};
let corpus: Map<string, HostileFile>;
const hostile = (name: string) => write(name, corpus.get(name)!.bytes);

beforeAll(async () => {
  corpus = new Map((await hostileCorpus()).map((f) => [f.name, f]));
});

describe("declaredImageSize", () => {
  it.each(["png", "jpeg", "webp", "gif"] as const)("reads the size of a %s from its header", async (format) => {
    const file = write(`size.${format}`, await makeImage("Size", { width: 640, height: 480, format }));
    expect(await declaredImageSize(file, format)).toEqual({ width: 640, height: 480 });
  });

  it("reads a JPEG's size after a large EXIF segment", async () => {
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#888" } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: "x".repeat(30_000) } })
      .toBuffer();
    expect(await declaredImageSize(write("exif.jpg", jpeg), "jpeg")).toEqual({ width: 300, height: 200 });
  });

  it("reads the declared size of pixel bombs without decoding them", async () => {
    expect(await declaredImageSize(hostile("pixel-bomb.png"), "png")).toEqual({ width: 100_000, height: 100_000 });
    expect(await declaredImageSize(hostile("pixel-bomb.jpg"), "jpeg")).toEqual({ width: 60_000, height: 60_000 });
  });

  it("gives no size for a truncated header", async () => {
    expect(await declaredImageSize(write("cut.png", Buffer.from([0x89, 0x50, 0x4e, 0x47])), "png")).toBeNull();
    expect(await declaredImageSize(write("cut.jpg", Buffer.from([0xff, 0xd8, 0xff])), "jpeg")).toBeNull();
  });
});

describe("cleanText and storableMessage", () => {
  it("removes NUL and other control characters but keeps tabs and line breaks", () => {
    expect(cleanText("a\u0000b\u0007c\td\ne\r\nf\uffff")).toBe("abc\td\ne\r\nf");
  });

  it("replaces lone surrogates and keeps real pairs", () => {
    expect(cleanText("x\ud800y\udc00z 😀")).toBe("x\ufffdy\ufffdz 😀");
  });

  it("bounds and flattens a message", () => {
    const message = storableMessage(`line one\u0000\n${"long ".repeat(400)}`);
    expect(message.length).toBeLessThanOrEqual(500);
    expect(message).not.toMatch(/[\u0000\n]/);
    expect(message.endsWith("…")).toBe(true);
  });
});

describe("ZIP entries are bounded by what actually inflates", () => {
  it.each(["lying-bomb.docx", "lying-bomb.pptx"])("refuses %s, whose part declares 4 KB and inflates to 1 GiB", async (name) => {
    const kind = name.endsWith("docx") ? "docx" : "pptx";
    await expect(extractOffice(hostile(name), kind)).rejects.toBeInstanceOf(OfficeProblem);
  });

  it("refuses a central directory too large to read before allocating it (the request path sniffs it)", async () => {
    // One well-formed directory entry padded to 20 MB, and an end record claiming all of it.
    const entry = Buffer.alloc(47);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(1, 28);
    entry.write("a", 46, "latin1");
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(20 * 1024 * 1024, 12);
    end.writeUInt32LE(0, 16);
    const file = write("huge-directory.zip", Buffer.concat([entry, Buffer.alloc(20 * 1024 * 1024 - entry.length), end]));
    await expect(openZip(file)).rejects.toBeInstanceOf(ZipError);
  });

  it("still reads an honest Word file", async () => {
    expect((await extractOffice(write("ok.docx", makeDocx(["Hello there"])), "docx")).pages[0]).toBe("Hello there");
  });
});

describe("worker tasks on hostile PDFs", () => {
  it("returns page text with the NUL characters removed", async () => {
    const { pages } = await TASKS.pdfText({ file: hostile("nul-text.pdf") });
    expect(pages.join("")).not.toContain("\u0000");
    expect(pages.join("")).toContain("Visible words here");
  });

  it("refuses a negative page count as damage", async () => {
    await expect(TASKS.pdfText({ file: hostile("negative-count.pdf") })).rejects.toBeInstanceOf(PdfProblem);
    expect(await TASKS.inspect({ file: hostile("negative-count.pdf"), kind: "pdf" })).toMatchObject({
      pageCount: null,
      problem: expect.stringMatching(/-5 pages/),
    });
  });

  it("counts the pages a PDF really has when /Count is absurd", async () => {
    const { pageCount } = await TASKS.pdfText({ file: hostile("absurd-count.pdf") });
    expect(pageCount).toBeGreaterThanOrEqual(1);
    expect(pageCount).toBeLessThanOrEqual(10_000);
  });
});
