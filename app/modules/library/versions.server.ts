// Versions and the bytes behind them: uploading a new version, and serving originals and previews
// only to people in the item's audience. Sellers always get the latest version; earlier ones stay
// available to marketers. Version ids never change, so ratings and usage stay attached to them.
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queueProcessing } from "@/content/pipeline";
import { KIND_INFO } from "@/content/sniff";
import type { Db } from "@/db/client";
import { itemVersions, items } from "@/db/schema";
import { queueSearchSync } from "@/search/outbox";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError, notFound } from "~/modules/errors.server";
import { seesWholeLibrary, visibleItemsWhere } from "./audience.server";
import { admitFile } from "./create-item.server";
import { isMessagingType } from "./publishing-input.server";
import { isUuid } from "@/vocabulary/ids";
import { VERSION_COLUMNS } from "./item-detail.server";
import { requirePublisher, requireServices } from "./publisher.server";
import { withdrawScheduledApproval } from "./lifecycle.server";
import type { ReceivedFile } from "./upload.server";
import { notifyItemUpdated } from "~/modules/notifications/producers.server";

export const NewVersionFields = z.object({
  changelog: z.string().trim().min(1, "Say what changed in this version.").max(2000),
});

export async function addVersion(
  app: AppContext,
  user: SessionUser,
  itemId: string,
  upload: { files: ReceivedFile[]; fields: Record<string, unknown> },
): Promise<{ versionId: string; number: number }> {
  requirePublisher(user);
  const { storage, jobs, files } = requireServices(app);
  if (!isUuid(itemId)) throw notFound("No such item.");
  const [item] = await app.db.select({ id: items.id, type: items.type, title: items.title }).from(items).where(eq(items.id, itemId));
  if (!item) throw notFound("No such item.");
  if (isMessagingType(item.type)) throw new AppError("unprocessable", "Messaging items are versioned by editing the message.");
  if (upload.files.length !== 1) throw new AppError("bad_request", "Upload exactly one file as the new version.");
  const { changelog } = NewVersionFields.parse(upload.fields);
  const [file] = upload.files;
  // A damaged replacement must not take the place of a working version that sellers may be using: the
  // look at it is waited for, not cut short as a new draft's is on a busy server.
  const inspection = await admitFile(files, file, { whole: true });
  if (inspection.problem) throw new AppError("unprocessable", `${file.filename}: ${inspection.problem}`);
  if (!inspection.checked) {
    throw new AppError(
      "unavailable",
      `${file.filename} could not be checked in time, so it has not replaced the current version. Try again in a minute.`,
    );
  }
  const [latest] = await app.db
    .select({ number: itemVersions.number, fileKey: itemVersions.fileKey })
    .from(itemVersions)
    .where(eq(itemVersions.itemId, itemId))
    .orderBy(desc(itemVersions.number))
    .limit(1);
  if (latest?.fileKey === file.key) throw new AppError("conflict", `${file.filename} is identical to the current version.`);
  await storage.putTemp(file.tempFile, file.key);

  const created = await app.db.transaction(async (tx) => {
    // The item's row first: two uploads at the same moment read the same highest number, and the second
    // insert met the unique index with a 500. Now the second waits, then numbers itself after the first.
    await tx.select({ id: items.id }).from(items).where(eq(items.id, itemId)).for("update");
    const [max] = await tx
      .select({ n: sql<number>`coalesce(max(${itemVersions.number}), 0)::int` })
      .from(itemVersions)
      .where(eq(itemVersions.itemId, itemId));
    const [version] = await tx
      .insert(itemVersions)
      .values({
        itemId,
        number: max.n + 1,
        changelog,
        fileKey: file.key,
        contentHash: file.key,
        filename: file.filename,
        mime: KIND_INFO[inspection.kind].mime,
        size: file.size,
        pageCount: inspection.pageCount,
        previewStatus: "pending",
        createdBy: user.id,
      })
      .returning({ id: itemVersions.id, number: itemVersions.number });
    await tx
      .update(items)
      .set({ problem: null, revision: sql`${items.revision} + 1`, updatedAt: sql`now()`, updatedBy: user.id })
      .where(eq(items.id, itemId));
    await recordAudit(tx, {
      actor: user,
      action: "item.version_added",
      targetType: "item",
      targetId: itemId,
      details: { title: item.title, version: version.number, filename: file.filename, changelog },
    });
    await withdrawScheduledApproval(tx as unknown as Db, itemId);
    await queueProcessing(tx, version.id);
    await queueSearchSync(tx, [itemId]);
    await notifyItemUpdated(tx, { itemId, number: version.number, changelog, actorId: user.id });
    return version;
  });
  jobs?.wake();
  return { versionId: created.id, number: created.number };
}

