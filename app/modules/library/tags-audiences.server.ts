// An item's tags, audience teams and owner as the publishing forms name them: resolved and checked
// before anything is written, and written together.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemAudiences, itemTags, tags, teams, users } from "@/db/schema";
import { isUuid } from "@/vocabulary/ids";
import { AppError } from "~/modules/errors.server";

/** Tags by id or by `facet:value`; unknown ones are a 422 that names them. */
export async function resolveTags(db: Db, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const ids = refs.filter(isUuid);
  const pairs = refs.filter((r) => !isUuid(r)).map((r) => r.split(":") as [string, string]);
  const all = await db.select({ id: tags.id, facet: tags.facet, value: tags.value }).from(tags);
  const found = new Set<string>();
  const unknown: string[] = [];
  for (const id of ids) {
    if (all.some((t) => t.id === id)) found.add(id);
    else unknown.push(id);
  }
  for (const [facet, value] of pairs) {
    const tag = all.find((t) => t.facet === facet && t.value === value);
    if (tag) found.add(tag.id);
    else unknown.push(`${facet}:${value ?? ""}`);
  }
  if (unknown.length) {
    throw new AppError("unprocessable", `Unknown tags: ${unknown.join(", ")}. Tags are managed by admins.`, { tags: unknown });
  }
  return [...found];
}

export async function checkTeams(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rows = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, unique));
  if (rows.length !== unique.length) {
    throw new AppError("unprocessable", "One of the chosen audience teams does not exist any more. Reload and choose again.");
  }
  return unique;
}

export async function checkOwner(db: Db, ownerId: string | null | undefined) {
  if (!ownerId) return;
  const [owner] = await db.select({ role: users.role, active: users.active }).from(users).where(eq(users.id, ownerId));
  if (!owner || !owner.active || (owner.role !== "marketer" && owner.role !== "admin")) {
    throw new AppError("unprocessable", "The owner must be an active marketer or admin.");
  }
}

export async function setTagsAndAudiences(tx: Db, itemId: string, tagIds: string[] | undefined, teamIds: string[] | undefined) {
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
export async function audienceOf(tx: Db, itemId: string) {
  return tx
    .select({ id: teams.id, name: teams.name })
    .from(itemAudiences)
    .innerJoin(teams, eq(teams.id, itemAudiences.teamId))
    .where(eq(itemAudiences.itemId, itemId))
    .orderBy(teams.name, teams.id);
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
