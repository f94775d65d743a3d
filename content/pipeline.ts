// From stored bytes to what people see and search: checks on upload, then (in jobs) text per page,
// page images and responsive image derivatives. A failure here never loses the upload: the item stays
// usable, with "preview unavailable" or a readable `problem` on the draft.
import { readFile } from "node:fs/promises";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { itemPages, itemVersions, items, type PreviewInfo } from "../db/schema";
import { queueSearchSync } from "../search/outbox";
import { checkImage, ImageProblem, PREVIEW_WIDTHS, webpDerivatives } from "./images";
import { enqueueJob, type JobHandler } from "./jobs";
import { extractOffice, OfficeProblem } from "./office";
import { openPdf, PdfProblem } from "./pdf";
import { isImageKind, isOfficeKind, KIND_INFO, type FileKind } from "./sniff";
import type { FileStorage } from "./storage";

/** Pages rendered while the marketer waits for the first look; the rest follow in the background. */
export const EAGER_PAGES = 3;
/** Beyond this a document is still searchable and downloadable, just not previewed page by page. */
export const MAX_PREVIEW_PAGES = 300;

export const kindFromMime = (mime: string | null): FileKind | null =>
  (Object.entries(KIND_INFO).find(([, info]) => info.mime === mime)?.[0] as FileKind | undefined) ?? null;

export type Inspection = {
  kind: FileKind;
  pageCount: number | null;
  /** Set when the file was accepted but cannot be processed (kept as a draft with this reason). */
  problem: string | null;
};

/**
 * Cheap checks on the request path. Refuses what must never be stored (image bombs: `ImageProblem`
 * with reason too_large), and reports what can be kept as a draft with a reason (locked/damaged PDFs).
 */
export async function inspectFile(file: string, kind: FileKind): Promise<Inspection> {
  if (isImageKind(kind)) {
    try {
      await checkImage(file);
    } catch (error) {
      if (error instanceof ImageProblem && error.reason === "corrupt") return { kind, pageCount: null, problem: error.message };
      throw error;
    }
    return { kind, pageCount: 1, problem: null };
  }
  if (kind === "pdf") {
    try {
      const pdf = await openPdf(await readFile(file));
      const pageCount = pdf.pageCount;
      await pdf.close();
      return { kind, pageCount, problem: null };
    } catch (error) {
      if (error instanceof PdfProblem) return { kind, pageCount: null, problem: error.message };
      throw error;
    }
  }
  if (isOfficeKind(kind)) {
    // Reading the text parts is what the job will do; doing it now tells the marketer at once that
    // the file is damaged, as for PDFs, instead of a preview that silently never arrives.
    try {
      await extractOffice(file, kind);
    } catch (error) {
      if (error instanceof OfficeProblem) return { kind, pageCount: null, problem: error.message };
      throw error;
    }
  }
  return { kind, pageCount: null, problem: null };
}

export const JOB_EXTRACT = "extract_version";
export const JOB_RENDER = "render_pages";

/** Enqueues the processing of a new version; call inside the transaction that created it. */
export async function queueProcessing(tx: Db, versionId: string) {
  await enqueueJob(tx, JOB_EXTRACT, { versionId });
}

async function loadVersion(db: Db, versionId: string) {
  const [v] = await db.select().from(itemVersions).where(eq(itemVersions.id, versionId)).limit(1);
  return v ?? null;
}

/** Marks the item changed for offline catalogs and search, in the caller's transaction. */
async function touchItem(tx: Db, itemId: string) {
  await tx.update(items).set({ updatedAt: sql`now()` }).where(eq(items.id, itemId));
  await queueSearchSync(tx, [itemId]);
}

async function storeDerivatives(storage: FileStorage, n: number, derivatives: { width: number; height: number; bytes: Buffer }[]) {
  const widths = [];
  for (const d of derivatives) {
    const { key } = await storage.putBuffer(d.bytes);
    widths.push({ width: d.width, height: d.height, key });
  }
  return { n, widths } satisfies PreviewInfo;
}

async function markFailed(db: Db, versionId: string) {
  await db.update(itemVersions).set({ previewStatus: "failed" }).where(eq(itemVersions.id, versionId));
}

/**
 * Text per page (PDF, Office), or the derivative set (images). Runs as a job. A damaged file fails
 * the same way on every attempt, so typed problems end the job with "preview unavailable" instead
 * of being retried; only other errors (storage, database) are thrown for a retry.
 */
