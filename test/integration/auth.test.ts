import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as previewAction } from "~/routes/_app.publish.preview";
import { action as sessionApi } from "~/routes/api.v1.session";
import { loader as meApi } from "~/routes/api.v1.me";
import { loader as adminLoader, action as adminAction } from "~/routes/_app.admin._index";
import { loader as appLoader } from "~/routes/_app";
import { loginAttempts, sessions, users } from "@/db/schema";
import { LOCKOUT_AFTER } from "~/modules/auth/session.server";
import { TEST_PASSWORD, createTeam, createTestApp, createUser, cookieFor, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const login = (form: Record<string, string>) =>
  respond(() => loginAction(routeArgs(app, request("/login", { form })) as never)) as Promise<Response>;
const apiLogin = (json: unknown) =>
  sessionApi(routeArgs(app, request("/api/v1/session", { method: "POST", json })) as never) as Promise<Response>;

describe("sign-in form", () => {
  it("signs a seller in and redirects to the seller home with an HttpOnly SameSite=Lax cookie", async () => {
    const user = await createUser(app, { role: "seller" });
    const res = await login({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/home");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it("marks the cookie Secure when reached over HTTPS", async () => {
    const user = await createUser(app, { role: "marketer" });
    const req = request("/login", { form: { email: user.email, password: TEST_PASSWORD }, headers: { "X-Forwarded-Proto": "https" } });
    const res = (await respond(() => loginAction(routeArgs(app, req) as never))) as Response;
    expect(res.headers.get("Location")).toBe("/library");
    expect(res.headers.get("Set-Cookie")).toMatch(/Secure/);
  });

  it("follows a same-site redirectTo but never an off-site one", async () => {
    const user = await createUser(app, { role: "seller" });
    const ok = await login({ email: user.email, password: TEST_PASSWORD, redirectTo: "/items/abc?x=1" });
    expect(ok.headers.get("Location")).toBe("/items/abc?x=1");
    for (const evil of ["//evil.test/x", "https://evil.test", "/\\evil.test"]) {
      const res = await login({ email: user.email, password: TEST_PASSWORD, redirectTo: evil });
      expect(res.headers.get("Location")).toBe("/home");
    }
  });

  it("gives the same generic error for a wrong password and an unknown email", async () => {
    const user = await createUser(app, { role: "seller" });
    const wrong = (await loginAction(routeArgs(app, request("/login", { form: { email: user.email, password: "nope" } })) as never)) as any;
    const unknown = (await loginAction(
      routeArgs(app, request("/login", { form: { email: "nobody@test.invalid", password: "nope" } })) as never,
    )) as any;
    expect(wrong.init.status).toBe(401);
    expect(unknown.init.status).toBe(401);
    expect(wrong.data.formError).toBe("Email or password is incorrect.");
    expect(unknown.data.formError).toBe(wrong.data.formError);
  });

  it("answers missing fields, a 10 kB password and SQL in the email with a 400, not a 500", async () => {
    const cases = [
      {},
      { email: "", password: "" },
      { email: "a@b.test", password: "x".repeat(10_000) },
      { email: "' OR 1=1; DROP TABLE users; --", password: "x" },
    ];
    for (const form of cases) {
      const res = (await loginAction(routeArgs(app, request("/login", { form: form as Record<string, string> })) as never)) as any;
      expect(res.init.status).toBe(400);
    }
    expect((await app.db.select().from(users)).length).toBeGreaterThan(0);
  });

  it("answers a sign-in post over 1 MB with a 413 after reading no more than that", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 100_000_000) return controller.close();
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(97));
      },
    });
    const req = request("/login", {
      method: "POST",
      body,
      duplex: "half",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    } as never);
    const res = (await respond(() => loginAction(routeArgs(app, req) as never))) as Response;
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(1_300_000);
  });

  it("refuses a deactivated account with the generic error", async () => {
    const user = await createUser(app, { role: "seller", active: false });
    const res = (await loginAction(
      routeArgs(app, request("/login", { form: { email: user.email, password: TEST_PASSWORD } })) as never,
    )) as any;
    expect(res.init.status).toBe(401);
  });

  it("locks an email out with 429 after ten failures in fifteen minutes", async () => {
    const user = await createUser(app, { role: "seller" });
    for (let i = 0; i < 10; i++) {
      const res = (await loginAction(routeArgs(app, request("/login", { form: { email: user.email, password: "bad" } })) as never)) as any;
      expect(res.init.status).toBe(401);
    }
    const locked = (await loginAction(
      routeArgs(app, request("/login", { form: { email: user.email, password: TEST_PASSWORD } })) as never,
    )) as any;
    expect(locked.init.status).toBe(429);
  });

  it("locks out the client that guessed, not the owner elsewhere; many clients, or one client over many addresses, are stopped too", async () => {
    const from = (clientAddress: string, email: string, password: string) =>
      loginAction(routeArgs({ ...app, clientAddress } as TestApp, request("/login", { form: { email, password } })) as never).then(
        (r) => ((r as Response).status === 302 ? 302 : (r as any).init.status) as number,
      );
    const owner = await createUser(app, { role: "admin" });
    for (let i = 0; i < LOCKOUT_AFTER.addressFromClient; i++) expect(await from("203.0.113.9", owner.email, "bad")).toBe(401);
    expect(await from("203.0.113.9", owner.email, TEST_PASSWORD)).toBe(429);
    expect(await from("198.51.100.1", owner.email, TEST_PASSWORD)).toBe(302);

    // Failures written as sign-ins write them (the loop above shows that path), without hashing 150 guesses.
    const failures = (rows: { email: string; client: string }[]) => app.db.insert(loginAttempts).values(rows);
    // Guesses at one address spread over many clients: after LOCKOUT_AFTER.address, nobody gets in for a while.
    const spread = await createUser(app, { role: "seller" });
    await failures(Array.from({ length: LOCKOUT_AFTER.address - 1 }, (_, i) => ({ email: spread.email, client: `192.0.2.${i % 250}` })));
    expect(await from("192.0.2.251", spread.email, "bad")).toBe(401);
    expect(await from("198.51.100.1", spread.email, TEST_PASSWORD)).toBe(429);

    // One client, a few guesses at each of many addresses.
    const sprayer = "203.0.113.77";
    await failures(Array.from({ length: LOCKOUT_AFTER.client - 1 }, (_, i) => ({ email: `nobody-${i}@example.test`, client: sprayer })));
    expect(await from(sprayer, "nobody-else@example.test", "bad")).toBe(401);
    const victim = await createUser(app, { role: "seller" });
    expect(await from(sprayer, victim.email, TEST_PASSWORD)).toBe(429);
    expect(await from("198.51.100.2", victim.email, TEST_PASSWORD)).toBe(302);
  });

  it("lets no more than ten guesses through when a hundred arrive at once", async () => {
    const user = await createUser(app, { role: "seller" });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        loginAction(routeArgs(app, request("/login", { form: { email: user.email, password: `guess-${i}` } })) as never).then(
          (r) => (r as any).init.status as number,
        ),
      ),
    );
    expect(answers.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(90);
    const right = (await loginAction(
      routeArgs(app, request("/login", { form: { email: user.email, password: TEST_PASSWORD } })) as never,
    )) as any;
    expect(right.init.status).toBe(429);
  });

  it("sends a signed-in visitor of /login to their home", async () => {
    const user = await createUser(app, { role: "manager" });
    const cookie = await cookieFor(app, user.id);
    const res = (await respond(() => loginLoader(routeArgs(app, request("/login", { cookie })) as never))) as Response;
    expect(res.headers.get("Location")).toBe("/insights");
  });
});

