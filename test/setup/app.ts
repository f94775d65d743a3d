// Helpers for integration tests: a real database per file, an AppContext around it, and data factories.
// Tests call route loaders and actions as functions with real Requests.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { AppContext } from "~/modules/context.server";
import { commitSessionCookie } from "~/modules/auth/guard.server";
import { hashPassword } from "~/modules/auth/password.server";
import { createSession } from "~/modules/auth/session.server";
import type { DbHandle } from "@/db/client";
import { teamLeads, teams, users } from "@/db/schema";
import type { Role } from "@/vocabulary/people";
import { loadEnv, type Env } from "~/env.server";
import { createSearchService } from "@/search/service";
import { createTestDatabase } from "./databases";
import { runTempDir } from "./tmp";

export type TestApp = AppContext & { close(): Promise<void> };

export function testEnv(overrides: Record<string, string> = {}): Env {
  const dataDir = runTempDir("fieldkit-data-");
  // The stand-in push service of test/integration/push.test.ts, and the endpoint Chromium tests give.
  const pushHosts = "127.0.0.1,push.example.test";
  return loadEnv({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    SESSION_SECRET: "test-secret-0123456789abcdef",
    PUSH_SERVICE_HOSTS: pushHosts,
    ...overrides,
  });
}

/** A context on a fresh database of this file's own. Pass `services` to add engines (search, storage…). */
export async function createTestApp(options: { env?: Env; db?: DbHandle } = {}): Promise<TestApp> {
  const dbHandle = options.db ?? (await createTestDatabase());
  const env = options.env ?? testEnv();
  // Search on the Postgres engine, without the background loop: tests drain the outbox with syncNow().
  const search = createSearchService({ db: dbHandle.db });
  return { env, db: dbHandle.db, dbHandle, services: { search }, close: () => dbHandle.close() };
}

// Cheap hashes in tests: the KDF's cost is not what these tests are about.
const TEST_COST = { N: 1024, r: 8, p: 1 };
export const TEST_PASSWORD = "correct horse battery";
let cheapHash: Promise<string> | undefined;

export async function createTeam(app: AppContext, name = `Team ${randomUUID().slice(0, 8)}`, region = "East") {
  const [team] = await app.db.insert(teams).values({ name, region }).returning();
  return team;
}

export async function createUser(
  app: AppContext,
  {
    role = "seller",
    teamId = null,
    leads = [],
    active = true,
    email,
  }: { role?: Role; teamId?: string | null; leads?: string[]; active?: boolean; email?: string } = {},
) {
  cheapHash ??= hashPassword(TEST_PASSWORD, TEST_COST);
  const [user] = await app.db
    .insert(users)
    .values({
      email: email ?? `${role}-${randomUUID()}@test.invalid`,
      name: `Test ${role}`,
      role,
      teamId,
      active,
      passwordHash: await cheapHash,
    })
    .returning();
  if (leads.length) await app.db.insert(teamLeads).values(leads.map((teamId) => ({ userId: user.id, teamId })));
  return user;
}

/** A Cookie header value that signs `userId` in, as the browser would send it. */
export async function cookieFor(app: AppContext, userId: string): Promise<string> {
  const token = await createSession(app.db, userId, "vitest");
  const setCookie = await commitSessionCookie(app, new Request("http://localhost/"), token);
  return setCookie.split(";")[0];
}

/** The demo people by the name before the @ (`marketer`, `admin`…): their ids and a signed-in cookie each. */
export async function demoSignIns(app: AppContext, names: string[]) {
  const id: Record<string, string> = {};
  const cookie: Record<string, string> = {};
  for (const name of names) {
    const [u] = await app.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, `${name}@demo.test`));
    if (!u) throw new Error(`No demo person ${name}@demo.test: seed the demo first.`);
    id[name] = u.id;
    cookie[name] = await cookieFor(app, u.id);
  }
  return { id, cookie };
}

export function request(
  pathname: string,
  /** `form` as pairs where a name repeats (ticked boxes, "Another tag" beside them). */
  init: RequestInit & { cookie?: string; json?: unknown; form?: Record<string, string> | [string, string][] } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("Cookie", init.cookie);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  } else if (init.form) {
    body = new URLSearchParams(init.form);
  }
  const method = init.method ?? (body ? "POST" : "GET");
  return new Request(new URL(pathname, "http://localhost"), { ...init, method, headers, body });
}

/** Remix loaders and actions may return or throw a Response; tests want it either way. */
export async function respond(fn: () => Promise<unknown> | unknown): Promise<Response | unknown> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The status of what an action or loader gave back: a Response, `data(…, { status })`, or a plain value (200). */
export const statusOf = (result: unknown): number => {
  if (result instanceof Response) return result.status;
  const r = result as { type?: string; init?: ResponseInit | null } | null;
  return r?.type === "DataWithResponseInit" ? (r.init?.status ?? 200) : 200;
};

export function routeArgs(app: AppContext, req: Request, params: Record<string, string> = {}) {
  return { request: req, params, context: { app } };
}