/** The version a viewer may open: the latest for everyone, earlier ones for marketers and admins. */
async function versionFor(app: AppContext, user: SessionUser, itemId: string, versionNumber?: number) {
  const missing = notFound("This item doesn't exist or isn't shared with your team.");
  if (!isUuid(itemId)) throw missing;
  const [item] = await app.db
    .select({ id: items.id })
    .from(items)
    .where(and(eq(items.id, itemId), visibleItemsWhere(user)))
    .limit(1);
  if (!item) throw missing;
  // Without the extracted text: every page image of a document in view comes through here.
  const [latest] = await app.db
    .select(VERSION_COLUMNS)
    .from(itemVersions)
    .where(eq(itemVersions.itemId, itemId))
    .orderBy(desc(itemVersions.number))
    .limit(1);
  if (!latest) throw notFound("This item has no content yet.");
  if (versionNumber === undefined || versionNumber === latest.number) return latest;
  if (!seesWholeLibrary(user)) throw notFound("Only the current version is available.");
  const [older] = await app.db
    .select(VERSION_COLUMNS)
    .from(itemVersions)
    .where(and(eq(itemVersions.itemId, itemId), eq(itemVersions.number, versionNumber)))
    .limit(1);
  if (!older) throw notFound(`There is no version ${versionNumber}.`);
  return older;
}

export type FileRead = {
  /** Opened only once the response knows which bytes it sends (a Range request wants a slice). */
  open(range?: { start: number; end: number }): NodeJS.ReadableStream;
  size: number;
  mime: string;
  filename: string | null;
  etag: string;
  inline: boolean;
};

export async function openItemFile(app: AppContext, user: SessionUser, itemId: string, versionNumber?: number): Promise<FileRead> {
  const { storage } = requireServices(app);
  const version = await versionFor(app, user, itemId, versionNumber);
  if (!version.fileKey) throw notFound("This item has no file to download.");
  const size = await storage.size(version.fileKey);
  if (size === null) throw notFound("The file is missing from storage. Ask the owner to upload it again.");
  const mime = version.mime ?? "application/octet-stream";
  return {
    open: (range) => storage.stream(version.fileKey!, range),
    size,
    mime,
    filename: version.filename,
    etag: `"${version.fileKey}"`,
    // Types we sniffed ourselves and browsers display safely open in place; the rest download.
    inline: mime === KIND_INFO.pdf.mime || mime.startsWith("image/") || mime === KIND_INFO.mp4.mime,
  };
}

export async function openPreview(
  app: AppContext,
  user: SessionUser,
  itemId: string,
  n: number,
  width: number | undefined,
  versionNumber?: number,
): Promise<FileRead> {
  const { storage } = requireServices(app);
  const version = await versionFor(app, user, itemId, versionNumber);
  const preview = version.previews.find((p) => p.n === n);
  if (!preview) {
    throw notFound(
      version.previewStatus === "failed"
        ? "Preview unavailable for this file; download the original instead."
        : version.previewStatus === "pending"
          ? "This preview is still being made. Try again in a moment."
          : "There is no such preview.",
    );
  }
  // The smallest rendition at least as wide as asked for, else the largest there is.
  const sorted = [...preview.widths].sort((a, b) => a.width - b.width);
  const chosen = (width && sorted.find((w) => w.width >= width)) || sorted[sorted.length - 1];
  const size = await storage.size(chosen.key);
  if (size === null) throw notFound("Preview unavailable.");
  return {
    open: (range) => storage.stream(chosen.key, range),
    size,
    mime: "image/webp",
    filename: null,
    etag: `"${chosen.key}"`,
    inline: true,
  };
}
