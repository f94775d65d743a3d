// Synonym groups ("MQL" = "marketing qualified lead"), managed by marketers and applied by both engines.
import { asc, eq, sql } from "drizzle-orm";
import { containsPattern } from "@/db/sql";
import { z } from "zod";
import { searchSynonyms } from "@/db/schema";
import { normaliseQuery } from "@/search/query";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { isUuid } from "@/vocabulary/ids";
import { AppError, forbidden } from "~/modules/errors.server";

const MAX_GROUPS = 500;

export const canManageSynonyms = (user: Pick<SessionUser, "role">) => user.role === "marketer" || user.role === "admin";

/** "MQL, marketing qualified lead" → ["mql", "marketing qualified lead"]: comma- or newline-separated terms. */
export const SynonymGroupInput = z
  .string({ message: "Enter at least two terms separated by commas." })
  .max(1_000, "Keep a group under 1,000 characters.")
  .transform((text) => [...new Set(text.split(/[,\n]/).map(normaliseQuery).filter(Boolean))])
  .pipe(
    z
      .array(
        z
          .string()
          .max(80, "Each term is at most 80 characters.")
          .regex(/[\p{L}\p{N}]/u, "A term needs a letter or digit."),
      )
      .min(2, "Enter at least two terms separated by commas.")
      .max(20, "A group has at most 20 terms."),
  );

/** The synonyms page's form: add a group, or delete one. */
export const SynonymAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), terms: SynonymGroupInput }),
  z.object({ intent: z.literal("delete"), id: z.string().max(64) }),
]);

/** The groups, oldest first; with `q`, only those with a term containing it (as typed, any case). */
export async function listSynonyms(ctx: AppContext, user: SessionUser, { q }: { q?: string } = {}) {
  if (!canManageSynonyms(user)) throw forbidden("Only marketers and admins manage synonyms.");
  return ctx.db
    .select({ id: searchSynonyms.id, terms: searchSynonyms.terms, updatedAt: searchSynonyms.updatedAt })
    .from(searchSynonyms)
    .where(q ? sql`exists (select 1 from unnest(${searchSynonyms.terms}) t where t ilike ${containsPattern(q)})` : undefined)
    .orderBy(asc(searchSynonyms.updatedAt));
}

export async function addSynonymGroup(ctx: AppContext, user: SessionUser, terms: string[]) {
  if (!canManageSynonyms(user)) throw forbidden("Only marketers and admins manage synonyms.");
  const existing = await ctx.db.select({ id: searchSynonyms.id }).from(searchSynonyms);
  if (existing.length >= MAX_GROUPS)
    throw new AppError("unprocessable", `There are already ${MAX_GROUPS} synonym groups; remove one first.`);
  const [row] = await ctx.db.insert(searchSynonyms).values({ terms, updatedBy: user.id }).returning();
  await ctx.services.search?.reloadSynonyms();
  return row;
}

export async function deleteSynonymGroup(ctx: AppContext, user: SessionUser, id: string) {
  if (!canManageSynonyms(user)) throw forbidden("Only marketers and admins manage synonyms.");
  // A real id's shape: 36 hyphens passed a looser check, reached the uuid column and answered 500.
  if (!isUuid(id)) throw new AppError("not_found", "That synonym group no longer exists.");
  const deleted = await ctx.db
    .delete(searchSynonyms)
    .where(eq(searchSynonyms.id, id))
    .returning({ id: searchSynonyms.id, terms: searchSynonyms.terms });
  if (deleted.length === 0) throw new AppError("not_found", "That synonym group no longer exists.");
  await ctx.services.search?.reloadSynonyms();
  // What was removed, for the page's Undo (which adds the group again).
  return deleted[0].terms;
}