describe("sessions", () => {
  it("sends an anonymous visitor to sign in, keeping where they were going", async () => {
    const res = (await respond(() => appLoader(routeArgs(app, request("/items/1?x=2")) as never))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fitems%2F1%3Fx%3D2");
    // A first visit is not told that a session ended.
    expect(res.headers.get("Location")).not.toContain("ended");
  });

  it("treats an expired session as signed out", async () => {
    const user = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, user.id);
    await app.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, user.id));
    const res = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie })) as never))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fhome&ended=1");
  });

  it("brings a form post whose session ended back to the page the form was on, never to another site", async () => {
    const user = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, user.id);
    await app.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, user.id));
    const post = (referer?: string) =>
      respond(() =>
        previewAction(
          routeArgs(
            app,
            request("/publish/preview", { cookie, form: { body: "x" }, headers: referer ? { Referer: referer } : {} }),
          ) as never,
        ),
      ) as Promise<Response>;
    // The editor's live preview posts to an action with no page: sign-in leads back to the editor.
    expect((await post("http://localhost/publish/message?from=library")).headers.get("Location")).toBe(
      "/login?redirectTo=%2Fpublish%2Fmessage%3Ffrom%3Dlibrary&ended=1",
    );
    expect((await post("https://evil.test/publish/message")).headers.get("Location")).toBe(
      "/login?redirectTo=%2Fpublish%2Fpreview&ended=1",
    );
    expect((await post()).headers.get("Location")).toBe("/login?redirectTo=%2Fpublish%2Fpreview&ended=1");
    expect((await post("not a url")).headers.get("Location")).toBe("/login?redirectTo=%2Fpublish%2Fpreview&ended=1");
  });

  it("revokes the session at once on sign-out", async () => {
    const user = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, user.id);
    await logoutAction(routeArgs(app, request("/logout", { cookie, form: {} })) as never);
    const res = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie })) as never))) as Response;
    expect(res.status).toBe(302);
  });

  it("signs out every device with 'everywhere'", async () => {
    const user = await createUser(app, { role: "seller" });
    const phone = await cookieFor(app, user.id);
    const laptop = await cookieFor(app, user.id);
    await logoutAction(routeArgs(app, request("/logout", { cookie: phone, form: { everywhere: "true" } })) as never);
    const res = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie: laptop })) as never))) as Response;
    expect(res.status).toBe(302);
  });

  it("rejects a tampered cookie", async () => {
    const user = await createUser(app, { role: "seller" });
    const cookie = (await cookieFor(app, user.id)).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const res = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie })) as never))) as Response;
    expect(res.status).toBe(302);
  });
});

