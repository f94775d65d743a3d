// Real files for the demo library and the test suite, generated from text: PDFs with real text
// (pdf-lib), images (sharp from SVG), and minimal but valid PPTX/DOCX/XLSX packages (fflate).
// Nothing here is third-party material, and no binary fixture needs to be committed.
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import sharp from "sharp";

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > maxChars) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/** One page per entry; the first line of each page is its heading. Text is real, so it extracts. */
export async function makePdf(pages: string[], options: { title?: string; userPassword?: never } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (options.title) doc.setTitle(options.title);
  doc.setProducer("Fieldkit demo generator");
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const [index, content] of pages.entries()) {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({ x: 0, y: 792, width: 595, height: 50, color: rgb(0.11, 0.23, 0.54) });
    page.drawText(options.title ?? "Fieldkit", { x: 40, y: 810, size: 12, font: bold, color: rgb(1, 1, 1) });
    const [heading, ...rest] = content.trim().split("\n");
    page.drawText(heading ?? "", { x: 40, y: 740, size: 24, font: bold, color: rgb(0.07, 0.09, 0.15) });
    let y = 700;
    for (const line of wrap(rest.join("\n"), 80)) {
      if (y < 60) break;
      page.drawText(line, { x: 40, y, size: 13, font: regular, color: rgb(0.2, 0.2, 0.25) });
      y -= 20;
    }
    page.drawText(`${index + 1} / ${pages.length}`, { x: 520, y: 30, size: 10, font: regular, color: rgb(0.4, 0.4, 0.45) });
  }
  return doc.save();
}

const PALETTE = ["#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c", "#0f766e"];

/** A poster-like image with a title, in the requested format. */
export async function makeImage(
  title: string,
  options: { width?: number; height?: number; format?: "png" | "jpeg" | "webp" | "gif"; seed?: number } = {},
): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1000;
  const color = PALETTE[(options.seed ?? title.length) % PALETTE.length];
  const boxes = Array.from({ length: 4 }, (_, i) => {
    const x = 80 + i * ((width - 160) / 4);
    return `<rect x="${x + 10}" y="${height * 0.45}" width="${(width - 160) / 4 - 20}" height="${height * 0.35}" rx="24" fill="#fff" fill-opacity="0.85"/>
      <text x="${x + (width - 160) / 8}" y="${height * 0.64}" font-family="DejaVu Sans, sans-serif" font-size="${Math.round(height / 22)}" text-anchor="middle" fill="${color}">Step ${i + 1}</text>`;
  }).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${color}"/>
    <text x="80" y="${height * 0.25}" font-family="DejaVu Sans, sans-serif" font-size="${Math.round(height / 14)}" font-weight="bold" fill="#fff">${escapeXml(title)}</text>
    ${boxes}</svg>`;
  const image = sharp(Buffer.from(svg));
  switch (options.format ?? "png") {
    case "jpeg":
      return image.jpeg({ quality: 85 }).toBuffer();
    case "webp":
      return image.webp({ quality: 80 }).toBuffer();
    case "gif":
      return image.gif().toBuffer();
    default:
      return image.png().toBuffer();
  }
}

const CONTENT_TYPES_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`;
const rel = (id: string, type: string, target: string) =>
  `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
const rels = (...items: string[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items.join("")}</Relationships>`;

export function makeDocx(paragraphs: string[]): Uint8Array {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join("");
  return zipSync({
    "[Content_Types].xml": strToU8(
      `${CONTENT_TYPES_HEAD}<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    ),
    "_rels/.rels": strToU8(rels(rel("rId1", "officeDocument", "word/document.xml"))),
    "word/document.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ),
  });
}

/** Slides as title + body text; enough structure for PowerPoint-compatible readers to list the text. */
export function makePptx(slides: string[], options: { title?: string } = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const overrides = slides
    .map(
      (_, i) =>
        `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`,
    )
    .join("");
  files["[Content_Types].xml"] = strToU8(
    `${CONTENT_TYPES_HEAD}<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>${overrides}</Types>`,
  );
  files["_rels/.rels"] = strToU8(
    rels(
      rel("rId1", "officeDocument", "ppt/presentation.xml"),
      options.title === undefined
        ? ""
        : `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>`,
    ),
  );
  if (options.title !== undefined)
    files["docProps/core.xml"] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${escapeXml(options.title)}</dc:title></cp:coreProperties>`,
    );
  files["ppt/_rels/presentation.xml.rels"] = strToU8(
    rels(...slides.map((_, i) => rel(`rId${i + 1}`, "slide", `slides/slide${i + 1}.xml`))),
  );
  files["ppt/presentation.xml"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst>${slides
      .map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`)
      .join("")}</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/></p:presentation>`,
  );
  slides.forEach((slide, i) => {
    const paragraphs = slide
      .trim()
      .split("\n")
      .map((line) => `<a:p><a:r><a:t>${escapeXml(line)}</a:t></a:r></a:p>`)
      .join("");
    files[`ppt/slides/slide${i + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>${paragraphs}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`,
    );
  });
  return zipSync(files);
}

/** One sheet per entry; cells are strings (shared) or numbers. */
export function makeXlsx(sheets: { name: string; rows: (string | number)[][] }[]): Uint8Array {
  const shared: string[] = [];
  const sharedIndex = (s: string) => {
    let i = shared.indexOf(s);
    if (i < 0) i = shared.push(s) - 1;
    return i;
  };
  const col = (i: number) => String.fromCharCode(65 + i);
  const files: Record<string, Uint8Array> = {};
  sheets.forEach((sheet, si) => {
    const rows = sheet.rows
      .map(
        (row, r) =>
          `<row r="${r + 1}">${row
            .map((cell, c) =>
              typeof cell === "number"
                ? `<c r="${col(c)}${r + 1}"><v>${cell}</v></c>`
                : `<c r="${col(c)}${r + 1}" t="s"><v>${sharedIndex(cell)}</v></c>`,
            )
            .join("")}</row>`,
      )
      .join("");
    files[`xl/worksheets/sheet${si + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`,
    );
  });
  files["[Content_Types].xml"] = strToU8(
    `${CONTENT_TYPES_HEAD}<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
      .map(
        (_, i) =>
          `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join(
        "",
      )}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
  );
  files["_rels/.rels"] = strToU8(rels(rel("rId1", "officeDocument", "xl/workbook.xml")));
  files["xl/_rels/workbook.xml.rels"] = strToU8(
    rels(
      ...sheets.map((_, i) => rel(`rId${i + 1}`, "worksheet", `worksheets/sheet${i + 1}.xml`)),
      rel(`rId${sheets.length + 1}`, "sharedStrings", "sharedStrings.xml"),
    ),
  );
  files["xl/workbook.xml"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets
      .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join("")}</sheets></workbook>`,
  );
  files["xl/sharedStrings.xml"] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${shared
      .map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`)
      .join("")}</sst>`,
  );
  return zipSync(files);
}

/** The smallest MP4 container header (ftyp + an empty mdat): identifies as MP4, plays nothing. */
export function makeMp4Header(): Uint8Array {
  const box = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, body]);
  };
  return new Uint8Array(
    Buffer.concat([box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2avc1mp41", "latin1")), box("mdat", Buffer.alloc(16))]),
  );
}
