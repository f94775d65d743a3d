// An item's tags, audience teams and owner as the publishing forms name them: resolved and checked
// before anything is written, and written together.
import { and, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { containsPattern, startsWithPattern } from "@/db/sql";
import { itemAudiences, itemTags, tags, teams, users } from "@/db/schema";
import { isUuid } from "@/vocabulary/ids";
import { FACET_LABEL } from "@/vocabulary/library";
import { AppError } from "~/modules/errors.server";

/**
 * Tags by id, by `facet:value`, or by label (any case), as a form's "Another tag" field sends one; unknown
 * ones are a 422 that names them. A label two groups share names neither: the form's chips pick one.
 */
export async function resolveTags(db: Db, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const ids = refs.filter(isUuid);
  const others = refs.filter((r) => !isUuid(r));
  const rows = await db
    .select({ id: tags.id, facet: tags.facet, value: tags.value, label: tags.label })
    .from(tags)
    .where(
      or(
        ids.length ? inArray(tags.id, ids) : undefined,
        others.length ? inArray(sql`${tags.facet} || ':' || ${tags.value}`, others) : undefined,
        others.length
          ? inArray(
              sql`lower(${tags.label})`,
              others.map((o) => o.toLowerCase()),
            )
          : undefined,
      ),
    );
  const found = new Set<string>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const id of ids) {
    if (rows.some((t) => t.id === id)) found.add(id);
    else unknown.push(id);
  }
  for (const ref of others) {
    const byKey = rows.find((t) => `${t.facet}:${t.value}` === ref);
    const byLabel = rows.filter((t) => t.label.toLowerCase() === ref.toLowerCase());
    if (byKey) found.add(byKey.id);
    else if (byLabel.length === 1) found.add(byLabel[0].id);
    else if (byLabel.length > 1) ambiguous.push(`“${ref}” (${byLabel.map((t) => FACET_LABEL[t.facet] ?? t.facet).join(", ")})`);
    else unknown.push(ref);
  }
  if (unknown.length) {
    throw new AppError("unprocessable", `Unknown tags: ${unknown.join(", ")}. Tags are managed by admins.`, { tags: unknown });
  }
  if (ambiguous.length) {
    throw new AppError("unprocessable", `More than one group has a tag named ${ambiguous.join(" and ")}: tick the one you mean.`, {
      tags: ambiguous,
    });
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

/** A tag group this size or smaller shows every tag as a chip on the metadata form. */
export const CHIPS_PER_GROUP = 40;
/** A larger group (one tag per customer account, say) shows its most used, and the tags already chosen. */
export const MOST_USED_SHOWN = 15;

/**
 * Choices for the metadata form: tag vocabulary, teams and possible owners. A group of thousands of tags
 * drew thousands of checkboxes on every publish and edit form; past CHIPS_PER_GROUP it offers its most
 * used and `chosen` (the item's own), and `more` says how many others a name typed in "Another tag" finds.
 */
export async function publishingChoices(db: Db, { chosen = [] }: { chosen?: string[] } = {}) {
  const mine = chosen.filter(isUuid);
  const [tagRows, teamRows, ownerRows] = await Promise.all([
    db.execute(sql`
      with used as (
        select t.id, t.facet, t.value, t.label, count(it.item_id) as uses
        from ${tags} t left join ${itemTags} it on it.tag_id = t.id group by t.id
      ), ranked as (
        select used.*, count(*) over (partition by facet)::int as in_group,
          row_number() over (partition by facet order by uses desc, lower(label), id) as rank
        from used
      )
      select id, facet, value, label, in_group as "inGroup" from ranked
      where in_group <= ${CHIPS_PER_GROUP} or rank <= ${MOST_USED_SHOWN}
        ${
          mine.length
            ? sql`or id in (${sql.join(
                mine.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`
            : sql``
        }
      order by facet, lower(label), id`),
    db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name),
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(inArray(users.role, ["marketer", "admin"]), eq(users.active, true)))
      .orderBy(users.name),
  ]);
  const shown = rowsOf<{ id: string; facet: string; value: string; label: string; inGroup: number }>(tagRows);
  const more: Record<string, number> = {};
  for (const t of shown) more[t.facet] = Number(t.inGroup) - shown.filter((s) => s.facet === t.facet).length;
  return { tags: shown.map(({ inGroup: _, ...t }) => t), more, teams: teamRows, owners: ownerRows };
}

/** Tags whose name holds `q`, those starting with it first: the metadata form's suggestions for "Another tag". */
export async function suggestTags(db: Db, q: string, limit = 20): Promise<{ label: string; group: string }[]> {
  const term = q.trim().slice(0, 120);
  if (term.length < 2) return [];
  const rows = await db
    .select({ facet: tags.facet, label: tags.label })
    .from(tags)
    .where(ilike(tags.label, containsPattern(term)))
    .orderBy(sql`${tags.label} ilike ${startsWithPattern(term)} desc`, sql`lower(${tags.label})`, tags.facet, tags.id)
    .limit(limit);
  return rows.map((r) => ({ label: r.label, group: FACET_LABEL[r.facet] ?? r.facet }));
}
