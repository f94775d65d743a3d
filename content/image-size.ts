// An image's declared pixel size read from its header bytes alone (PNG, GIF, WebP, JPEG), with no
// decoder: cheap and bounded enough for the request path, so a pixel bomb is refused at upload
// whatever the file workers are doing. The workers decode; this only reads a few numbers.
import { open } from "node:fs/promises";
import type { FileKind } from "./sniff";

/** JPEG segments walked at most before giving up on finding the frame header. */
const MAX_JPEG_SEGMENTS = 256;

export async function declaredImageSize(file: string, kind: FileKind): Promise<{ width: number; height: number } | null> {
  const fh = await open(file, "r");
  try {
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    };
    if (kind === "png") {
      const b = await read(16, 8);
      return b.length === 8 ? { width: b.readUInt32BE(0), height: b.readUInt32BE(4) } : null;
    }
    if (kind === "gif") {
      const b = await read(6, 4);
      return b.length === 4 ? { width: b.readUInt16LE(0), height: b.readUInt16LE(2) } : null;
    }
    if (kind === "webp") return webpSize(await read(12, 18));
    if (kind === "jpeg") return await jpegSize(read);
    return null;
  } finally {
    await fh.close();
  }
}

function webpSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 18) return null;
  const chunk = b.toString("latin1", 0, 4);
  if (chunk === "VP8X") return { width: 1 + b.readUIntLE(12, 3), height: 1 + b.readUIntLE(15, 3) };
  if (chunk === "VP8L") {
    const bits = b.readUInt32LE(9);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") return { width: b.readUInt16LE(14) & 0x3fff, height: b.readUInt16LE(16) & 0x3fff };
  return null;
}

async function jpegSize(read: (position: number, length: number) => Promise<Buffer>): Promise<{ width: number; height: number } | null> {
  let at = 2;
  for (let i = 0; i < MAX_JPEG_SEGMENTS; i++) {
    const head = await read(at, 9);
    if (head.length < 4 || head[0] !== 0xff) return null;
    const marker = head[1];
    // Start-of-frame markers carry the size; C4 (Huffman), C8 (reserved) and CC (arithmetic) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return head.length >= 9 ? { width: head.readUInt16BE(7), height: head.readUInt16BE(5) } : null;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    at += 2 + head.readUInt16BE(2);
  }
  return null;
}
