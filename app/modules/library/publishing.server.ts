// The marketer's side of the library: creating items from uploads, Markdown or a video link, and
// editing their metadata under an optimistic lock. Every write queues a search sync in its transaction.
import { itemAudiencesJson, itemTagsJson } from "./item-json.server";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { inspectFile, queueProcessing } from "../../../content/pipeline";
import { isImageProblem } from "../../../content/problems";
import type { FileWork } from "../../../content/workers/pool";
import { renderMarkdown, markdownToText } from "../../../content/markdown";
import { KIND_INFO, sniffFile, titleFromFilename, type FileKind } from "../../../content/sniff";
import { sha256 } from "../../../content/storage";
import type { Db } from "../../../db/client";
import {
  ITEM_TYPES,
  MESSAGING_TYPES,
  itemAudiences,
  itemTags,
  itemTransitions,
  itemVersions,
  items,
  tags,
  teams,
  users,
  type ItemType,
} from "../../../db/schema";
import { queueSearchSync } from "../../../search/outbox";
import { recordAudit } from "../audit/audit.server";
import type { SessionUser } from "../auth/session.server";
import type { AppContext } from "../context.server";
import { AppError, forbidden, notFound } from "../errors.server";
import { seesWholeLibrary, visibleItemsWhere } from "./audience.server";
import type { ReceivedFile } from "./upload.server";
import { notifyItemUpdated } from "../notifications/producers.server";

export const isMessagingType = (type: string) => (MESSAGING_TYPES as readonly string[]).includes(type);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

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

export function requireServices(app: AppContext) {
  const { storage, jobs, files } = app.services;
  if (!storage || !files) throw new AppError("unavailable", "File storage is not configured on this server.");
  return { storage, jobs, files };
}

export function requirePublisher(user: SessionUser) {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketers and admins can publish content.");
}

// ---------------------------------------------------------------------------------------------
// Input

const emptyToNull = (v: unknown) => (v === "" || v === undefined ? null : v);
const asArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

