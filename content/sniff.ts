// Decides what a file is from its bytes. The name a browser sends is for display only: a renamed
// executable stays unsupported, and a PDF called "photo.png" is still a PDF.
import { openZip, ZipError } from "./zip";

export const FILE_KINDS = ["pdf", "pptx", "docx", "xlsx", "png", "jpeg", "webp", "gif", "mp4"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const KIND_INFO: Record<FileKind, { mime: string; ext: string; label: string }> = {
  pdf: { mime: "application/pdf", ext: "pdf", label: "PDF" },
  pptx: { mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", ext: "pptx", label: "PowerPoint" },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: "docx", label: "Word" },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: "xlsx", label: "Excel" },
  png: { mime: "image/png", ext: "png", label: "PNG image" },
  jpeg: { mime: "image/jpeg", ext: "jpg", label: "JPEG image" },
  webp: { mime: "image/webp", ext: "webp", label: "WebP image" },
  gif: { mime: "image/gif", ext: "gif", label: "GIF image" },
  mp4: { mime: "video/mp4", ext: "mp4", label: "MP4 video" },
};

export const isImageKind = (k: FileKind) => k === "png" || k === "jpeg" || k === "webp" || k === "gif";
export const isOfficeKind = (k: FileKind): k is "pptx" | "docx" | "xlsx" => k === "pptx" || k === "docx" || k === "xlsx";

/** What the first bytes say; ZIP needs a look inside (see `sniffFile`). */
export function sniffHead(head: Uint8Array): FileKind | "zip" | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (start: number, s: string) => b.length >= start + s.length && b.toString("latin1", start, start + s.length) === s;
  // PDF readers accept the header anywhere in the first KiB; so do we.
  if (b.subarray(0, 1024).includes("%PDF-")) return "pdf";
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "webp";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "gif";
  if (ascii(4, "ftyp")) {
    const brand = b.toString("latin1", 8, 12);
    // HEIC/AVIF stills also use ftyp; only MP4-family brands are video we accept.
    if (/^(isom|iso2|iso4|iso5|iso6|mp41|mp42|avc1|dash|M4V |MSNV)$/.test(brand)) return "mp4";
    return null;
  }
  if (b.length >= 4 && b.readUInt32BE(0) === 0x504b0304) return "zip";
  return null;
}

/** The OOXML kind from a ZIP's parts: `[Content_Types].xml` plus the main part of each format. */
export async function sniffZip(file: string): Promise<FileKind | null> {
  let zip;
  try {
    zip = await openZip(file);
  } catch (error) {
    if (error instanceof ZipError) return null;
    throw error;
  }
  try {
    if (!zip.names.has("[Content_Types].xml")) return null;
    if (zip.names.has("word/document.xml")) return "docx";
    if (zip.names.has("ppt/presentation.xml")) return "pptx";
    if (zip.names.has("xl/workbook.xml")) return "xlsx";
    return null;
  } finally {
    await zip.close();
  }
}

export async function sniffFile(file: string, head: Uint8Array): Promise<FileKind | null> {
  const kind = sniffHead(head);
  return kind === "zip" ? sniffZip(file) : kind;
}

/** Display names only: no directories, no control characters, no leading dots, bounded length. */
export function safeFilename(name: string | null | undefined, fallback = "upload"): string {
  const base = (name ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(0, 200);
  return cleaned || fallback;
}