export async function extractVersion(db: Db, storage: FileStorage, versionId: string): Promise<void> {
  const version = await loadVersion(db, versionId);
  if (!version?.fileKey) return;
  const kind = kindFromMime(version.mime);
  if (!kind) return;
  const file = storage.localPath(version.fileKey);

  if (isImageKind(kind)) {
    let result;
    try {
      result = await webpDerivatives(file);
    } catch (error) {
      // A damaged image fails the same way every time: say so instead of retrying.
      if (error instanceof ImageProblem) return markFailed(db, versionId);
      throw error;
    }
    const { derivatives, placeholder } = result;
    const preview = await storeDerivatives(storage, 0, derivatives);
    await db.transaction(async (tx) => {
      await tx
        .update(itemVersions)
        .set({ previews: [preview], placeholder, previewStatus: "ready", pageCount: 1 })
        .where(eq(itemVersions.id, versionId));
      await touchItem(tx, version.itemId);
    });
    return;
  }

  let pages: string[] = [];
  let pageCount: number | null = null;
  if (kind === "pdf") {
    let pdf;
    try {
      pdf = await openPdf(await storage.read(version.fileKey));
    } catch (error) {
      if (error instanceof PdfProblem) return markFailed(db, versionId);
      throw error;
    }
    try {
      pageCount = pdf.pageCount;
      for (let n = 1; n <= pdf.pageCount; n++) {
        // One damaged page costs its own text, not the document's.
        pages.push(await pdf.pageText(n).catch((error) => (error instanceof PdfProblem ? "" : Promise.reject(error))));
      }
    } finally {
      await pdf.close();
    }
  } else if (isOfficeKind(kind)) {
    try {
      ({ pages, pageCount } = await extractOffice(file, kind));
    } catch (error) {
      if (error instanceof OfficeProblem) return markFailed(db, versionId);
      throw error;
    }
  } else {
    // Videos have nothing to extract; left "pending", the item page would wait for previews forever.
    await db.update(itemVersions).set({ previewStatus: "none" }).where(eq(itemVersions.id, versionId));
    return;
  }

  const renderable = kind === "pdf" && pageCount ? Math.min(pageCount, MAX_PREVIEW_PAGES) : 0;
  await db.transaction(async (tx) => {
    await tx.delete(itemPages).where(eq(itemPages.versionId, versionId));
    const rows = pages.map((text, i) => ({ versionId, page: i + 1, text })).filter((r) => r.text.length > 0);
    for (let i = 0; i < rows.length; i += 500) await tx.insert(itemPages).values(rows.slice(i, i + 500));
    await tx
      .update(itemVersions)
      .set({
        text: pages.filter(Boolean).join("\n\n"),
        pageCount,
        previewStatus: renderable ? "pending" : "none",
      })
      .where(eq(itemVersions.id, versionId));
    if (renderable) {
      await enqueueJob(tx, JOB_RENDER, { versionId, from: 1, to: Math.min(EAGER_PAGES, renderable) });
      if (renderable > EAGER_PAGES) await enqueueJob(tx, JOB_RENDER, { versionId, from: EAGER_PAGES + 1, to: renderable });
    }
    await touchItem(tx, version.itemId);
  });
}

/** Renders PDF pages `from..to` to WebP previews, skipping those a previous attempt already made. */
export async function renderPdfPages(db: Db, storage: FileStorage, versionId: string, from: number, to: number): Promise<void> {
  const version = await loadVersion(db, versionId);
  if (!version?.fileKey || version.mime !== KIND_INFO.pdf.mime) return;
  const done = new Set(version.previews.map((p) => p.n));
  const todo = [];
  for (let n = from; n <= to; n++) if (!done.has(n)) todo.push(n);
  if (todo.length === 0) return;

  let pdf;
  try {
    pdf = await openPdf(await storage.read(version.fileKey));
  } catch (error) {
    if (error instanceof PdfProblem) return markPreviewFailed(db, versionId);
    throw error;
  }
  try {
    // Commit every few pages, so a long document shows its pages as they arrive and a retry resumes.
    for (let i = 0; i < todo.length; i += EAGER_PAGES) {
      const made: PreviewInfo[] = [];
      let placeholder: string | null = null;
      for (const n of todo.slice(i, i + EAGER_PAGES)) {
        let result;
        try {
          result = await webpDerivatives(await pdf.renderPage(n, Math.max(...PREVIEW_WIDTHS)));
        } catch (error) {
          // A page that cannot be drawn never will be: the set can no longer be complete.
          if (error instanceof PdfProblem || error instanceof ImageProblem) return markPreviewFailed(db, versionId);
          throw error;
        }
        made.push(await storeDerivatives(storage, n, result.derivatives));
        if (n === 1) placeholder = result.placeholder;
      }
      await db.transaction(async (tx) => {
        const [current] = await tx
          .select({ previews: itemVersions.previews, pageCount: itemVersions.pageCount })
          .from(itemVersions)
          .where(eq(itemVersions.id, versionId))
          .for("update");
        const merged = [...current.previews.filter((p) => !made.some((m) => m.n === p.n)), ...made].sort((a, b) => a.n - b.n);
        const complete = merged.length >= Math.min(current.pageCount ?? 0, MAX_PREVIEW_PAGES);
        await tx
          .update(itemVersions)
          .set({
            previews: merged,
            ...(placeholder ? { placeholder } : {}),
            ...(complete ? { previewStatus: "ready" as const } : {}),
          })
          .where(eq(itemVersions.id, versionId));
        await tx.update(items).set({ updatedAt: sql`now()` }).where(eq(items.id, version.itemId));
      });
    }
  } finally {
    await pdf.close();
  }
}

async function markPreviewFailed(db: Db, versionId: unknown) {
  if (typeof versionId !== "string") return;
  await db
    .update(itemVersions)
    .set({ previewStatus: "failed" })
    .where(and(eq(itemVersions.id, versionId), sql`${itemVersions.previewStatus} <> 'ready'`));
}

export function pipelineJobHandlers(db: Db, storage: FileStorage): Record<string, JobHandler> {
  return {
    [JOB_EXTRACT]: {
      run: (p) => extractVersion(db, storage, String(p.versionId)),
      onFailed: (p) => markPreviewFailed(db, p.versionId),
    },
    [JOB_RENDER]: {
      run: (p) => renderPdfPages(db, storage, String(p.versionId), Number(p.from), Number(p.to)),
      onFailed: (p) => markPreviewFailed(db, p.versionId),
    },
  };
}