const dateInput = z.preprocess(
  emptyToNull,
  z
    .union([z.string(), z.date()])
    .nullable()
    .transform((v, ctx) => {
      if (v === null) return null;
      const d = v instanceof Date ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59Z` : v);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message: "Enter a date like 2026-12-31." });
        return z.NEVER;
      }
      return d;
    }),
);

export const MetadataFields = {
  title: z.string().trim().min(1, "Give the item a title.").max(200, "Titles are at most 200 characters."),
  summary: z.string().trim().max(2000, "Summaries are at most 2,000 characters."),
  type: z.enum(ITEM_TYPES, { message: "Choose a content type." }),
  ownerId: z.preprocess(emptyToNull, z.string().regex(UUID, "Choose an owner from the list.").nullable()),
  tags: z.preprocess(asArray, z.array(z.string().trim().min(1).max(120)).max(50, "At most 50 tags.")),
  audiences: z.preprocess(asArray, z.array(z.string().regex(UUID, "Choose teams from the list.")).max(100)),
  expiresAt: dateInput,
  verifyIntervalDays: z.preprocess(
    emptyToNull,
    z.coerce.number().int("Whole days only.").min(1, "At least one day.").max(3650, "At most ten years.").nullable(),
  ),
  videoUrl: z.preprocess(
    emptyToNull,
    z
      .string()
      .trim()
      .max(2000)
      .refine((u) => /^https:\/\/[^\s/]+\.[^\s]+$/i.test(u), "Video links must be https:// addresses.")
      .nullable(),
  ),
  body: z.string().max(200_000, "Messaging is at most 200,000 characters."),
  changelog: z.string().trim().max(2000).default(""),
  publishAt: dateInput,
};

const CreateFields = z.object({
  title: MetadataFields.title.optional(),
  summary: MetadataFields.summary.default(""),
  type: z.preprocess(emptyToNull, MetadataFields.type.nullable()).optional(),
  ownerId: MetadataFields.ownerId.optional(),
  tags: MetadataFields.tags,
  audiences: MetadataFields.audiences,
  expiresAt: MetadataFields.expiresAt.optional(),
  verifyIntervalDays: MetadataFields.verifyIntervalDays.optional(),
});
export type CreateFields = z.infer<typeof CreateFields>;

export const CreateTextInput = CreateFields.extend({
  title: MetadataFields.title,
  type: MetadataFields.type,
  body: MetadataFields.body.optional(),
  videoUrl: MetadataFields.videoUrl.optional(),
  changelog: MetadataFields.changelog,
}).superRefine((v, ctx) => {
  if (isMessagingType(v.type)) {
    if (!v.body?.trim()) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the message in Markdown." });
  } else if (v.type === "video") {
    if (!v.videoUrl) ctx.addIssue({ code: "custom", path: ["videoUrl"], message: "Paste the video's https:// link, or upload an MP4." });
  } else {
    ctx.addIssue({ code: "custom", path: ["type"], message: "Upload a file for this type of content." });
  }
});
export type CreateTextInput = z.infer<typeof CreateTextInput>;

export const UpdateInput = z
  .object({
    revision: z.coerce.number({ message: "revision is required (the value you loaded)." }).int().min(1),
    title: MetadataFields.title,
    summary: MetadataFields.summary,
    type: MetadataFields.type,
    ownerId: MetadataFields.ownerId,
    tags: MetadataFields.tags,
    audiences: MetadataFields.audiences,
    expiresAt: MetadataFields.expiresAt,
    verifyIntervalDays: MetadataFields.verifyIntervalDays,
    videoUrl: MetadataFields.videoUrl,
    body: MetadataFields.body,
    changelog: MetadataFields.changelog,
    /** "I checked it is still right": sets verified_at to now. */
    verified: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
  })
  .partial()
  .required({ revision: true });
export type UpdateInput = z.infer<typeof UpdateInput>;

// ---------------------------------------------------------------------------------------------
// Tags, audiences, owners

/** Tags by id or by `facet:value`; unknown ones are a 422 that names them. */
export async function resolveTags(db: Db, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const ids = refs.filter(isUuid);
  const pairs = refs.filter((r) => !isUuid(r)).map((r) => r.split(":") as [string, string]);
  const all = await db.select({ id: tags.id, facet: tags.facet, value: tags.value }).from(tags);
  const found = new Set<string>();
  const unknown: string[] = [];
  for (const id of ids) (all.some((t) => t.id === id) ? found.add(id) : unknown.push(id));
  for (const [facet, value] of pairs) {
    const tag = all.find((t) => t.facet === facet && t.value === value);
    tag ? found.add(tag.id) : unknown.push(`${facet}:${value ?? ""}`);
  }
  if (unknown.length) {
    throw new AppError("unprocessable", `Unknown tags: ${unknown.join(", ")}. Tags are managed by admins.`, { tags: unknown });
  }
  return [...found];
}

async function checkTeams(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rows = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, unique));
  if (rows.length !== unique.length) {
    throw new AppError("unprocessable", "One of the chosen audience teams does not exist any more. Reload and choose again.");
  }
  return unique;
}

async function checkOwner(db: Db, ownerId: string | null | undefined) {
  if (!ownerId) return;
  const [owner] = await db.select({ role: users.role, active: users.active }).from(users).where(eq(users.id, ownerId));
  if (!owner || !owner.active || (owner.role !== "marketer" && owner.role !== "admin")) {
    throw new AppError("unprocessable", "The owner must be an active marketer or admin.");
  }
}

async function setTagsAndAudiences(tx: Db, itemId: string, tagIds: string[] | undefined, teamIds: string[] | undefined) {
  if (tagIds) {
    await tx.delete(itemTags).where(eq(itemTags.itemId, itemId));
    if (tagIds.length) await tx.insert(itemTags).values(tagIds.map((tagId) => ({ itemId, tagId })));
  }
  if (teamIds) {
    await tx.delete(itemAudiences).where(eq(itemAudiences.itemId, itemId));
    if (teamIds.length) await tx.insert(itemAudiences).values(teamIds.map((teamId) => ({ itemId, teamId })));
  }
}

/** Who may see the item now, as the audit log records it (empty: everyone). */
async function audienceOf(tx: Db, itemId: string) {
  return tx
    .select({ id: teams.id, name: teams.name })
    .from(itemAudiences)
    .innerJoin(teams, eq(teams.id, itemAudiences.teamId))
    .where(eq(itemAudiences.itemId, itemId))
    .orderBy(teams.name, teams.id);
}

async function auditCreated(tx: Db, user: SessionUser, item: { id: string; title: string; type: string }, filename?: string) {
  await recordAudit(tx, {
    actor: user,
    action: "item.created",
    targetType: "item",
    targetId: item.id,
    details: { title: item.title, type: item.type, from: null, to: "draft", version: 1, ...(filename ? { filename } : {}), audience: await audienceOf(tx, item.id) },
  });
}

// ---------------------------------------------------------------------------------------------
// Creating

export type UploadResult =
  | { ok: true; filename: string; itemId: string; problem: string | null }
  | { ok: false; filename: string; error: AppError };

/** Type and readiness of one received file; throws an `AppError` for what must not be stored. */
export async function admitFile(work: FileWork, file: ReceivedFile) {
  if (file.size === 0) throw new AppError("unprocessable", `${file.filename} is empty (0 bytes). Choose the file again.`);
  const kind = await sniffFile(file.tempFile, file.head);
  if (!kind) {
    throw new AppError(
      "unsupported_media_type",
      `${file.filename} is not a supported file. Upload PDF, PowerPoint, Word, Excel, PNG, JPEG, WebP, GIF or MP4.`,
    );
  }
  try {
    return await inspectFile(work, file.tempFile, kind);
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
      const title = upload.files.length === 1 && fields.title ? fields.title : titleFromFilename(file.filename);
      const itemId = await app.db.transaction(async (tx) => {
        const [item] = await tx
          .insert(items)
          .values({
            type: fields.type ?? DEFAULT_TYPE_FOR_KIND[inspection.kind],
            title,
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
        await tx.insert(itemTransitions).values({ itemId: item.id, fromStatus: null, toStatus: "draft", actorId: user.id, comment: `Uploaded ${file.filename}` });
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

// ---------------------------------------------------------------------------------------------
// Editing

const editableColumns = {
  id: items.id,
  revision: items.revision,
  type: items.type,
  title: items.title,
  summary: items.summary,
  status: items.status,
  ownerId: items.ownerId,
  videoUrl: items.videoUrl,
  expiresAt: items.expiresAt,
  verifyIntervalDays: items.verifyIntervalDays,
  updatedAt: items.updatedAt,
  updatedBy: items.updatedBy,
};

/** What a 409 shows: the values now stored and who stored them. */
async function currentValues(db: Db, itemId: string) {
  const [row] = await db
    .select({ ...editableColumns, updatedByName: users.name })
    .from(items)
    .leftJoin(users, eq(users.id, items.updatedBy))
    .where(eq(items.id, itemId));
  const tagRows = await db
    .select({ id: tags.id, facet: tags.facet, value: tags.value, label: tags.label })
    .from(itemTags)
    .innerJoin(tags, eq(tags.id, itemTags.tagId))
    .where(eq(itemTags.itemId, itemId));
  const audienceRows = await db.select({ teamId: itemAudiences.teamId }).from(itemAudiences).where(eq(itemAudiences.itemId, itemId));
  const { updatedByName, ...values } = row;
  return {
    ...values,
    tags: tagRows,
    audiences: audienceRows.map((a) => a.teamId),
    updatedBy: row.updatedBy ? { id: row.updatedBy, name: updatedByName } : null,
  };
}
export type CurrentValues = Awaited<ReturnType<typeof currentValues>>;

/**
 * Metadata edits under an optimistic lock: the caller sends the revision it loaded; if someone else
 * saved in between, nothing is written and the 409 carries their values so the UI can show them.
 * Editing a messaging body makes a new version (with the changelog).
 */
export async function updateItem(app: AppContext, user: SessionUser, itemId: string, input: UpdateInput) {
  requirePublisher(user);
  if (!isUuid(itemId)) throw notFound("No such item.");
  const [existing] = await app.db.select(editableColumns).from(items).where(eq(items.id, itemId));
  if (!existing) throw notFound("No such item.");
  const tagIds = input.tags ? await resolveTags(app.db, input.tags) : undefined;
  const teamIds = input.audiences ? await checkTeams(app.db, input.audiences) : undefined;
  if (input.ownerId) await checkOwner(app.db, input.ownerId);
  const type = input.type ?? existing.type;
  if (isMessagingType(type) !== isMessagingType(existing.type)) {
    throw new AppError("unprocessable", "Messaging and file-based content cannot be converted into each other. Create a new item instead.");
  }
  if (input.body !== undefined && !isMessagingType(type)) {
    throw new AppError("unprocessable", "Only messaging items have a Markdown body; upload a new version instead.");
  }
  if (input.body !== undefined && !input.body.trim()) throw new AppError("unprocessable", "The message cannot be empty.");

  await app.db.transaction(async (tx) => {
    const set: Partial<typeof items.$inferInsert> = {
      revision: sql`${items.revision} + 1` as never,
      updatedAt: sql`now()` as never,
      updatedBy: user.id,
    };
    if (input.title !== undefined) set.title = input.title;
    if (input.summary !== undefined) set.summary = input.summary;
    if (input.type !== undefined) set.type = input.type;
    // An empty owner field means "leave as is": ownership is never cleared by an edit.
    if (input.ownerId) set.ownerId = input.ownerId;
    if (input.expiresAt !== undefined) set.expiresAt = input.expiresAt;
    if (input.verifyIntervalDays !== undefined) set.verifyIntervalDays = input.verifyIntervalDays;
    if (input.videoUrl !== undefined) set.videoUrl = input.videoUrl;
    if (input.verified) set.verifiedAt = new Date();
    const updated = await tx
      .update(items)
      .set(set)
      .where(and(eq(items.id, itemId), eq(items.revision, input.revision)))
      .returning({ id: items.id });
    if (updated.length === 0) {
      const current = await currentValues(tx, itemId);
      const who = current.updatedBy?.name ?? "Someone";
      throw new AppError(
        "conflict",
        `${who} saved changes to this item while you were editing. Review their version and apply your changes again.`,
        { current },
      );
    }
    const audienceBefore = teamIds ? await audienceOf(tx, itemId) : [];
    await setTagsAndAudiences(tx, itemId, tagIds, teamIds);
    const title = input.title ?? existing.title;
    if (teamIds) {
      const audienceAfter = await audienceOf(tx, itemId);
      const ids = (list: { id: string }[]) => list.map((t) => t.id).sort().join();
      if (ids(audienceBefore) !== ids(audienceAfter)) {
        await recordAudit(tx, { actor: user, action: "item.audience_changed", targetType: "item", targetId: itemId, details: { title, from: audienceBefore, to: audienceAfter } });
      }
    }
    if (input.expiresAt !== undefined && (input.expiresAt?.getTime() ?? null) !== (existing.expiresAt?.getTime() ?? null)) {
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      await recordAudit(tx, { actor: user, action: "item.expiry_changed", targetType: "item", targetId: itemId, details: { title, from: iso(existing.expiresAt), to: iso(input.expiresAt) } });
    }
    if (input.body !== undefined) {
      const [latest] = await tx
        .select({ number: itemVersions.number, bodyMd: itemVersions.bodyMd })
        .from(itemVersions)
        .where(eq(itemVersions.itemId, itemId))
        .orderBy(desc(itemVersions.number))
        .limit(1);
      if (latest?.bodyMd !== input.body) {
        const number = (latest?.number ?? 0) + 1;
        const changelog = input.changelog || "Edited the message";
        await tx.insert(itemVersions).values({
          itemId,
          number,
          changelog,
          bodyMd: input.body,
          text: markdownToText(input.body),
          contentHash: sha256(input.body),
          createdBy: user.id,
        });
        await recordAudit(tx, { actor: user, action: "item.version_added", targetType: "item", targetId: itemId, details: { title, version: number, changelog } });
        await notifyItemUpdated(tx, { itemId, number, changelog, actorId: user.id });
      }
    }
    await queueSearchSync(tx, [itemId]);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading (the item page and the API)

export type VersionView = {
  id: string;
  number: number;
  changelog: string;
  filename: string | null;
  mime: string | null;
  size: number | null;
  pageCount: number | null;
  previewStatus: "none" | "pending" | "ready" | "failed";
  /** Why previews could not be made (with `failed`), in words for the person who uploaded the file. */
  previewProblem: string | null;
  previews: { n: number; widths: { width: number; height: number }[] }[];
  placeholder: string | null;
  createdAt: Date;
  createdBy: string | null;
};

export function versionView(v: typeof itemVersions.$inferSelect): VersionView {
  return {
    id: v.id,
    number: v.number,
    changelog: v.changelog,
    filename: v.filename,
    mime: v.mime,
    size: v.size,
    pageCount: v.pageCount,
    previewStatus: v.previewStatus,
    previewProblem: v.previewStatus === "failed" ? v.previewProblem : null,
    // Storage keys stay on the server: clients fetch previews through the audience-checked route.
    previews: v.previews.map((p) => ({ n: p.n, widths: p.widths.map(({ width, height }) => ({ width, height })) })),
    placeholder: v.placeholder,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

/**
 * Everything about one item the viewer may see: sellers get the published item and its latest
 * version; marketers and admins also get every version, audiences and the history.
 */
export async function loadItemDetail(db: Db, user: SessionUser, itemId: string) {
  if (!isUuid(itemId)) throw notFound("This item doesn't exist or isn't shared with your team.");
  // One round trip for what every viewer sees: the item page is the hottest page sellers open.
  const [row] = await db
    .select({
      item: items,
      current: itemVersions,
      ownerName: users.name,
      tags: itemTagsJson(),
      audiences: itemAudiencesJson(),
    })
    .from(items)
    .leftJoin(
      itemVersions,
      eq(itemVersions.id, sql`(select v.id from ${itemVersions} v where v.item_id = ${items.id} order by v.number desc limit 1)`)
    )
    .leftJoin(users, eq(users.id, items.ownerId))
    .where(and(eq(items.id, itemId), visibleItemsWhere(user)))
    .limit(1);
  if (!row) throw notFound("This item doesn't exist or isn't shared with your team.");
  const desk = seesWholeLibrary(user);
  return itemDetailFrom(row, desk, desk ? await versionsAndHistory(db, itemId) : [[], []]);
}
export type ItemDetail = ReturnType<typeof itemDetailFrom>;

/** Every version and the status history: what marketers and admins see below the item. */
export async function versionsAndHistory(db: Db, itemId: string) {
  return Promise.all([
    db.select().from(itemVersions).where(eq(itemVersions.itemId, itemId)).orderBy(desc(itemVersions.number)),
    db
      .select({
        id: itemTransitions.id,
        from: itemTransitions.fromStatus,
        to: itemTransitions.toStatus,
        comment: itemTransitions.comment,
        at: itemTransitions.at,
        actor: users.name,
      })
      .from(itemTransitions)
      .leftJoin(users, eq(users.id, itemTransitions.actorId))
      .where(eq(itemTransitions.itemId, itemId))
      .orderBy(desc(itemTransitions.at), desc(itemTransitions.id)),
  ]);
}

/** The item page's and the API's shape, from the one-statement row (loadItemDetail, loadItemPage). */
export function itemDetailFrom(
  row: {
    item: typeof items.$inferSelect;
    current: typeof itemVersions.$inferSelect | null;
    ownerName: string | null;
    tags: Pick<typeof tags.$inferSelect, "id" | "facet" | "value" | "label">[];
    audiences: { id: string; name: string }[];
  },
  desk: boolean,
  [versionRows, history]: Awaited<ReturnType<typeof versionsAndHistory>> | [[], []],
) {
  const { item, current } = row;
  return {
    item: {
      id: item.id,
      type: item.type,
      title: item.title,
      summary: item.summary,
      status: item.status,
      revision: item.revision,
      problem: desk ? item.problem : null,
      videoUrl: item.videoUrl,
      notForBuyers: item.notForBuyers,
      owner: item.ownerId && row.ownerName !== null ? { id: item.ownerId, name: row.ownerName } : null,
      expiresAt: item.expiresAt,
      verifyIntervalDays: item.verifyIntervalDays,
      verifiedAt: item.verifiedAt,
      publishAt: item.publishAt,
      publishedAt: item.publishedAt,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
    },
    current: current ? versionView(current) : null,
    /** Sanitised HTML of the current message (messaging types). */
    html: current?.bodyMd ? renderMarkdownCached(current.id, current.bodyMd) : null,
    bodyMd: current?.bodyMd ?? null,
    tags: row.tags,
    audiences: row.audiences,
    versions: versionRows.map(versionView),
    history,
  };
}

// Rendering and sanitising Markdown costs more than the rest of the item page; a version's body is
// keyed by its id and compared in full, so an edited body is never served stale.
const renderedBodies = new Map<string, { body: string; html: string }>();
function renderMarkdownCached(versionId: string, body: string): string {
  const hit = renderedBodies.get(versionId);
  if (hit && hit.body === body) return hit.html;
  const html = renderMarkdown(body);
  if (renderedBodies.size >= 500) renderedBodies.delete(renderedBodies.keys().next().value!);
  renderedBodies.set(versionId, { body, html });
  return html;
}

/** The API's item shape (contract: the item with `id`, `status`, `versions`). */
export function itemJson(detail: ItemDetail) {
  const base = `/api/v1/items/${detail.item.id}`;
  const withUrls = (v: VersionView, latest: boolean) => ({
    ...v,
    fileUrl: v.filename ? `${base}/file${latest ? "" : `?version=${v.number}`}` : null,
    previews: v.previews.map((p) => ({
      ...p,
      urls: Object.fromEntries(p.widths.map((w) => [w.width, `${base}/previews/${p.n}?w=${w.width}${latest ? "" : `&version=${v.number}`}`])),
    })),
  });
  return {
    ...detail.item,
    tags: detail.tags,
    audiences: detail.audiences,
    currentVersion: detail.current ? withUrls(detail.current, true) : null,
    html: detail.html,
    body: detail.bodyMd,
    versions: (detail.versions.length ? detail.versions : detail.current ? [detail.current] : []).map((v, i) => withUrls(v, i === 0)),
    history: detail.history,
  };
}

/** Choices for the metadata form: tag vocabulary, teams and possible owners. */
export async function publishingChoices(db: Db) {
  const [tagRows, teamRows, ownerRows] = await Promise.all([
    db.select({ id: tags.id, facet: tags.facet, value: tags.value, label: tags.label }).from(tags).orderBy(tags.facet, tags.label),
    db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name),
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(inArray(users.role, ["marketer", "admin"]), eq(users.active, true)))
      .orderBy(users.name),
  ]);
  return { tags: tagRows, teams: teamRows, owners: ownerRows };
}

/** Field-by-field messages for a form, from a zod error. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}

/** The editor's preview; bounded like the stored body. */
export function previewMarkdown(body: string): string {
  if (body.length > 200_000) throw new AppError("payload_too_large", "Messaging is at most 200,000 characters.");
  return renderMarkdown(body);
}
