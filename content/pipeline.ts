// From stored bytes to what people see and search: a look at each upload, then (in jobs) text per
// page, page images and responsive image derivatives. Every byte of a user's file is parsed or drawn
// by the file worker pool (content/workers/), never here: this module only moves results into the
// database and storage. A failure never loses the upload: the item stays usable, with "preview
// unavailable" and a reason, or a readable `problem` on the draft.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemPages, itemVersions, items, type PreviewInfo } from "@/db/schema";
import { queueSearchSync } from "@/search/outbox";
import { enqueueJob, isJobAbandoned, type JobHandler } from "./jobs";
import {
  isFileProblem,
  isFileWorkerProblem,
  isImageProblem,
  isOfficeProblem,
  isPdfProblem,
  isQueueTimeout,
  MAX_INPUT_PIXELS,
  tooManyPixels,
} from "./problems";
import { declaredImageSize } from "./image-size";
import { isImageKind, isOfficeKind, KIND_INFO, type FileKind } from "./sniff";
import type { FileStorage } from "./storage";
import { cleanText, storableMessage } from "./text";
import type { FileWork } from "./workers/pool";
import type { FileFacts, Inspection } from "./workers/tasks";

export type { Inspection };

/** Pages rendered while the marketer waits for the first look; the rest follow in the background. */
export const EAGER_PAGES = 3;
/** Beyond this a document is still searchable and downloadable, just not previewed page by page. */
export const MAX_PREVIEW_PAGES = 300;

/**
 * Budgets of each kind of work, enforced by killing the worker. An upload waits for the look at its
 * file only `inspectWait`: a file the look has not finished by then is accepted and judged by its job,
 * while the look goes on (a slow machine is no reason to kill it) up to its own budget.
 */
export const BUDGET_MS = { inspectWait: 1_000, inspect: 30_000, inspectQueue: 300, text: 30_000, image: 60_000, page: 15_000 } as const;

export const kindFromMime = (mime: string | null): FileKind | null =>
  (Object.entries(KIND_INFO).find(([, info]) => info.mime === mime)?.[0] as FileKind | undefined) ?? null;

/**
 * The look at an upload, for the request path. Refuses what must never be stored (image bombs:
 * `ImageProblem` with reason too_large), and reports what can be kept as a draft with a reason
 * (locked or damaged files). Unchecked in time, a new item's file is accepted (`checked: false`): it
 * is a draft, and its job will say. `whole` waits for the look, up to its own budget: a replacement
 * version goes straight to the sellers of a published item, so a damaged one must be refused then.
 */
export async function inspectFile(
  work: FileWork,
  file: string,
  kind: FileKind,
  { whole = false }: { whole?: boolean } = {},
): Promise<Inspection & { checked: boolean }> {
  if (isImageKind(kind)) {
    const size = await declaredImageSize(file, kind);
    if (size && size.width * size.height > MAX_INPUT_PIXELS) throw tooManyPixels(size.width, size.height);
  }
  if (!isImageKind(kind) && kind !== "pdf" && !isOfficeKind(kind)) return { kind, pageCount: null, problem: null, checked: true };
  const unchecked = { kind, pageCount: null, problem: null, checked: false };
  // NOTE: a worker that is still starting does not count against its budget; the upload's wait does.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof unchecked>((resolve) => {
    if (!whole) timer = setTimeout(() => resolve(unchecked), BUDGET_MS.inspectWait + BUDGET_MS.inspectQueue);
  });
  try {
    const queueMs = whole ? BUDGET_MS.inspect : BUDGET_MS.inspectQueue;
    const look = work.run("inspect", { file, kind }, { budgetMs: BUDGET_MS.inspect, queueMs }).then((r) => ({ ...r, checked: true }));
    look.catch(() => {}); // it may fail after the deadline, when nobody awaits it any more
    return await Promise.race([look, deadline]);
  } catch (error) {
    if (isQueueTimeout(error) || (isFileWorkerProblem(error) && error.reason === "timeout")) return unchecked;
    if (isFileWorkerProblem(error)) return { kind, pageCount: null, problem: error.message, checked: true };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export const JOB_EXTRACT = "extract_version";
export const JOB_RENDER = "render_pages";

/** Enqueues the processing of a new version; call inside the transaction that created it. */
export async function queueProcessing(tx: Db, versionId: string) {
  await enqueueJob(tx, JOB_EXTRACT, { versionId }, { maxAttempts: 3 });
}

async function loadVersion(db: Db, versionId: string) {
  const [v] = await db.select().from(itemVersions).where(eq(itemVersions.id, versionId)).limit(1);
  return v ?? null;
}

/** Marks the item changed for offline catalogs and search, in the caller's transaction. */
async function touchItem(tx: Db, itemId: string) {
  await tx
    .update(items)
    .set({ updatedAt: sql`now()` })
    .where(eq(items.id, itemId));
  await queueSearchSync(tx, [itemId]);
}

async function storeDerivatives(storage: FileStorage, n: number, derivatives: { width: number; height: number; bytes: Uint8Array }[]) {
  const widths = [];
  for (const d of derivatives) {
    const { key } = await storage.putBuffer(Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength));
    widths.push({ width: d.width, height: d.height, key });
  }
  return { n, widths } satisfies PreviewInfo;
}

