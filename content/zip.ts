// A minimal ZIP reader over a file handle: lists entries from the central directory and inflates one
// entry at a time, so sniffing and text extraction never load a whole (possibly huge) OOXML file.
import { open, type FileHandle } from "node:fs/promises";
import { Inflate } from "fflate";

export type ZipEntry = { name: string; method: number; compressedSize: number; size: number; localOffset: number };

export class ZipError extends Error {}

/** Entries larger than this are not inflated (a zip bomb would otherwise take the process down). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** All entries read from one archive together; past this the file is refused. */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
/**
 * The central directory is read whole, in the serving process too (sniffing an upload): 65,535 entries
 * with long names fit in well under this, so a larger one is a crafted file, refused before allocating.
 */
const MAX_CENTRAL_DIRECTORY_BYTES = 8 * 1024 * 1024;
/** Compressed bytes fed to the inflater at a time, so a bomb is stopped within one step of the cap. */
const STEP_BYTES = 4 * 1024;

export async function openZip(file: string) {
  const fh = await open(file, "r");
  try {
    const entries = await readCentralDirectory(fh);
    // Counted in bytes actually inflated: the sizes an archive declares are the attacker's to choose.
    const budget = { left: MAX_ARCHIVE_BYTES };
    return {
      entries,
      names: new Set(entries.map((e) => e.name)),
      read: (name: string) =>
        readEntry(
          fh,
          entries.find((e) => e.name === name),
          budget,
        ),
      close: () => fh.close(),
    };
  } catch (error) {
    await fh.close();
    throw error;
  }
}
export type OpenZip = Awaited<ReturnType<typeof openZip>>;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function readCentralDirectory(fh: FileHandle): Promise<ZipEntry[]> {
  const { size } = await fh.stat();
  // The end-of-central-directory record sits in the last 22 bytes + up to 64 KiB of comment.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await readAt(fh, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("Not a ZIP archive (no central directory).");
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > size || count === 0xffff || cdSize > MAX_CENTRAL_DIRECTORY_BYTES)
    throw new ZipError("Unsupported or damaged ZIP archive.");
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ZipError("Damaged ZIP central directory.");
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    entries.push({
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.subarray(p + 46, p + 46 + nameLength).toString("utf8"),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function readEntry(fh: FileHandle, entry: ZipEntry | undefined, budget: { left: number }): Promise<Buffer | null> {
  if (!entry) return null;
  if (entry.size > MAX_ENTRY_BYTES || entry.compressedSize > MAX_ENTRY_BYTES) {
    throw new ZipError(`The part ${entry.name} is too large to read.`);
  }
  const header = await readAt(fh, entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new ZipError("Damaged ZIP entry.");
  const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = await readAt(fh, start, entry.compressedSize);
  if (data.length < entry.compressedSize) throw new ZipError(`The part ${entry.name} is cut short.`);
  if (entry.method === 0) return take(data, entry, budget);
  if (entry.method === 8) return take(inflateBounded(data, entry), entry, budget);
  throw new ZipError(`Unsupported compression in ${entry.name}.`);
}

function take(bytes: Buffer, entry: ZipEntry, budget: { left: number }): Buffer {
  budget.left -= bytes.length;
  if (budget.left < 0) throw new ZipError(`The archive inflates to more than ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB (at ${entry.name}).`);
  return bytes;
}

/**
 * Inflates step by step, counting what actually comes out: an entry that inflates past the size it
 * declared (a lying zip bomb) or past the cap is refused as soon as it does, not after 1 GiB.
 */
function inflateBounded(data: Buffer, entry: ZipEntry): Buffer {
  const limit = Math.min(entry.size, MAX_ENTRY_BYTES);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > limit) overflow = true;
    else chunks.push(chunk);
  });
  try {
    for (let at = 0; at < data.length && !overflow; at += STEP_BYTES) {
      const end = Math.min(at + STEP_BYTES, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
  } catch {
    // fflate throws plain errors for bad deflate data; callers need to tell damage from I/O failure.
    throw new ZipError(`The part ${entry.name} is damaged.`);
  }
  if (overflow)
    throw new ZipError(`The part ${entry.name} inflates to more than it declares (${entry.size} bytes): the file is damaged or hostile.`);
  return Buffer.concat(chunks, produced);
}
