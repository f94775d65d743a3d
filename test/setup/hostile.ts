// A hostile corpus made by the tests themselves (nothing downloaded): PDFs whose drawing never ends
// (every kind of cycle pdf.js can be led into), text with NUL characters, impossible page counts,
// ZIP packages that lie about their sizes, pixel bombs, truncated and garbage files.
import { createDeflateRaw, crc32, deflateRawSync } from "node:zlib";
import { makeDocx, makePdf, makePptx } from "@/content/demo/files";
import { makeBombPng } from "./publishing";

export type HostileFile = {
  name: string;
  bytes: Uint8Array;
  /** What must happen: refused at upload (4xx), or accepted and then settled (ready or failed). */
  expect: "refused" | "settles";
  /** Processing must end with previews failed: the file can never be drawn (it exhausts the renderer). */
  previewsFail?: boolean;
};

/** A PDF written object by object, with a correct cross-reference table. Objects are 1-based. */
export function rawPdf(objects: string[], extraTrailer = ""): Uint8Array {
  let out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${extraTrailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

const stream = (dict: string, content: string) =>
  `<< ${dict} /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;

/** Catalog (1), Pages (2), Page (3) drawing `content` with `resources`, then the given objects from 5 on. */
function onePage(content: string, resources: string, rest: string[], count = 1): Uint8Array {
  return rawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [3 0 R] /Count ${count} >>`,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents 4 0 R >>`,
    stream("", content),
    ...rest,
  ]);
}

const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
const text = (s: string) => `BT /F1 24 Tf 72 700 Td (${s}) Tj ET`;

/** Form 5 draws itself. */
const selfDrawingForm = () =>
  onePage(`${text("Self drawing")} /X0 Do`, "<< /XObject << /X0 5 0 R >> /Font << /F1 6 0 R >> >>", [
    stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X0 5 0 R >> >>", "0.5 0 0 0.5 10 10 cm /X0 Do"),
    FONT,
  ]);

/** Forms 5 and 6 draw each other. */
const mutualForms = () =>
  onePage(`${text("Mutual forms")} /A Do`, "<< /XObject << /A 5 0 R >> /Font << /F1 7 0 R >> >>", [
    stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /B 6 0 R >> >>", "1 0 0 1 1 1 cm /B Do"),
    stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /A 5 0 R >> >>", "1 0 0 1 1 1 cm /A Do"),
    FONT,
  ]);

/** Form 5 fills with tiling pattern 6, whose cell draws form 5 again. */
const patternCycle = () =>
  onePage(`${text("Pattern cycle")} /X0 Do`, "<< /XObject << /X0 5 0 R >> /Font << /F1 7 0 R >> >>", [
    stream(
      "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Pattern << /P0 6 0 R >> >>",
      "/Pattern cs /P0 scn 0 0 612 792 re f",
    ),
    stream(
      "/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 20 20] /XStep 20 /YStep 20 /Resources << /XObject << /X0 5 0 R >> >>",
      "0.1 0 0 0.1 0 0 cm /X0 Do",
    ),
    FONT,
  ]);

/** Text in Type 3 font 5 whose glyph draws form 6, which shows text in font 5 again. */
const type3Cycle = () =>
  onePage("BT /T3 24 Tf 72 700 Td (a) Tj ET", "<< /Font << /T3 5 0 R >> >>", [
    "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /a 7 0 R >> /Encoding << /Type /Encoding /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000] /Resources << /XObject << /X0 6 0 R >> >> >>",
    stream("/Type /XObject /Subtype /Form /BBox [0 0 1000 1000] /Resources << /Font << /T3 5 0 R >> >>", "BT /T3 500 Tf 0 0 Td (a) Tj ET"),
    stream("", "1000 0 d0 /X0 Do"),
  ]);

/** Text in Type 3 font 5 whose glyph fills with tiling pattern 6, whose cell shows the glyph again. */
const type3PatternCycle = () =>
  onePage("BT /T3 24 Tf 72 700 Td (a) Tj ET", "<< /Font << /T3 5 0 R >> >>", [
    "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /a 7 0 R >> /Encoding << /Type /Encoding /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000] /Resources << /Pattern << /P0 6 0 R >> >> >>",
    stream(
      "/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 20 20] /XStep 20 /YStep 20 /Resources << /Font << /T3 5 0 R >> >>",
      "BT /T3 10 Tf 0 0 Td (a) Tj ET",
    ),
    stream("", "1000 0 d0 /Pattern cs /P0 scn 0 0 1000 1000 re f"),
  ]);

/** Form 5 sets graphics state 6, whose soft mask is drawn by form 5 itself. */
const softMaskCycle = () =>
  onePage(`${text("Soft mask cycle")} /X0 Do`, "<< /XObject << /X0 5 0 R >> /Font << /F1 7 0 R >> >>", [
    stream(
      "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Group << /S /Transparency /CS /DeviceRGB >> /Resources << /ExtGState << /G0 6 0 R >> /XObject << /X0 5 0 R >> >>",
      "/G0 gs 0 0 1 rg 0 0 612 792 re f /X0 Do",
    ),
    "<< /Type /ExtGState /SMask << /Type /Mask /S /Luminosity /G 5 0 R >> >>",
    FONT,
  ]);

/** Text whose ToUnicode map turns its letters into NUL characters. */
const nulText = () => {
  const cmap = [
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Nul def /CMapType 2 def",
    "1 begincodespacerange <00> <FF> endcodespacerange",
    "3 beginbfchar <41> <0000> <42> <0042> <43> <0000> endbfchar",
    "endcmap CMapName currentdict /CMap defineresource pop end end",
  ].join("\n");
  return onePage(`${text("ABCABC")} BT /F1 12 Tf 72 600 Td (Visible words here) Tj ET`, "<< /Font << /F1 5 0 R >> >>", [
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
    stream("", cmap),
  ]);
};

const pageCount = (count: number) => onePage(text(`Count ${count}`), "<< /Font << /F1 5 0 R >> >>", [FONT], count);

type ZipPart = { name: string; data: Uint8Array; declaredSize?: number; deflated?: Uint8Array; crc?: number };

/** A ZIP written by hand, so an entry can declare any size it likes. */
export function rawZip(parts: ZipPart[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    const compressed = Buffer.from(p.deflated ?? deflateRawSync(p.data));
    const size = p.declaredSize ?? p.data.length;
    const crc = p.crc ?? crc32(p.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(compressed.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + compressed.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cdBytes, end]));
}

let zerosGiB: Promise<Uint8Array> | undefined;
/** 1 GiB of zeros, deflated (about 1 MB): made once per process, streamed so it never sits in memory. */
function deflatedGiB(): Promise<Uint8Array> {
  zerosGiB ??= new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const z = createDeflateRaw({ level: 9 });
    z.on("data", (c: Buffer) => chunks.push(c));
    z.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    z.on("error", reject);
    const block = Buffer.alloc(1024 * 1024);
    let left = 1024;
    const pump = () => {
      while (left > 0) {
        left--;
        if (!z.write(block)) return void z.once("drain", pump);
      }
      z.end();
    };
    pump();
  });
  return zerosGiB;
}

/** An Office package whose main part declares 4 KB but inflates to 1 GiB. */
async function lyingBomb(kind: "docx" | "pptx"): Promise<Uint8Array> {
  const honest = kind === "docx" ? makeDocx(["Quarterly plan"]) : makePptx(["Quarterly plan"]);
  const { unzipSync } = await import("fflate");
  const files = unzipSync(honest);
  const target = kind === "docx" ? "word/document.xml" : "ppt/slides/slide1.xml";
  const parts: ZipPart[] = Object.entries(files).map(([name, data]) =>
    name === target ? { name, data: new Uint8Array(4096), declaredSize: 4096, deflated: undefined as never } : { name, data },
  );
  const bomb = await deflatedGiB();
  const i = parts.findIndex((p) => p.name === target);
  parts[i] = { name: target, data: new Uint8Array(4096), declaredSize: 4096, deflated: bomb, crc: 0 };
  return rawZip(parts);
}

/** A JPEG header declaring 60,000 × 60,000 pixels (3.6 gigapixels) and no real image data. */
function bombJpeg(): Uint8Array {
  const sof = Buffer.from([
    0xff, 0xc0, 0x00, 0x11, 0x08, 0xea, 0x60, 0xea, 0x60, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  ]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", "latin1"),
      sof,
      Buffer.from([0xff, 0xd9]),
    ]),
  );
}

export async function hostileCorpus(): Promise<HostileFile[]> {
  const honestPdf = await makePdf(["Honest page\nSome words to index.", "Second page\nMore words."]);
  const garbage = new Uint8Array(64 * 1024).map((_, i) => (i * 7919 + 13) & 0xff);
  return [
    // pdf.js's own guard catches some cycles (they render); the others never finish drawing.
    { name: "self-drawing-form.pdf", bytes: selfDrawingForm(), expect: "settles" },
    { name: "mutual-forms.pdf", bytes: mutualForms(), expect: "settles" },
    { name: "pattern-cycle.pdf", bytes: patternCycle(), expect: "settles", previewsFail: true },
    { name: "type3-cycle.pdf", bytes: type3Cycle(), expect: "settles" },
    { name: "type3-pattern-cycle.pdf", bytes: type3PatternCycle(), expect: "settles" },
    { name: "soft-mask-cycle.pdf", bytes: softMaskCycle(), expect: "settles" },
    { name: "nul-text.pdf", bytes: nulText(), expect: "settles" },
    { name: "negative-count.pdf", bytes: pageCount(-5), expect: "settles" },
    { name: "absurd-count.pdf", bytes: pageCount(2_000_000_000), expect: "settles" },
    { name: "lying-bomb.docx", bytes: await lyingBomb("docx"), expect: "settles" },
    { name: "lying-bomb.pptx", bytes: await lyingBomb("pptx"), expect: "settles" },
    { name: "pixel-bomb.png", bytes: makeBombPng(), expect: "refused" },
    { name: "pixel-bomb.jpg", bytes: bombJpeg(), expect: "refused" },
    { name: "truncated.pdf", bytes: honestPdf.slice(0, Math.floor(honestPdf.length / 2)), expect: "settles" },
    { name: "truncated.docx", bytes: makeDocx(["Cut short"]).slice(0, 300), expect: "refused" },
    {
      name: "pdf-header-garbage.pdf",
      bytes: new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from(garbage)])),
      expect: "settles",
    },
    { name: "garbage.bin", bytes: garbage, expect: "refused" },
  ];
}
