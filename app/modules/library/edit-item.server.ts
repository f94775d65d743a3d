// Editing an item's metadata under an optimistic lock; editing a message's body adds a version.
import { and, desc, eq, sql } from "drizzle-orm";
import { markdownToText } from "@/content/markdown";
import { sha256 } from "@/content/storage";
import type { Db } from "@/db/client";
import { itemAudiences, itemTags, itemVersions, items, tags, users } from "@/db/schema";
import { queueSearchSync } from "@/search/outbox";
import { isUuid } from "@/vocabulary/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError, notFound } from "~/modules/errors.server";
import { requirePublisher } from "./publisher.server";
import { withdrawScheduledApproval } from "./lifecycle.server";
import { isMessagingType, type UpdateInput } from "./publishing-input.server";
import { audienceOf, checkOwner, checkTeams, resolveTags, setTagsAndAudiences } from "./tags-audiences.server";
import { notifyItemUpdated } from "~/modules/notifications/producers.server";

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
    // A saved title or type is the marketer's: extraction no longer replaces it (see applyFileFacts).
    if (input.title !== undefined) [set.title, set.titleDefault] = [input.title, null];
    if (input.summary !== undefined) set.summary = input.summary;
    if (input.type !== undefined) [set.type, set.typeDefault] = [input.type, null];
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
      const ids = (list: { id: string }[]) =>
        list
          .map((t) => t.id)
          .sort()
          .join();
      if (ids(audienceBefore) !== ids(audienceAfter)) {
        await recordAudit(tx, {
          actor: user,
          action: "item.audience_changed",
          targetType: "item",
          targetId: itemId,
          details: { title, from: audienceBefore, to: audienceAfter },
        });
      }
    }
    if (input.expiresAt !== undefined && (input.expiresAt?.getTime() ?? null) !== (existing.expiresAt?.getTime() ?? null)) {
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      await recordAudit(tx, {
        actor: user,
        action: "item.expiry_changed",
        targetType: "item",
        targetId: itemId,
        details: { title, from: iso(existing.expiresAt), to: iso(input.expiresAt) },
      });
    }
    if (input.ownerId && input.ownerId !== existing.ownerId) {
      const names = await tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(sql`${users.id} in (${input.ownerId}::uuid, ${existing.ownerId}::uuid)`);
      const person = (id: string | null) => (id ? { id, name: names.find((n) => n.id === id)?.name ?? null } : null);
      await recordAudit(tx, {
        actor: user,
        action: "item.owner_changed",
        targetType: "item",
        targetId: itemId,
        details: { title, from: person(existing.ownerId), to: person(input.ownerId) },
      });
    }
    if (input.verified) {
      await recordAudit(tx, { actor: user, action: "item.verified", targetType: "item", targetId: itemId, details: { title } });
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
        await recordAudit(tx, {
          actor: user,
          action: "item.version_added",
          targetType: "item",
          targetId: itemId,
          details: { title, version: number, changelog },
        });
        await notifyItemUpdated(tx, { itemId, number, changelog, actorId: user.id });
        await withdrawScheduledApproval(tx as unknown as Db, itemId);
      }
    }
    await queueSearchSync(tx, [itemId]);
  });
}
