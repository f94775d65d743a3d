// Content-addressed file storage. Keys are sha256 hex digests of the bytes, so an identical upload is
// stored once and a key can never point at changed content. Local disk today; the interface is what
// an object-storage adapter would implement.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";

export type StoredFile = { key: string; size: number };

export interface FileStorage {
  /** Moves a finished temp file (from `tempPath()`) into storage under its sha256. */
  putTemp(tempFile: string, key: string): Promise<StoredFile>;
  putBuffer(bytes: Uint8Array): Promise<StoredFile>;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number | null>;
  read(key: string): Promise<Buffer>;
  stream(key: string, range?: { start: number; end: number }): ReadStream;
  /** A local path to the object, for tools that want a file (pdf.js, sharp). */
  localPath(key: string): string;
  /** A fresh path for an upload in progress; removed by `cleanTemp()` if the process dies mid-way. */
  tempPath(): string;
  cleanTemp(): Promise<number>;
}

const KEY = /^[0-9a-f]{64}$/;

/** The disk (or quota, or file-size limit) under STORAGE_DIR is full: nothing was stored. */
export class StorageFullError extends Error {
  constructor(readonly cause: unknown) {
    super("There is no space left to store files.");
    this.name = "StorageFullError";
  }
}

const FULL_CODES = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** Runs `fn`, turning "disk full" into StorageFullError after removing what it half-wrote. */
async function guardFull<T>(fn: () => Promise<T>, partial: string[]): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!FULL_CODES.has((error as NodeJS.ErrnoException)?.code ?? "")) throw error;
    await Promise.all(partial.map((p) => rm(p, { force: true })));
    throw new StorageFullError(error);
  }
}

/** fsync of a file or a directory (its entries). */
async function syncPath(p: string): Promise<void> {
  const handle = await open(p, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function assertKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Not a storage key: ${key.slice(0, 80)}`);
  return key;
}

export const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

export function createLocalStorage(root: string): FileStorage {
  const objects = path.join(root, "objects");
  const tmp = path.join(root, "tmp");
  const objectPath = (key: string) => path.join(objects, assertKey(key).slice(0, 2), key);

  const exists = async (p: string) => {
    try {
      return (await stat(p)).size;
    } catch {
      return null;
    }
  };

  return {
    async putTemp(tempFile, key) {
      const target = objectPath(key);
      await guardFull(() => mkdir(path.dirname(target), { recursive: true }), []);
      const size = await exists(target);
      if (size !== null) {
        await rm(tempFile, { force: true });
        return { key, size };
      }
      // An upload's bytes exist nowhere else, and the version row that names them commits next: on disk
      // before the name, and the name on disk before that commit, so a power cut cannot leave the row
      // pointing at an empty or missing file. (A process that dies is covered by the rename alone.)
      await syncPath(tempFile);
      // rename is atomic on one file system, so a reader never sees half an object.
      await rename(tempFile, target);
      await syncPath(path.dirname(target));
      return { key, size: (await stat(target)).size };
    },
    async putBuffer(bytes) {
      const key = sha256(bytes);
      const target = objectPath(key);
      const size = await exists(target);
      if (size !== null) return { key, size };
      const temp = path.join(tmp, randomUUID());
      await guardFull(async () => {
        await mkdir(path.dirname(target), { recursive: true });
        await mkdir(tmp, { recursive: true });
        await writeFile(temp, bytes);
      }, [temp]);
      await rename(temp, target);
      return { key, size: bytes.byteLength };
    },
    has: async (key) => (await exists(objectPath(key))) !== null,
    size: (key) => exists(objectPath(key)),
    read: (key) => readFile(objectPath(key)),
    stream: (key, range) => createReadStream(objectPath(key), range),
    localPath: objectPath,
    tempPath: () => path.join(tmp, `${randomUUID()}.part`),
    async cleanTemp() {
      await mkdir(tmp, { recursive: true });
      const names = await readdir(tmp);
      await Promise.all(names.map((n) => rm(path.join(tmp, n), { force: true, recursive: true })));
      return names.length;
    },
  };
}

/** Streams `source` into a temp file while hashing and counting; aborts past `maxBytes`. */
export async function writeTempFile(
  storage: FileStorage,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ tempFile: string; key: string; size: number; head: Buffer } | { tooLarge: true }> {
  const tempFile = storage.tempPath();
  await guardFull(() => mkdir(path.dirname(tempFile), { recursive: true }), []);
  const hash = createHash("sha256");
  let size = 0;
  let tooLarge = false;
  const headChunks: Buffer[] = [];
  let headSize = 0;
  async function* counted() {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        tooLarge = true;
        return;
      }
      if (headSize < 4096) {
        headChunks.push(Buffer.from(chunk.subarray(0, 4096 - headSize)));
        headSize += Math.min(chunk.byteLength, 4096 - headSize);
      }
      hash.update(chunk);
      yield chunk;
    }
  }
  try {
    await guardFull(() => pipeline(counted, createWriteStream(tempFile, { flags: "wx" })), [tempFile]);
  } catch (error) {
    await rm(tempFile, { force: true });
    throw error;
  }
  if (tooLarge) {
    await rm(tempFile, { force: true });
    return { tooLarge: true };
  }
  return { tempFile, key: hash.digest("hex"), size, head: Buffer.concat(headChunks) };
}
