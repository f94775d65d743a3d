// Creating items: one draft per uploaded file, or a messaging item (Markdown) or video link. Every
// write queues a search sync in its transaction.
import { inspectFile, queueProcessing } from "@/content/pipeline";
import { isImageProblem } from "@/content/problems";
import type { FileWork } from "@/content/workers/pool";
import { markdownToText } from "@/content/markdown";
import { KIND_INFO, sniffFile, type FileKind } from "@/content/sniff";
import { titleFromFilename } from "@/content/titles";
import type { Inspection } from "@/content/pipeline";
import { sha256 } from "@/content/storage";
import type { Db } from "@/db/client";
import { itemTransitions, itemVersions, items } from "@/db/schema";
import { type ItemType } from "@/vocabulary/library";
import { queueSearchSync } from "@/search/outbox";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { requirePublisher, requireServices } from "./publisher.server";
import { CreateFields, type CreateTextInput } from "./publishing-input.server";
import { isMessagingType } from "@/vocabulary/library";
import { audienceOf, checkOwner, checkTeams, resolveTags, setTagsAndAudiences } from "./tags-audiences.server";
import type { ReceivedFile } from "./upload.server";

export const DEFAULT_TYPE_FOR_KIND: Record<FileKind, ItemType> = {
  pdf: "document",
  pptx: "deck",
  docx: "document",
  xlsx: "spreadsheet",
  png: "image",
  jpeg: "image",
  webp: "image",
  gif: "image",
  mp4: "video",
};

/**
 * Title and type of a new upload: what the marketer chose, else what the file says (its own title, a
 * PDF with slide-shaped pages is a deck), else the name and the format. Which default was taken is
 * kept, so extraction may later improve a default but never overwrite a choice.
 */
export function uploadDefaults(filename: string, inspection: Inspection, chosen: { title?: string; type?: ItemType }) {
  const ownTitle = inspection.facts?.title ?? null;
  const title = chosen.title
    ? { title: chosen.title, titleDefault: null }
    : ownTitle
      ? { title: ownTitle, titleDefault: "file" as const }
      : { title: titleFromFilename(filename), titleDefault: "filename" as const };
  const type = chosen.type
    ? { type: chosen.type, typeDefault: null }
    : inspection.facts?.deck
      ? { type: "deck" as const, typeDefault: "shape" as const }
      : { type: DEFAULT_TYPE_FOR_KIND[inspection.kind], typeDefault: "kind" as const };
  return { ...title, ...type };
}

async function auditCreated(tx: Db, user: SessionUser, item: { id: string; title: string; type: string }, filename?: string) {
  await recordAudit(tx, {
    actor: user,
    action: "item.created",
    targetType: "item",
    targetId: item.id,
    details: {
      title: item.title,
      type: item.type,
      from: null,
      to: "draft",
      version: 1,
      ...(filename ? { filename } : {}),
      audience: await audienceOf(tx, item.id),
    },
  });
}

export type UploadResult =
  { ok: true; filename: string; itemId: string; problem: string | null } | { ok: false; filename: string; error: AppError };

/** Type and readiness of one received file; throws an `AppError` for what must not be stored. */
export async function admitFile(work: FileWork, file: ReceivedFile, options: { whole?: boolean } = {}) {
  if (file.size === 0) throw new AppError("unprocessable", `${file.filename} is empty (0 bytes). Choose the file again.`);
  const kind = await sniffFile(file.tempFile, file.head);
  if (!kind) {
    throw new AppError(
      "unsupported_media_type",
      `${file.filename} is not a supported file. Upload PDF, PowerPoint, Word, Excel, PNG, JPEG, WebP, GIF or MP4.`,
    );
  }
  try {
    return await inspectFile(work, file.tempFile, kind, options);
  } catch (error) {
    if (isImageProblem(error)) throw new AppError("unprocessable", `${file.filename}: ${error.message}`);
    throw error;
  }
}

/**
 * One draft item per uploaded file. Each file succeeds or fails on its own, so one bad file in a
 * batch never costs the marketer the others.
 */
