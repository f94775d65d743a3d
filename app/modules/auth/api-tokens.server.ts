// Personal API tokens: created and revoked by their owner, shown once, stored as a hash,
// and acting with the owner's current role (a demoted user's tokens are demoted too).
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { AppError, notFound } from "~/modules/errors.server";
import type { SessionUser } from "./session.server";
import { hashToken, newToken } from "./tokens.server";

const MAX_ACTIVE_TOKENS = 20;
export const NewTokenInput = z.object({ name: z.string().trim().min(1, "Give the token a name.").max(80) });

/** Tokens are for scripts and integrations of the desk roles; a seller works in the app (and its offline store). */
export const mayUseApiTokens = (user: Pick<SessionUser, "role">) => user.role !== "seller";

/** Every live token of a person: a reset or change of password, deactivation, a move to seller. Returns how many. */
export async function revokeAllApiTokens(db: Db, userId: string): Promise<number> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length;
}

export async function listApiTokens(db: Db, { user }: { user: SessionUser }) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Returns the plain token: the only time anyone sees it. */
export async function createApiToken(db: Db, { user, input }: { user: SessionUser; input: unknown }) {
  const { name } = NewTokenInput.parse(input);
  const active = await listApiTokens(db, { user });
  if (active.length >= MAX_ACTIVE_TOKENS) {
    throw new AppError("unprocessable", `You already have ${MAX_ACTIVE_TOKENS} tokens. Revoke one first.`);
  }
  const token = newToken("fk_");
  const [row] = await db
    .insert(apiTokens)
    .values({ userId: user.id, name, tokenHash: hashToken(token) })
    .returning({ id: apiTokens.id, name: apiTokens.name });
  await recordAudit(db, { actor: user, action: "token.created", targetType: "token", targetId: row.id, details: { name } });
  return { ...row, token };
}

export async function revokeApiToken(db: Db, { user, id }: { user: SessionUser; id: string }) {
  if (!z.uuid().safeParse(id).success) throw notFound("No such token.");
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (!row) throw notFound("No such token.");
  await recordAudit(db, { actor: user, action: "token.revoked", targetType: "token", targetId: row.id });
}