describe("/api/v1/session and /api/v1/me", () => {
  it("signs in with JSON and returns the contract's user shape", async () => {
    const team = await createTeam(app);
    const user = await createUser(app, { role: "seller", teamId: team.id });
    const res = await apiLogin({ email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: user.id, email: user.email, name: user.name, role: "seller", teamId: team.id } });
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
    const me = await meApi(routeArgs(app, request("/api/v1/me", { cookie })) as never);
    expect(((await me.json()) as any).user.id).toBe(user.id);
  });

  it("answers bad credentials, bad JSON, wrong content type and missing fields with the JSON error shape", async () => {
    const user = await createUser(app);
    const wrong = await apiLogin({ email: user.email, password: "wrong" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: "unauthorized", message: "Email or password is incorrect." } });

    const missing = await apiLogin({});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.code).toBe("bad_request");

    const notJson = await sessionApi(
      routeArgs(
        app,
        request("/api/v1/session", { method: "POST", body: "{oops", headers: { "Content-Type": "application/json" } }),
      ) as never,
    );
    expect(notJson.status).toBe(400);
    const form = await sessionApi(routeArgs(app, request("/api/v1/session", { form: { email: "a" } })) as never);
    expect(form.status).toBe(415);
  });

  it("signs out with DELETE and the cookie stops working", async () => {
    const user = await createUser(app);
    const res = await apiLogin({ email: user.email, password: TEST_PASSWORD });
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
    const del = await sessionApi(routeArgs(app, request("/api/v1/session", { method: "DELETE", cookie })) as never);
    expect(del.status).toBe(204);
    const me = await meApi(routeArgs(app, request("/api/v1/me", { cookie })) as never);
    expect(me.status).toBe(401);
  });

  it("answers /me without credentials with 401", async () => {
    const me = await meApi(routeArgs(app, request("/api/v1/me")) as never);
    expect(me.status).toBe(401);
  });
});