/**
 * No previews (or text) will come for this version, and why. With `whole`, the reader could not open
 * the file at all: that also blocks its draft from review, as when the look at the upload found it.
 */
async function markFailed(db: Db, versionId: string, error: Error, { whole = false } = {}) {
  const reason = storableMessage(error.message);
  await db.transaction(async (tx) => {
    const [v] = await tx
      .update(itemVersions)
      .set({ previewStatus: "failed", previewProblem: reason })
      .where(and(eq(itemVersions.id, versionId), sql`${itemVersions.previewStatus} <> 'ready'`))
      .returning({ itemId: itemVersions.itemId });
    const corruptImage = isImageProblem(error) && (error as { reason?: string }).reason === "corrupt";
    const unreadable = isPdfProblem(error) || isOfficeProblem(error) || corruptImage;
    // In review too: on a busy server the look at the upload can run out of time, the author submits at
    // once, and only this job finds the file unreadable; it must not be approvable then. Only while this
    // is still the item's newest version: an old version's late failure says nothing of the current one.
    if (v && whole && unreadable)
      await tx
        .update(items)
        .set({ problem: reason })
        .where(and(eq(items.id, v.itemId), inArray(items.status, ["draft", "in_review"]), newestVersion(v.itemId, versionId)));
  });
}

/**
 * Text per page (PDF, Office), or the derivative set (images). Runs as a job. A file problem (damage,
 * or a worker stopped by its budget) fails the same way on every attempt, so it ends the job with
 * "preview unavailable" and the reason instead of a retry; only other errors are thrown for a retry.
 */
export async function extractVersion(db: Db, storage: FileStorage, work: FileWork, versionId: string): Promise<void> {
  const version = await loadVersion(db, versionId);
  if (!version?.fileKey) return;
  const kind = kindFromMime(version.mime);
  if (!kind) return;
  const file = storage.localPath(version.fileKey);

  try {
    if (isImageKind(kind)) {
      const { derivatives, placeholder } = await work.run("imageDerivatives", { file }, { budgetMs: BUDGET_MS.image });
      const preview = await storeDerivatives(storage, 0, derivatives);
      await db.transaction(async (tx) => {
        await tx
          .update(itemVersions)
          .set({ previews: [preview], placeholder, previewStatus: "ready", previewProblem: null, pageCount: 1 })
          .where(eq(itemVersions.id, versionId));
        await touchItem(tx, version.itemId);
      });
      return;
    }
    if (kind === "pdf" || isOfficeKind(kind)) {
      const { pages, pageCount, facts } =
        kind === "pdf"
          ? await work.run("pdfText", { file }, { budgetMs: BUDGET_MS.text })
          : await work.run("officeText", { file, kind }, { budgetMs: BUDGET_MS.text });
      return await storeText(db, version.itemId, versionId, kind, { pages, pageCount, facts });
    }
  } catch (error) {
    if (isFileProblem(error)) return markFailed(db, versionId, error, { whole: true });
    throw error;
  }
  // Videos have nothing to extract; left "pending", the item page would wait for previews forever.
  await db.update(itemVersions).set({ previewStatus: "none" }).where(eq(itemVersions.id, versionId));
}

/**
 * What the file says about itself replaces only the defaults nobody chose: a title still taken from
 * the file name, a type still taken from the format. The look at the upload may have run out of time,
 * so extraction is where these are sure to be known.
 */
/** No later version of the item: what an old version's late job finds says nothing of the current one. */
const newestVersion = (itemId: string, versionId: string) =>
  sql`not exists (select 1 from ${itemVersions} newer where newer.item_id = ${itemId}
    and newer.number > (select number from ${itemVersions} this where this.id = ${versionId}))`;