export async function createItemsFromUpload(
  app: AppContext,
  user: SessionUser,
  upload: { files: ReceivedFile[]; fields: Record<string, unknown> },
): Promise<UploadResult[]> {
  requirePublisher(user);
  const { storage, jobs, files } = requireServices(app);
  if (upload.files.length === 0) throw new AppError("bad_request", "Choose at least one file to upload.");
  const fields = CreateFields.parse(upload.fields);
  const tagIds = await resolveTags(app.db, fields.tags);
  const teamIds = await checkTeams(app.db, fields.audiences);
  await checkOwner(app.db, fields.ownerId);

  const results: UploadResult[] = [];
  for (const file of upload.files) {
    try {
      const inspection = await admitFile(files, file);
      await storage.putTemp(file.tempFile, file.key);
      const defaults = uploadDefaults(file.filename, inspection, {
        title: upload.files.length === 1 ? fields.title || undefined : undefined,
        type: fields.type ?? undefined,
      });
      const itemId = await app.db.transaction(async (tx) => {
        const [item] = await tx
          .insert(items)
          .values({
            ...defaults,
            summary: fields.summary,
            ownerId: fields.ownerId ?? user.id,
            updatedBy: user.id,
            problem: inspection.problem,
            expiresAt: fields.expiresAt ?? null,
            verifyIntervalDays: fields.verifyIntervalDays ?? null,
            verifiedAt: new Date(),
          })
          .returning({ id: items.id, title: items.title, type: items.type });
        const [version] = await tx
          .insert(itemVersions)
          .values({
            itemId: item.id,
            number: 1,
            changelog: "First version",
            fileKey: file.key,
            contentHash: file.key,
            filename: file.filename,
            mime: KIND_INFO[inspection.kind].mime,
            size: file.size,
            pageCount: inspection.pageCount,
            previewStatus: inspection.problem ? "failed" : "pending",
            createdBy: user.id,
          })
          .returning({ id: itemVersions.id });
        await setTagsAndAudiences(tx, item.id, tagIds, teamIds);
        await tx
          .insert(itemTransitions)
          .values({ itemId: item.id, fromStatus: null, toStatus: "draft", actorId: user.id, comment: `Uploaded ${file.filename}` });
        await auditCreated(tx, user, item, file.filename);
        if (!inspection.problem) await queueProcessing(tx, version.id);
        await queueSearchSync(tx, [item.id]);
        return item.id;
      });
      results.push({ ok: true, filename: file.filename, itemId, problem: inspection.problem });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ ok: false, filename: file.filename, error });
    }
  }
  jobs?.wake();
  return results;
}

/** Messaging (Markdown) and video links: no file, the content is the text or the link. */
export async function createTextItem(app: AppContext, user: SessionUser, input: CreateTextInput): Promise<string> {
  requirePublisher(user);
  const tagIds = await resolveTags(app.db, input.tags);
  const teamIds = await checkTeams(app.db, input.audiences);
  await checkOwner(app.db, input.ownerId);
  const messaging = isMessagingType(input.type);
  const body = messaging ? (input.body ?? "") : null;
  return app.db.transaction(async (tx) => {
    const [item] = await tx
      .insert(items)
      .values({
        type: input.type,
        title: input.title,
        summary: input.summary,
        ownerId: input.ownerId ?? user.id,
        updatedBy: user.id,
        videoUrl: messaging ? null : (input.videoUrl ?? null),
        expiresAt: input.expiresAt ?? null,
        verifyIntervalDays: input.verifyIntervalDays ?? null,
        verifiedAt: new Date(),
      })
      .returning({ id: items.id, title: items.title, type: items.type });
    await tx.insert(itemVersions).values({
      itemId: item.id,
      number: 1,
      changelog: input.changelog || "First version",
      bodyMd: body,
      text: body ? markdownToText(body) : "",
      contentHash: body !== null ? sha256(body) : null,
      createdBy: user.id,
    });
    await setTagsAndAudiences(tx, item.id, tagIds, teamIds);
    await tx.insert(itemTransitions).values({ itemId: item.id, fromStatus: null, toStatus: "draft", actorId: user.id });
    await auditCreated(tx, user, item);
    await queueSearchSync(tx, [item.id]);
    return item.id;
  });
}