describe("admin screens", () => {
  it("gives a seller 403 on the admin page and its actions", async () => {
    const seller = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, seller.id);
    const page = (await respond(() => adminLoader(routeArgs(app, request("/admin", { cookie })) as never))) as Response;
    expect(page.status).toBe(403);
    const act = (await respond(() =>
      adminAction(
        routeArgs(
          app,
          request("/admin", {
            cookie,
            form: { intent: "create-user", email: "x@y.test", name: "X", role: "admin", password: "0123456789" },
          }),
        ) as never,
      ),
    )) as Response;
    expect(act.status).toBe(403);
    const [created] = await app.db.select().from(users).where(eq(users.email, "x@y.test"));
    expect(created).toBeUndefined();
  });

  it("lets an admin create a user, assign a team, and deactivate them (their sessions end)", async () => {
    const admin = await createUser(app, { role: "admin" });
    const team = await createTeam(app);
    const cookie = await cookieFor(app, admin.id);
    const email = `new-${Date.now()}@test.invalid`;
    const created = (await adminAction(
      routeArgs(
        app,
        request("/admin", {
          cookie,
          form: { intent: "create-user", email, name: "New Person", role: "seller", teamId: team.id, password: "a-long-password" },
        }),
      ) as never,
    )) as any;
    expect(created.ok).toMatch(/Created/);
    const [row] = await app.db.select().from(users).where(eq(users.email, email));
    expect(row.teamId).toBe(team.id);

    const theirCookie = await cookieFor(app, row.id);
    await adminAction(
      routeArgs(
        app,
        request("/admin", { cookie, form: { intent: "update-user", userId: row.id, role: "seller", teamId: team.id, active: "false" } }),
      ) as never,
    );
    const res = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie: theirCookie })) as never))) as Response;
    expect(res.status).toBe(302);
  });

  it("deactivates and reactivates by the status alone, keeping a role and team another admin changed since the page loaded", async () => {
    const admin = await createUser(app, { role: "admin" });
    const cookie = await cookieFor(app, admin.id);
    const team = await createTeam(app);
    const person = await createUser(app, { role: "admin" });
    const post = (form: Record<string, string>) =>
      adminAction(routeArgs(app, request("/admin", { cookie, form: { intent: "update-user", userId: person.id, ...form } })) as never);
    await post({ active: "false" });
    // Meanwhile another admin demotes them and puts them in a team; this page still shows an admin.
    await post({ role: "seller", teamId: team.id });
    await post({ active: "true" });
    const [row] = await app.db.select().from(users).where(eq(users.id, person.id));
    expect(row).toMatchObject({ role: "seller", teamId: team.id, active: true });
  });

  it("reports a duplicate email and a short password as form errors", async () => {
    const admin = await createUser(app, { role: "admin" });
    const existing = await createUser(app);
    const cookie = await cookieFor(app, admin.id);
    const dup = (await adminAction(
      routeArgs(
        app,
        request("/admin", {
          cookie,
          form: { intent: "create-user", email: existing.email, name: "Dup", role: "seller", password: "a-long-password" },
        }),
      ) as never,
    )) as any;
    expect(dup.init.status).toBe(409);
    const short = (await adminAction(
      routeArgs(
        app,
        request("/admin", {
          cookie,
          form: { intent: "create-user", email: "s@test.invalid", name: "S", role: "seller", password: "short" },
        }),
      ) as never,
    )) as any;
    expect(short.init.status).toBe(400);
  });
});

