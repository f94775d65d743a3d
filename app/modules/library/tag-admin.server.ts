// The tag vocabulary as admins manage it: add, relabel, merge and delete tags. The value is the stable
// key (search filters, API clients and saved links name tags by `facet:value`), so a rename changes
// the label only; see docs/decisions/028-tag-management.md. Every change that reaches items re-queues
// them for search and bumps them for offline devices in the same transaction.
import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { lockKey } from "@/db/advisory-lock";
import type { Db } from "@/db/client";
import { itemTags, items, tags } from "@/db/schema";
import { queueSearchSyncOf } from "@/search/outbox";
import { FACETS, FACET_LABEL, TAGS_PER_PAGE, type TagSort } from "@/vocabulary/library";
import type { SessionUser } from "~/modules/auth/session.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";

function requireAdmin(actor: SessionUser) {
  if (actor.role !== "admin") throw forbidden("Only admins manage tags.");
}

const label = z.string().trim().min(1, "Enter a label.").max(80, "Keep a label under 80 characters.");
const tagId = (message: string) => z.uuid(message);

export const NewTagInput = z.object({
  facet: z.enum(FACETS, { message: "Choose a tag group." }),
  value: z
    .string()
    .trim()
    .toLowerCase()
    .max(60, "Keep the key under 60 characters.")
    .regex(/^[a-z0-9][a-z0-9-]*$/, "The key uses lowercase letters, digits and hyphens, e.g. “retail-banking”."),
  label,
});
export const RenameTagInput = z.object({ tagId: tagId("Choose a tag."), label });
/** The tag kept is named by id (the API) or by its key within the group (the page's typed or picked key). */
export const MergeTagInput = z
  .object({
    fromId: tagId("Choose the tag to merge."),
    intoId: tagId("Choose the tag to merge into.").optional(),
    intoKey: z.string().trim().toLowerCase().max(60).optional(),
  })
  .refine((d) => d.intoId || d.intoKey, "Enter the key of the tag to merge into.");
export const DeleteTagInput = z.object({ tagId: tagId("Choose a tag.") });

export type TagRow = { id: string; facet: string; value: string; label: string; items: number };

const bySort: Record<TagSort, (a: TagRow, b: TagRow) => number> = {
  label: () => 0,
  most: (a, b) => b.items - a.items,
  fewest: (a, b) => a.items - b.items,
};

/**
 * Every facet (empty ones too, so a tag can be added to them), with one page of its tags, filtered and
 * sorted, and how many items carry each. `pages` names a page per facet (the groups page apart).
 * NOTE: every tag is read: each group's merge field offers all of the group's keys.
 */
export async function listTagGroups(
  db: Db,
  {
    actor,
    q = "",
    sort = "label",
    pages = {},
  }: { actor: SessionUser; q?: string; sort?: TagSort; pages?: Partial<Record<string, number>> },
) {
  requireAdmin(actor);
  const needle = q.trim().toLowerCase().slice(0, 80);
  const rows: TagRow[] = await db
    .select({ id: tags.id, facet: tags.facet, value: tags.value, label: tags.label, items: count(itemTags.itemId) })
    .from(tags)
    .leftJoin(itemTags, eq(itemTags.tagId, tags.id))
    .groupBy(tags.id)
    .orderBy(asc(tags.facet), asc(tags.label), asc(tags.value));
  // A stable sort of a copy of the rows, which stay in label order (ties keep it, and so do the merge lists).
  const shown = (needle ? rows.filter((t) => `${t.label} ${t.value}`.toLowerCase().includes(needle)) : [...rows]).sort(bySort[sort]);
  return FACETS.map((facet) => {
    const matching = shown.filter((t) => t.facet === facet);
    const pageCount = Math.max(1, Math.ceil(matching.length / TAGS_PER_PAGE));
    const page = Math.min(Math.max(1, Math.trunc(pages[facet] ?? 1) || 1), pageCount);
    return {
      facet,
      label: FACET_LABEL[facet] ?? facet,
      tags: matching.slice((page - 1) * TAGS_PER_PAGE, page * TAGS_PER_PAGE),
      /** How many of the group's tags match the filter, on every page. */
      matching: matching.length,
      page,
      pages: pageCount,
      /** Every tag of the group, filtered or not: the possible merge targets. */
      all: rows.filter((t) => t.facet === facet),
    };
  });
}

async function findTag(db: Db, id: string) {
  const [tag] = await db.select().from(tags).where(eq(tags.id, id));
  if (!tag) throw notFound("That tag no longer exists. Reload the page.");
  return tag;
}

async function findTagByKey(db: Db, facet: (typeof tags.$inferSelect)["facet"], key: string) {
  const [tag] = await db
    .select()
    .from(tags)
    .where(and(eq(tags.facet, facet), eq(tags.value, key)));
  if (!tag) throw new AppError("unprocessable", `No tag in this group has the key “${key}”. Pick one from the list.`);
  return tag;
}