async function applyFileFacts(tx: Db, itemId: string, versionId: string, facts: FileFacts) {
  const title = facts.title ? cleanText(facts.title) : "";
  // A new revision, like any edit: an edit form opened before this, still showing the file-name title,
  // would otherwise save that title back over the document's own and mark it chosen, without a conflict.
  const revision = sql`${items.revision} + 1`;
  const current = newestVersion(itemId, versionId);
  if (title)
    await tx
      .update(items)
      .set({ title, titleDefault: "file", revision })
      .where(and(eq(items.id, itemId), eq(items.titleDefault, "filename"), current));
  if (facts.deck)
    await tx
      .update(items)
      .set({ type: "deck", typeDefault: "shape", revision })
      .where(and(eq(items.id, itemId), eq(items.typeDefault, "kind"), current));
}

async function storeText(
  db: Db,
  itemId: string,
  versionId: string,
  kind: FileKind,
  { pages: extracted, pageCount, facts }: { pages: string[]; pageCount: number; facts: FileFacts },
) {
  // NOTE: cleaned again here, whoever extracted it: one NUL would make every insert below fail.
  const pages = extracted.map(cleanText);
  const renderable = kind === "pdf" ? Math.min(pageCount, MAX_PREVIEW_PAGES) : 0;
  await db.transaction(async (tx) => {
    await tx.delete(itemPages).where(eq(itemPages.versionId, versionId));
    const rows = pages.map((text, i) => ({ versionId, page: i + 1, text })).filter((r) => r.text.length > 0);
    for (let i = 0; i < rows.length; i += 500) await tx.insert(itemPages).values(rows.slice(i, i + 500));
    await tx
      .update(itemVersions)
      .set({
        text: pages.filter(Boolean).join("\n\n"),
        pageCount,
        previewStatus: renderable > 0 ? "pending" : "none",
        previewProblem: null,
      })
      .where(eq(itemVersions.id, versionId));
    if (renderable > 0) {
      await enqueueJob(tx, JOB_RENDER, { versionId, from: 1, to: Math.min(EAGER_PAGES, renderable) }, { maxAttempts: 3 });
      if (renderable > EAGER_PAGES)
        await enqueueJob(tx, JOB_RENDER, { versionId, from: EAGER_PAGES + 1, to: renderable }, { maxAttempts: 3 });
    }
    await applyFileFacts(tx, itemId, versionId, facts);
    await touchItem(tx, itemId);
  });
}

/** Renders PDF pages `from..to` to WebP previews, skipping those a previous attempt already made. */
export async function renderPdfPages(
  db: Db,
  storage: FileStorage,
  work: FileWork,
  versionId: string,
  from: number,
  to: number,
): Promise<void> {
  const version = await loadVersion(db, versionId);
  if (!version?.fileKey || version.mime !== KIND_INFO.pdf.mime) return;
  const done = new Set(version.previews.map((p) => p.n));
  const todo = [];
  for (let n = from; n <= to; n++) if (!done.has(n)) todo.push(n);
  const file = storage.localPath(version.fileKey);

  // Commit every few pages, so a long document shows its pages as they arrive and a retry resumes.
  for (let i = 0; i < todo.length; i += EAGER_PAGES) {
    const made: PreviewInfo[] = [];
    let placeholder: string | null = null;
    for (const n of todo.slice(i, i + EAGER_PAGES)) {
      let result;
      try {
        result = await work.run("renderPage", { file, n }, { budgetMs: BUDGET_MS.page });
      } catch (error) {
        // A page that cannot be drawn never will be: the set can no longer be complete.
        if (isFileProblem(error)) return markFailed(db, versionId, error);
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
      await tx
        .update(items)
        .set({ updatedAt: sql`now()` })
        .where(eq(items.id, version.itemId));
    });
  }
}

/** After the last attempt (or a process that died under the job every time): no previews, and why. */
async function giveUp(db: Db, versionId: unknown, error: unknown) {
  if (typeof versionId !== "string") return;
  const reason = isFileProblem(error)
    ? error
    : isJobAbandoned(error)
      ? new Error(`The server stopped while processing this file, ${error.attempts} times, so it has no previews.`)
      : new Error("Processing this file failed on every attempt, so it has no previews. Upload it again to retry.");
  await markFailed(db, versionId, reason);
}

export function pipelineJobHandlers(db: Db, storage: FileStorage, work: FileWork): Record<string, JobHandler> {
  return {
    [JOB_EXTRACT]: {
      run: (p) => extractVersion(db, storage, work, String(p.versionId)),
      onFailed: (p, error) => giveUp(db, p.versionId, error),
    },
    [JOB_RENDER]: {
      run: (p) => renderPdfPages(db, storage, work, String(p.versionId), Number(p.from), Number(p.to)),
      onFailed: (p, error) => giveUp(db, p.versionId, error),
    },
  };
}