describe("admin API", () => {
  const call = async (mod: { loader?: any; action?: any }, fn: "loader" | "action", req: Request, params = {}) =>
    (await mod[fn]!(routeArgs(app, req, params) as never)) as Response;

  it("gives sellers, marketers and managers 403 and anonymous callers 401", async () => {
    const users = await import("~/routes/api.v1.users");
    const user = await import("~/routes/api.v1.users.$id");
    expect((await call(users, "loader", request("/api/v1/users"))).status).toBe(401);
    for (const role of ["seller", "marketer", "manager"] as const) {
      const cookie = await cookieFor(app, (await createUser(app, { role })).id);
      expect((await call(users, "loader", request("/api/v1/users", { cookie }))).status).toBe(403);
      const create = await call(
        users,
        "action",
        request("/api/v1/users", { cookie, json: { email: `x-${role}@t.test`, name: "X", role: "admin", password: "0123456789" } }),
      );
      expect(create.status).toBe(403);
      const self = await createUser(app, { role });
      const patch = await call(user, "action", request(`/api/v1/users/${self.id}`, { method: "PATCH", cookie, json: { role: "admin" } }), {
        id: self.id,
      });
      expect(patch.status).toBe(403);
    }
  });

  it("lets an admin list, create and deactivate people over the API", async () => {
    const users = await import("~/routes/api.v1.users");
    const user = await import("~/routes/api.v1.users.$id");
    const cookie = await cookieFor(app, (await createUser(app, { role: "admin" })).id);
    const email = `api-${Date.now()}@test.invalid`;
    const created = await call(
      users,
      "action",
      request("/api/v1/users", { cookie, json: { email, name: "Api Person", role: "seller", password: "long-enough-pw" } }),
    );
    expect(created.status).toBe(201);
    const { user: made } = (await created.json()) as any;
    const list = (await (await call(users, "loader", request("/api/v1/users", { cookie }))).json()) as any;
    expect(list.users.map((u: any) => u.email)).toContain(email);
    const off = await call(user, "action", request(`/api/v1/users/${made.id}`, { method: "PATCH", cookie, json: { active: false } }), {
      id: made.id,
    });
    expect(off.status).toBe(200);
    expect(((await off.json()) as any).user.active).toBe(false);
    const bad = await call(user, "action", request(`/api/v1/users/not-a-uuid`, { method: "PATCH", cookie, json: { active: false } }), {
      id: "not-a-uuid",
    });
    expect(bad.status).toBe(400);
  });
});

describe("personal API tokens", () => {
  it("creates a token shown once, authenticates with it as Bearer, and revokes it", async () => {
    const { action: meAction, loader: meLoader } = await import("~/routes/_app.me");
    const user = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, user.id);
    const created = (await meAction(
      routeArgs(app, request("/me", { cookie, form: { intent: "create-token", name: "CRM sync" } })) as never,
    )) as any;
    const token: string = created.created.token;
    expect(token).toMatch(/^fk_/);
    const bearer = { Authorization: `Bearer ${token}` };
    const me = await meApi(routeArgs(app, request("/api/v1/me", { headers: bearer })) as never);
    expect(((await me.json()) as any).user.role).toBe("marketer");
    const page = (await meLoader(routeArgs(app, request("/me", { cookie })) as never)) as any;
    expect(page.tokens.map((t: any) => t.name)).toEqual(["CRM sync"]);
    expect(JSON.stringify(page)).not.toContain(token);
    await meAction(routeArgs(app, request("/me", { cookie, form: { intent: "revoke-token", id: page.tokens[0].id } })) as never);
    const after = await meApi(routeArgs(app, request("/api/v1/me", { headers: bearer })) as never);
    expect(after.status).toBe(401);
  });

  it("cannot revoke someone else's token", async () => {
    const { action: meAction } = await import("~/routes/_app.me");
    const owner = await createUser(app, { role: "marketer" });
    const other = await createUser(app, { role: "marketer" });
    const created = (await meAction(
      routeArgs(app, request("/me", { cookie: await cookieFor(app, owner.id), form: { intent: "create-token", name: "mine" } })) as never,
    )) as any;
    const { listApiTokens } = await import("~/modules/auth/api-tokens.server");
    const [{ id }] = await listApiTokens(app.db, { user: { ...owner, leadsTeamIds: [] } });
    const res = (await meAction(
      routeArgs(app, request("/me", { cookie: await cookieFor(app, other.id), form: { intent: "revoke-token", id } })) as never,
    )) as any;
    expect(res.init.status).toBe(404);
    const me = await meApi(
      routeArgs(app, request("/api/v1/me", { headers: { Authorization: `Bearer ${created.created.token}` } })) as never,
    );
    expect(me.status).toBe(200);
  });

  it("ends the browser's previous session when someone signs in again", async () => {
    const first = await createUser(app);
    const second = await createUser(app);
    const oldCookie = await cookieFor(app, first.id);
    const res = (await respond(() =>
      loginAction(
        routeArgs(app, request("/login", { cookie: oldCookie, form: { email: second.email, password: TEST_PASSWORD } })) as never,
      ),
    )) as Response;
    expect(res.status).toBe(302);
    const stale = (await respond(() => appLoader(routeArgs(app, request("/home", { cookie: oldCookie })) as never))) as Response;
    expect(stale.status).toBe(302);
  });
});

