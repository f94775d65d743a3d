// API tokens on Me: for the desk roles' scripts, not for sellers — hidden from a seller's page and refused
// by the server even when a seller posts the form by hand. A token is for /api/v1: it does not post a
// page's forms, and it stops when its owner's password changes, or they are deactivated or made a seller.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions } from "@/db/schema";
import { describeAudit } from "~/modules/audit/sentences.server";
import { action as logoutAction } from "~/routes/logout";
import { action as meAction, loader as meLoader } from "~/routes/_app.me";
import { loader as meApi } from "~/routes/api.v1.me";
import { action as userApi } from "~/routes/api.v1.users.$id";
import { TEST_PASSWORD, cookieFor, createTestApp, createUser, request, respond, routeArgs, statusOf, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const load = async (cookie: string) => (await meLoader(routeArgs(app, request("/me", { cookie })) as never)) as any;
const post = (cookie: string, form: Record<string, string>) =>
  respond(() => meAction(routeArgs(app, request("/me", { cookie, form })) as never));

describe("API tokens on Me", () => {
  it("are not offered to a seller, and a seller's hand-made create is refused with 403", async () => {
    const seller = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, seller.id);
    const page = await load(cookie);
    expect(page.canUseTokens).toBe(false);
    expect(page.tokens).toEqual([]);
    const res = (await post(cookie, { intent: "create-token", name: "sneaky" })) as any;
    expect(res.init.status).toBe(403);
    expect(res.data.formError).toMatch(/not available for your role/);
    expect((await load(cookie)).tokens).toEqual([]);
  });

  it("are offered to a marketer, who can create one", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    expect((await load(cookie)).canUseTokens).toBe(true);
    const created = (await post(cookie, { intent: "create-token", name: "CRM sync" })) as any;
    expect(created.created.token).toMatch(/^fk_/);
    expect((await load(cookie)).tokens.map((t: any) => t.name)).toEqual(["CRM sync"]);
  });
});

describe("what a token may do, and when it stops", () => {
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const apiStatus = async (headers: Record<string, string>, cookie?: string) =>
    statusOf(await respond(() => meApi(routeArgs(app, request("/api/v1/me", { headers, cookie })) as never)));
  async function marketerWithToken(role: "marketer" | "manager" | "admin" = "marketer") {
    const person = await createUser(app, { role });
    const cookie = await cookieFor(app, person.id);
    const { token } = ((await post(cookie, { intent: "create-token", name: "CRM sync" })) as any).created as { token: string };
    expect(await apiStatus(bearer(token))).toBe(200);
    return { person, cookie, token };
  }
  const admin = async () => cookieFor(app, (await createUser(app, { role: "admin" })).id);
  const patchUser = async (cookie: string, id: string, json: unknown) =>
    statusOf(
      await respond(() => userApi(routeArgs(app, request(`/api/v1/users/${id}`, { method: "PATCH", cookie, json }), { id }) as never)),
    );
  const auditOf = async (id: string, action: string) =>
    (
      await app.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, id), eq(auditLog.action, action)))
    ).map((r) => describeAudit(r.action, r.details as Record<string, unknown>));

  it("does not post a page's form: a leaked token cannot mint tokens of its own from Me", async () => {
    const { token } = await marketerWithToken();
    const minted = await respond(() =>
      meAction(routeArgs(app, request("/me", { headers: bearer(token), form: { intent: "create-token", name: "minted" } })) as never),
    );
    expect(statusOf(minted)).toBe(403);
    expect(await (minted as Response).text()).toMatch(/API tokens work with \/api\/v1/);
    // Reading a page stays open to a script.
    expect(statusOf(await respond(() => meLoader(routeArgs(app, request("/me", { headers: bearer(token) })) as never)))).toBe(200);
  });

  it("does not sign its owner out everywhere", async () => {
    const { person, token } = await marketerWithToken();
    const live = async () => (await app.db.select().from(sessions).where(eq(sessions.userId, person.id))).length;
    const before = await live();
    expect(before).toBeGreaterThan(0);
    await respond(() =>
      logoutAction(routeArgs(app, request("/logout", { headers: bearer(token), form: { everywhere: "true" } })) as never),
    );
    expect(await live()).toBe(before);
  });

  it("signs in by its token or not at all when the header says Bearer, never by the cookie beside it", async () => {
    const { cookie } = await marketerWithToken();
    expect(await apiStatus({}, cookie)).toBe(200);
    expect(await apiStatus({ Authorization: "Bearer x" }, cookie)).toBe(401);
    // A proxy's basic auth in front of the app is not ours: the cookie still signs in.
    expect(await apiStatus({ Authorization: "Basic dXNlcjpwYXNz" }, cookie)).toBe(200);
  });

  it("is revoked when its owner changes their password on Me, and Me and the audit log say so", async () => {
    const { person, cookie, token } = await marketerWithToken();
    const changed = (await post(cookie, { intent: "change-password", current: TEST_PASSWORD, password: "a brand new password" })) as any;
    expect(changed).toMatchObject({ passwordChanged: true, apiTokensRevoked: 1 });
    expect(await apiStatus(bearer(token))).toBe(401);
    expect((await load(cookie)).tokens).toEqual([]);
    expect(await auditOf(person.id, "user.password_changed")).toEqual(["Password changed by the account's owner; 1 API token revoked"]);
  });

  it("is revoked on deactivation, so reactivating the account does not bring it back", async () => {
    const { person, token } = await marketerWithToken();
    const cookie = await admin();
    expect(await patchUser(cookie, person.id, { active: false })).toBe(200);
    expect(await apiStatus(bearer(token))).toBe(401);
    expect(await patchUser(cookie, person.id, { active: true })).toBe(200);
    expect(await apiStatus(bearer(token))).toBe(401);
    expect(await auditOf(person.id, "user.deactivated")).toEqual(["Account deactivated: cannot sign in; 1 API token revoked"]);
  });

  it("stops when its owner becomes a seller, and stays revoked when they become a marketer again", async () => {
    const { person, token } = await marketerWithToken("manager");
    const cookie = await admin();
    expect(await patchUser(cookie, person.id, { role: "seller" })).toBe(200);
    expect(await apiStatus(bearer(token))).toBe(401);
    expect(await patchUser(cookie, person.id, { role: "marketer" })).toBe(200);
    expect(await apiStatus(bearer(token))).toBe(401);
    expect(await auditOf(person.id, "user.role_changed")).toContain("Role: Manager → Seller; 1 API token revoked");
  });
});