/**
 * Items carrying the tag changed in a way sellers and search must learn about; returns how many. In
 * SQL, by the tag: the ids read into the server and sent back as parameters broke past 32,767 items
 * (two per row in a merge) and 65,535 (one per id), so a tag on every item of a big library could not
 * be renamed or merged at all.
 */
async function touchItemsTagged(tx: Db, tagId: string): Promise<number> {
  const tagged = sql`select ${itemTags.itemId} from ${itemTags} where ${itemTags.tagId} = ${tagId}`;
  const touched = await tx
    .update(items)
    .set({ updatedAt: sql`now()` })
    .where(sql`${items.id} in (${tagged})`)
    .returning({ id: items.id });
  await queueSearchSyncOf(tx, tagged);
  return touched.length;
}

/**
 * A name is how people find a tag once a group is too big to tick (resolveTags): two in one group named
 * alike made that name ambiguous for good, with nothing to tick instead. Under a lock on the group.
 */
async function refuseNameTaken(tx: Db, facet: (typeof FACETS)[number], label: string, except?: string) {
  await lockKey(tx, `tag-names:${facet}`);
  const [taken] = await tx
    .select({ value: tags.value })
    .from(tags)
    .where(and(eq(tags.facet, facet), sql`lower(${tags.label}) = lower(${label})`, except ? ne(tags.id, except) : undefined))
    .limit(1);
  if (taken) {
    throw new AppError(
      "conflict",
      `${FACET_LABEL[facet]} already has a tag named “${label}” (key “${taken.value}”): merge into it instead.`,
    );
  }
}

export async function createTag(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = NewTagInput.parse(input);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await refuseNameTaken(tx, data.facet, data.label);
    const [row] = await tx.insert(tags).values(data).onConflictDoNothing().returning();
    if (!row) throw new AppError("conflict", `${FACET_LABEL[data.facet]} already has a tag with the key “${data.value}”.`);
    await recordAudit(tx, { actor, action: "tag.created", targetType: "tag", targetId: row.id, details: data });
    return row;
  });
}

export async function renameTag(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = RenameTagInput.parse(input);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const tag = await findTag(tx, data.tagId);
    if (tag.label === data.label) return tag;
    await refuseNameTaken(tx, tag.facet, data.label, tag.id);
    await tx.update(tags).set({ label: data.label }).where(eq(tags.id, tag.id));
    // Labels are searchable and shown on sellers' devices, so every tagged item is re-sent.
    await touchItemsTagged(tx, tag.id);
    await recordAudit(tx, {
      actor,
      action: "tag.renamed",
      targetType: "tag",
      targetId: tag.id,
      details: { facet: tag.facet, value: tag.value, from: tag.label, to: data.label },
    });
    return { ...tag, label: data.label };
  });
}

/** Every item tagged `from` gets `into` (once), then `from` is gone; returns how many items moved. */
export async function mergeTags(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = MergeTagInput.parse(input);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const from = await findTag(tx, data.fromId);
    const into = data.intoId ? await findTag(tx, data.intoId) : await findTagByKey(tx, from.facet, data.intoKey ?? "");
    if (from.id === into.id) throw new AppError("unprocessable", "Choose two different tags to merge.");
    if (from.facet !== into.facet) {
      throw new AppError("unprocessable", "Merge tags within one group; to move a tag to another group, add it there and merge.");
    }
    await tx.execute(sql`insert into ${itemTags} (item_id, tag_id)
      select ${itemTags.itemId}, ${into.id}::uuid from ${itemTags} where ${itemTags.tagId} = ${from.id}
      on conflict do nothing`);
    // Before the tag goes (its rows go with it): the items that carried it.
    const moved = await touchItemsTagged(tx, from.id);
    await tx.delete(tags).where(eq(tags.id, from.id));
    await recordAudit(tx, {
      actor,
      action: "tag.merged",
      targetType: "tag",
      targetId: into.id,
      details: {
        facet: from.facet,
        from: { id: from.id, value: from.value, label: from.label },
        into: { value: into.value, label: into.label },
        items: moved,
      },
    });
    return { from, into, items: moved };
  });
}

/** Only a tag no item carries: deleting a used one would silently untag content (merge it instead). */
export async function deleteTag(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = DeleteTagInput.parse(input);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const tag = await findTag(tx, data.tagId);
    const [{ n }] = await tx.select({ n: count() }).from(itemTags).where(eq(itemTags.tagId, tag.id));
    if (n > 0) {
      throw new AppError("conflict", `“${tag.label}” is on ${n} item${n === 1 ? "" : "s"}; merge it into another tag instead.`);
    }
    await tx.delete(tags).where(eq(tags.id, tag.id));
    await recordAudit(tx, {
      actor,
      action: "tag.deleted",
      targetType: "tag",
      targetId: tag.id,
      details: { facet: tag.facet, value: tag.value, label: tag.label },
    });
    return tag;
  });
}