describe("audit log", () => {
  it("records role, team, deactivation and token changes with the actor, for admins only", async () => {
    const { loader: auditLoader } = await import("~/routes/_app.admin.audit");
    const { loader: csvLoader } = await import("~/routes/admin.audit[.]csv");
    const { action: meAction } = await import("~/routes/_app.me");
    const admin = await createUser(app, { role: "admin" });
    const cookie = await cookieFor(app, admin.id);
    const team = await createTeam(app);
    const person = await createUser(app, { role: "seller" });
    await adminAction(
      routeArgs(
        app,
        request("/admin", { cookie, form: { intent: "update-user", userId: person.id, role: "marketer", teamId: team.id } }),
      ) as never,
    );
    await adminAction(
      routeArgs(
        app,
        request("/admin", {
          cookie,
          form: { intent: "update-user", userId: person.id, role: "marketer", teamId: team.id, active: "false" },
        }),
      ) as never,
    );
    await meAction(routeArgs(app, request("/me", { cookie, form: { intent: "create-token", name: "audit me" } })) as never);

    const page = (await auditLoader(routeArgs(app, request("/admin/audit", { cookie })) as never)) as any;
    const mine = page.entries.filter((e: any) => e.actor === admin.email).map((e: any) => e.action);
    expect(mine).toEqual(expect.arrayContaining(["user.role_changed", "user.team_changed", "user.deactivated", "token.created"]));
    const role = page.entries.find((e: any) => e.action === "user.role_changed" && e.targetId === person.id);
    expect(role.details).toEqual({ from: "seller", to: "marketer" });
    // Read as sentences, about the person by address and the team by name, not by their ids.
    expect([role.summary, role.targetName]).toEqual(["Role: Seller → Marketer", person.email]);
    const moved = page.entries.find((e: any) => e.action === "user.team_changed" && e.targetId === person.id);
    expect(moved.summary).toMatch(new RegExp(`^Team: .+ → ${team.name}$`));
    expect(moved.summary).not.toContain(team.id);
    expect(page.entries.find((e: any) => e.action === "token.created" && e.actor === admin.email).summary).toBe(
      "API token “audit me” created",
    );

    const csv = (await csvLoader(routeArgs(app, request("/admin/audit.csv?action=user.deactivated", { cookie })) as never)) as Response;
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe("When,Who,Action,Target type,Target,Details");
    expect(text).toContain(`user.deactivated,user,${person.id}`);
    expect(text).not.toContain("user.role_changed");

    const seller = await cookieFor(app, (await createUser(app)).id);
    const denied = (await respond(() => auditLoader(routeArgs(app, request("/admin/audit", { cookie: seller })) as never))) as Response;
    expect(denied.status).toBe(403);
    const deniedCsv = (await respond(() =>
      csvLoader(routeArgs(app, request("/admin/audit.csv", { cookie: seller })) as never),
    )) as Response;
    expect(deniedCsv.status).toBe(403);
  });
});
