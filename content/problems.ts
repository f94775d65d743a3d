// Why a file cannot be processed, in words a marketer can act on. Kept apart from the parsers so the
// serving process can recognise these errors without loading pdf.js, libvips or a ZIP reader.
// NOTE: the serving process recognises them by name (the `is…` guards), never with instanceof: the
// Remix bundle and the server (run by tsx) each hold their own copy of this module, and the pool that
// throws them lives on the server's side while the pipeline that catches them is in the bundle.

export class PdfProblem extends Error {
  override name = "PdfProblem";
  constructor(
    message: string,
    readonly reason: "password" | "corrupt" | "timeout",
  ) {
    super(message);
  }
}

export class ImageProblem extends Error {
  override name = "ImageProblem";
  constructor(
    message: string,
    readonly reason: "too_large" | "corrupt",
  ) {
    super(message);
  }
}

/** 50 megapixels: larger than any camera a seller carries, far below what would exhaust memory. */
export const MAX_INPUT_PIXELS = 50_000_000;

export const tooManyPixels = (width: number, height: number) =>
  new ImageProblem(
    `This image is ${width}×${height} pixels; the limit is ${MAX_INPUT_PIXELS / 1_000_000} megapixels. Resize it and upload again.`,
    "too_large",
  );

/** A damaged or unreadable Office file. */
export class OfficeProblem extends Error {
  override name = "OfficeProblem";
}

/**
 * The worker handling a file was stopped: it ran past its time budget, past its memory cap, or died.
 * The same file would do the same again, so this is final for that file, never retried.
 */
export class FileWorkerProblem extends Error {
  override name = "FileWorkerProblem";
  constructor(
    readonly reason: "timeout" | "memory" | "crashed",
    readonly budgetMs?: number,
  ) {
    super(
      reason === "memory"
        ? "This file made the page renderer run out of memory, so it has no previews."
        : reason === "timeout"
          ? `Reading this file took longer than ${Math.round((budgetMs ?? 0) / 1000)} seconds, so it has no previews.`
          : "The file reader stopped unexpectedly on this file, so it has no previews.",
    );
  }
}

/** The task waited too long for a free worker (nothing was run). */
export class QueueTimeout extends Error {
  override name = "QueueTimeout";
}

const named =
  <T extends Error>(name: string) =>
  (error: unknown): error is T =>
    error instanceof Error && error.name === name;

export const isPdfProblem = named<PdfProblem>("PdfProblem");
export const isImageProblem = named<ImageProblem>("ImageProblem");
export const isOfficeProblem = named<OfficeProblem>("OfficeProblem");
export const isFileWorkerProblem = named<FileWorkerProblem>("FileWorkerProblem");
export const isQueueTimeout = named<QueueTimeout>("QueueTimeout");

/** Problems that describe the file itself: the same file fails the same way on every attempt. */
export const isFileProblem = (error: unknown): error is PdfProblem | ImageProblem | OfficeProblem | FileWorkerProblem =>
  isPdfProblem(error) || isImageProblem(error) || isOfficeProblem(error) || isFileWorkerProblem(error);

/** Rebuilds a problem that crossed the process boundary as `{name, message, reason}`. */
export function reviveProblem(e: { name?: string; message?: string; reason?: string }): Error {
  const message = e.message ?? "Unknown error";
  if (e.name === "PdfProblem") return new PdfProblem(message, (e.reason ?? "corrupt") as PdfProblem["reason"]);
  if (e.name === "ImageProblem") return new ImageProblem(message, (e.reason ?? "corrupt") as ImageProblem["reason"]);
  if (e.name === "OfficeProblem") return new OfficeProblem(message);
  if (e.name === "FileWorkerProblem") return new FileWorkerProblem((e.reason ?? "crashed") as FileWorkerProblem["reason"]);
  const error = new Error(message);
  error.name = e.name ?? "Error";
  return error;
}
