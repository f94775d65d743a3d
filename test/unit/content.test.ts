// Pure pieces of the file pipeline: type sniffing, display names, Markdown sanitising, OOXML text.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { makeDocx, makeMp4Header, makePptx, makeXlsx } from "@/content/demo/files";
import { markdownToText, renderMarkdown } from "@/content/markdown";
import { extractOffice } from "@/content/office";
import { safeFilename, sniffFile, sniffHead } from "@/content/sniff";
import { runTempDir } from "../setup/tmp";

const dir = runTempDir("fieldkit-unit-");
const onDisk = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};
const b = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("sniffHead", () => {
  it.each([
    ["%PDF-1.7\n", "pdf"],
    ["\x89PNG\r\n\x1a\n....", "png"],
    ["\xff\xd8\xff\xe0", "jpeg"],
    ["RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"],
    ["GIF89a", "gif"],
    ["PK\x03\x04", "zip"],
  ])("recognises %j as %s", (head, kind) => {
    expect(sniffHead(b(head))).toBe(kind);
  });

  it("recognises an MP4 by its ftyp box", () => {
    expect(sniffHead(makeMp4Header())).toBe("mp4");
  });

  it("refuses HEIC stills that share the ftyp box", () => {
    expect(sniffHead(b("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"))).toBeNull();
  });

  it("refuses executables, HTML and SVG", () => {
    expect(sniffHead(b("MZ\x90\x00"))).toBeNull();
    expect(sniffHead(b("<!doctype html><script>"))).toBeNull();
    expect(sniffHead(b('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
  });
});

describe("sniffFile for ZIP containers", () => {
  it("tells DOCX, PPTX and XLSX apart by their main part", async () => {
    const docx = makeDocx(["x"]);
    const pptx = makePptx(["x"]);
    const xlsx = makeXlsx([{ name: "S", rows: [["x"]] }]);
    expect(await sniffFile(onDisk("a.bin", docx), docx)).toBe("docx");
    expect(await sniffFile(onDisk("b.bin", pptx), pptx)).toBe("pptx");
    expect(await sniffFile(onDisk("c.bin", xlsx), xlsx)).toBe("xlsx");
  });

  it("refuses a plain ZIP and a truncated one", async () => {
    const plain = zipSync({ "a.txt": strToU8("hi") });
    expect(await sniffFile(onDisk("d.zip", plain), plain)).toBeNull();
    const cut = makeDocx(["x"]).slice(0, 40);
    expect(await sniffFile(onDisk("e.zip", cut), cut)).toBeNull();
  });
});

describe("safeFilename", () => {
  it("keeps only the last path segment and drops control and reserved characters", () => {
    expect(safeFilename("../../etc/passwd")).toBe("passwd");
    expect(safeFilename("C:\\Users\\me\\deck.pptx")).toBe("deck.pptx");
    expect(safeFilename('a\u0000b\u001fc<>:"|?*.pdf')).toBe("abc.pdf");
    expect(safeFilename("...hidden")).toBe("hidden");
    expect(safeFilename("")).toBe("upload");
  });

  it("caps the length at 200 characters", () => {
    expect(safeFilename("x".repeat(500) + ".pdf")).toHaveLength(200);
  });
});

describe("renderMarkdown", () => {
  it("removes scripts, event handlers and javascript: links", () => {
    const html = renderMarkdown(
      'Hi <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n[x](javascript:alert(3)) <a href="vbscript:x">y</a>',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:|vbscript:|<img/i);
  });

  it("opens safe links in a new tab without an opener", () => {
    expect(renderMarkdown("[site](https://example.com)")).toBe(
      '<p><a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">site</a></p>\n',
    );
  });

  it("keeps headings, lists and emphasis", () => {
    expect(renderMarkdown("## Where we win\n- **Offline**")).toContain("<h2>Where we win</h2>\n<ul>\n<li><strong>Offline</strong></li>");
  });

  it("gives plain text for search", () => {
    expect(markdownToText("## Opening\nAsk about **budget** & timing")).toBe("Opening\nAsk about budget & timing");
  });
});

describe("extractOffice", () => {
  it("returns one page per slide in slide order", async () => {
    const slides = Array.from({ length: 11 }, (_, i) => `Slide ${i + 1}`);
    const { pages, pageCount } = await extractOffice(onDisk("s.pptx", makePptx(slides)), "pptx");
    expect(pageCount).toBe(11);
    expect(pages[9]).toBe("Slide 10");
  });

  it("decodes XML entities in Word text", async () => {
    const { pages } = await extractOffice(onDisk("w.docx", makeDocx(['R&D <budget> "quoted"'])), "docx");
    expect(pages[0]).toBe('R&D <budget> "quoted"');
  });

  it("reads shared strings and numbers from sheets", async () => {
    const { pages } = await extractOffice(
      onDisk(
        "x.xlsx",
        makeXlsx([
          { name: "A", rows: [["Seats", 50]] },
          { name: "B", rows: [["Total", 1.5]] },
        ]),
      ),
      "xlsx",
    );
    expect(pages).toEqual(["Seats\t50", "Total\t1.5"]);
  });
});

describe("parseRange", async () => {
  const { parseRange } = await import("~/modules/library/serve-file.server");
  it.each([
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-500", 100, { start: 0, end: 99 }],
    ["bytes=50-5000", 100, { start: 50, end: 99 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=9-3", 100, null],
    ["bytes=0-1,5-6", 100, null],
    ["items=0-1", 100, null],
    ["bytes=-", 100, null],
  ] as const)("%s of %i bytes → %o", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
