// The admin's people list at the size of a real sales org: found by part of a name or address, filtered,
// sorted and paged by the database, with the page the same size at any head count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, teamLeads, teams, users } from "@/db/schema";
import { action as adminAction, loader as adminLoader } from "~/routes/_app.admin._index";
import { action as inviteApi } from "~/routes/api.v1.invitations";
import { action as userApi } from "~/routes/api.v1.users.$id";
import { action as createUserApi, loader as usersApi } from "~/routes/api.v1.users";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, statusOf, type TestApp } from "../setup/app";

let app: TestApp;
let cookie: string;
let east: { id: string; name: string };
let west: { id: string; name: string };
const N = 130;

beforeAll(async () => {
  app = await createTestApp();
  [east, west] = [await createTeam(app, "Directory East"), await createTeam(app, "Directory West")];
  // Every third person is in East, every third in West, the rest in no team; one in ten deactivated.
  await app.db.insert(users).values(
    Array.from({ length: N }, (_, i) => ({
      email: `person${String(i).padStart(3, "0")}@directory.test`,
      name: `Directory Person ${String(i).padStart(3, "0")}`,
      role: i % 13 === 0 ? ("manager" as const) : ("seller" as const),
      teamId: [east.id, west.id, null][i % 3],
      active: i % 10 !== 9,
      passwordHash: "x",
    })),
  );
  await app.db.insert(users).values({ email: "odd_1%@directory.test", name: "Wildcard Person", role: "seller", passwordHash: "x" });
  cookie = await cookieFor(app, (await createUser(app, { role: "admin", email: "the-admin@directory.test" })).id);
});
afterAll(() => app?.close());

type Page = Awaited<ReturnType<typeof adminLoader>>;
const load = async (query: string) => (await adminLoader(routeArgs(app, request(`/admin?${query}`, { cookie })) as never)) as Page;

describe("the admin's people list", () => {
  it("pages through everyone 25 at a time, by name, without repeating or missing anyone", async () => {
    const seen: string[] = [];
    const first = await load("q=Directory Person");
    expect(first.people).toMatchObject({ total: N, pages: 6, page: 1, pageSize: 25 });
    for (let page = 1; page <= 6; page++) seen.push(...(await load(`q=directory person&page=${page}`)).people.rows.map((r) => r.name));
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => `Directory Person ${String(i).padStart(3, "0")}`));
  });

  it("finds people by part of a name or an address, with typed wildcards taken as text", async () => {
    expect((await load("q=PERSON042")).people.rows.map((r) => r.email)).toEqual(["person042@directory.test"]);
    expect((await load("q=Person 12")).people.rows.map((r) => r.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Directory Person ${120 + i}`),
    );
    expect((await load(`q=${encodeURIComponent("_1%")}`)).people.rows.map((r) => r.name)).toEqual(["Wildcard Person"]);
  });

  it("filters by role, team (or none) and status, and the filters combine", async () => {
    const managers = (await load("q=directory&role=manager")).people;
    expect(managers.total).toBe(Math.ceil(N / 13));
    expect(managers.rows.every((r) => r.role === "manager")).toBe(true);
    expect((await load(`q=directory&team=${east.id}`)).people.total).toBe(Math.ceil(N / 3));
    expect((await load("q=directory&team=none")).people.rows.every((r) => r.teamId === null)).toBe(true);
    const gone = (await load("q=directory&status=deactivated")).people;
    expect(gone.total).toBe(13);
    expect(gone.rows.every((r) => !r.active)).toBe(true);
    const both = (await load(`q=directory&team=${west.id}&status=active`)).people.rows;
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((r) => r.teamId === west.id && r.active)).toBe(true);
  });

  it("sorts by email, role or team either way, people in no team last", async () => {
    const byEmail = (await load("q=directory person&sort=email&dir=desc")).people.rows.map((r) => r.email);
    expect(byEmail[0]).toBe("person129@directory.test");
    const byTeam = (await load("q=directory person&sort=team&page=6")).people.rows;
    expect(byTeam.at(-1)!.teamId).toBeNull();
    const byTeamFirst = (await load("q=directory person&sort=team")).people.rows;
    expect(byTeamFirst[0].teamName).toBe("Directory East");
    const byTeamDesc = (await load("q=directory person&sort=team&dir=desc")).people.rows;
    expect(byTeamDesc[0].teamName).toBe("Directory West");
    expect((await load("q=directory person&sort=role")).people.rows[0].role).toBe("manager");
  });

  it("drops nonsense in the address instead of failing, and keeps the page small at any page number", async () => {
    const page = await load(`q=${"x".repeat(5000)}&role=owner&team=drop%20table&status=maybe&sort=salary&dir=up&page=-3`);
    expect(page.query).toEqual({});
    expect(page.people.rows.length).toBeLessThanOrEqual(25);
    // Past the last page: the last page, a page's worth at most.
    const deep = (await load("q=directory&page=999")).people;
    expect(deep.page).toBe(deep.pages);
    expect(deep.rows.length).toBeGreaterThan(0);
    expect(deep.rows.length).toBeLessThanOrEqual(25);
  });

  it("names a new team's manager by email, and creates nothing when the address is unknown or not a manager's", async () => {
    const post = async (form: Record<string, string>) =>
      (await respond(() =>
        adminAction(routeArgs(app, request("/admin", { cookie, form: { intent: "create-team", ...form } })) as never),
      )) as any;
    const made = await post({ name: "Directory North", leadEmail: "PERSON013@directory.test" });
    expect(made.ok).toBe("Created team Directory North.");
    const [north] = await app.db.select().from(teams).where(eq(teams.name, "Directory North"));
    const leads = await app.db.select().from(teamLeads).where(eq(teamLeads.teamId, north.id));
    const [person13] = await app.db.select().from(users).where(eq(users.email, "person013@directory.test"));
    expect(leads.map((l) => l.userId)).toEqual([person13.id]);
    for (const [leadEmail, message] of [
      ["nobody@directory.test", /Nobody here has the address/],
      ["person001@directory.test", /Only managers can lead a team/],
    ] as const) {
      const refused = await post({ name: `Directory ${leadEmail}`, leadEmail });
      expect(refused.data.formError).toMatch(message);
      expect(refused.init.status).toBe(422);
      expect(
        await app.db
          .select()
          .from(teams)
          .where(eq(teams.name, `Directory ${leadEmail}`)),
      ).toEqual([]);
    }
  });

  it("answers the API with the same filters: everyone who matches, or a page of them with the count", async () => {
    type Answer = { users: { name: string; role: string; teamId: string | null }[]; total: number; page?: number; pages?: number };
    const api = async (query: string) =>
      (await ((await usersApi(routeArgs(app, request(`/api/v1/users?${query}`, { cookie })) as never)) as Response).json()) as Answer;
    const everyone = await api("q=directory person");
    expect(everyone.total).toBe(N);
    expect(everyone.users.map((u) => u.name)).toEqual(
      Array.from({ length: N }, (_, i) => `Directory Person ${String(i).padStart(3, "0")}`),
    );
    expect(everyone.page).toBeUndefined();
    const managersInEast = await api(`q=directory&role=manager&team=${east.id}`);
    expect(managersInEast.total).toBeGreaterThan(0);
    expect(managersInEast.users.every((u) => u.role === "manager" && u.teamId === east.id)).toBe(true);
    const paged = [
      await api("q=directory person&limit=60"),
      await api("q=directory person&limit=60&page=2"),
      await api("q=directory person&limit=60&page=3"),
    ];
    expect(paged.map((p) => [p.total, p.page, p.pages, p.users.length])).toEqual([
      [N, 1, 3, 60],
      [N, 2, 3, 60],
      [N, 3, 3, 10],
    ]);
    expect(paged.flatMap((p) => p.users.map((u) => u.name))).toEqual(everyone.users.map((u) => u.name));
    expect((await api("q=directory person&page=2")).users).toHaveLength(30);
    // Past the screens' 1,000 pages, or past the last: that page (empty), never page 1 or everyone again.
    expect(await api("q=directory person&limit=5&page=1001")).toMatchObject({ users: [], page: 1001, pages: 26 });
    expect(await api("q=directory person&page=1001")).toMatchObject({ users: [], page: 1001 });
    for (const bad of ["page=abc", "page=0", "limit=0", "limit=5000", "page=2.5"]) {
      const res = (await usersApi(routeArgs(app, request(`/api/v1/users?${bad}`, { cookie })) as never)) as Response;
      expect([bad, res.status, ((await res.json()) as any).error.message]).toEqual([bad, 400, expect.stringMatching(/^(page|limit)/)]);
    }
  });

  it("refuses a team that does not exist with a 422 that says so, and changes or creates nobody", async () => {
    // Found by test/integration/hostile-actions.test.ts: a well-formed id of no team reached the
    // foreign key and answered 500.
    const nowhere = "01bcce2d-42b9-426c-abfd-4c851747588f";
    const [person] = await app.db.select().from(users).where(eq(users.email, "person001@directory.test"));
    const json = async (res: unknown) => {
      expect((res as Response).status).toBe(422);
      return ((await (res as Response).json()) as { error: { message: string } }).error.message;
    };
    const patch = request(`/api/v1/users/${person.id}`, { method: "PATCH", cookie, json: { teamId: nowhere, role: "manager" } });
    expect(await json(await respond(() => userApi(routeArgs(app, patch, { id: person.id }) as never)))).toMatch(/team does not exist/);
    const [after] = await app.db.select().from(users).where(eq(users.id, person.id));
    expect({ role: after.role, teamId: after.teamId }).toEqual({ role: person.role, teamId: person.teamId });
    const create = request("/api/v1/users", {
      cookie,
      json: { email: "no-team@directory.test", name: "No Team", role: "seller", teamId: nowhere, password: "long enough password" },
    });
    expect(await json(await respond(() => createUserApi(routeArgs(app, create) as never)))).toMatch(/team does not exist/);
    const invite = request("/api/v1/invitations", { cookie, json: { email: "invited@directory.test", role: "seller", teamId: nowhere } });
    expect(await json(await respond(() => inviteApi(routeArgs(app, invite) as never)))).toMatch(/team does not exist/);
    expect(await app.db.select().from(users).where(eq(users.email, "no-team@directory.test"))).toEqual([]);
    // The admin page's form says the same on the page.
    const form = request("/admin", { cookie, form: { intent: "update-user", userId: person.id, role: "seller", teamId: nowhere } });
    const answered = (await respond(() => adminAction(routeArgs(app, form) as never))) as {
      data: { formError: string };
      init: { status: number };
    };
    expect(answered.init.status).toBe(422);
    expect(answered.data.formError).toMatch(/team does not exist/);
  });

  it("is for admins only", async () => {
    for (const role of ["seller", "marketer", "manager"] as const) {
      const other = await cookieFor(app, (await createUser(app, { role })).id);
      const res = (await respond(() => adminLoader(routeArgs(app, request("/admin?q=directory", { cookie: other })) as never))) as Response;
      expect(res.status).toBe(403);
    }
  });

  it("counts each team's active members, deactivated people and other teams left out", async () => {
    const active = (team: number) => Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === team && i % 10 !== 9).length;
    const page = await load("q=directory");
    const count = (id: string) => page.teams.find((t) => t.id === id)?.members;
    expect([count(east.id), count(west.id)]).toEqual([active(0), active(1)]);
    expect(active(0)).toBeGreaterThan(30);
  });
});

describe("two admins changing one person from pages loaded before either change", () => {
  type Row = { id: string; role: string; teamId: string | null };
  /** What a row's Save posts: the role and team its selects show, and what each was when the page loaded. */
  const save = async (adminCookie: string, loaded: Row, chosen: { role?: string; teamId?: string | null }) => {
    const form = {
      intent: "update-user",
      userId: loaded.id,
      role: chosen.role ?? loaded.role,
      teamId: (chosen.teamId === undefined ? loaded.teamId : chosen.teamId) ?? "",
      roleWas: loaded.role,
      teamIdWas: loaded.teamId ?? "",
    };
    const answer = (await respond(() => adminAction(routeArgs(app, request("/admin", { cookie: adminCookie, form })) as never))) as {
      data?: { formError: string };
    };
    return { status: statusOf(answer), error: answer.data?.formError };
  };
  const now = async (id: string) => {
    const [row] = await app.db.select({ role: users.role, teamId: users.teamId }).from(users).where(eq(users.id, id));
    return row;
  };
  const audited = async (id: string) =>
    (
      await app.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, id)))
        .orderBy(auditLog.id)
    ).map((a) => [a.action, a.actorId, a.details]);
  let other: { id: string; cookie: string };
  beforeAll(async () => {
    const admin = await createUser(app, { role: "admin", email: "the-other-admin@directory.test" });
    other = { id: admin.id, cookie: await cookieFor(app, admin.id) };
  });
  const me = async () => (await app.db.select({ id: users.id }).from(users).where(eq(users.email, "the-admin@directory.test")))[0].id;

  it("saves only what each admin changed: one's team change keeps the other's role change, and the other way round", async () => {
    const person = await createUser(app, { role: "seller", teamId: east.id });
    const page = { id: person.id, role: "seller", teamId: east.id };
    expect(await save(cookie, page, { role: "manager" })).toMatchObject({ status: 200 });
    expect(await save(other.cookie, page, { teamId: west.id })).toMatchObject({ status: 200 });
    expect(await now(person.id)).toEqual({ role: "manager", teamId: west.id });
    expect(await audited(person.id)).toEqual([
      ["user.role_changed", await me(), { from: "seller", to: "manager" }],
      ["user.team_changed", other.id, { from: east.id, to: west.id }],
    ]);

    const moved = await createUser(app, { role: "seller", teamId: east.id });
    const stale = { id: moved.id, role: "seller", teamId: east.id };
    expect(await save(cookie, stale, { teamId: null })).toMatchObject({ status: 200 });
    expect(await save(other.cookie, stale, { role: "marketer" })).toMatchObject({ status: 200 });
    expect(await now(moved.id)).toEqual({ role: "marketer", teamId: null });
  });

  it("refuses a change to a field someone else changed since the page loaded, saying what it is now, and saves nothing", async () => {
    const person = await createUser(app, { role: "seller", teamId: east.id });
    const page = { id: person.id, role: "seller", teamId: east.id };
    await save(cookie, page, { role: "manager" });
    const refused = await save(other.cookie, page, { role: "marketer", teamId: west.id });
    expect(refused).toEqual({
      status: 409,
      error: expect.stringMatching(/^Someone else changed Test seller's role to Manager after .* nothing was saved/),
    });
    expect(await now(person.id)).toEqual({ role: "manager", teamId: east.id });
    expect((await audited(person.id)).filter(([, actor]) => actor === other.id)).toEqual([]);

    await save(cookie, { ...page, role: "manager" }, { teamId: west.id });
    const team = await save(other.cookie, page, { role: "manager", teamId: null });
    expect(team).toEqual({ status: 409, error: expect.stringMatching(/team to Directory West after/) });
    expect(await now(person.id)).toEqual({ role: "manager", teamId: west.id });
    // Choosing what the other admin chose is no conflict; reloaded, the page may change it on purpose.
    expect(await save(other.cookie, page, { role: "manager" })).toMatchObject({ status: 200 });
    expect(await save(other.cookie, { id: person.id, role: "manager", teamId: west.id }, { role: "marketer" })).toMatchObject({
      status: 200,
    });
    expect(await now(person.id)).toEqual({ role: "marketer", teamId: west.id });
  });

  it("writes nothing for a Save on a row nobody changed, and says so", async () => {
    const person = await createUser(app, { role: "seller", teamId: east.id });
    const [{ updatedAt }] = await app.db.select({ updatedAt: users.updatedAt }).from(users).where(eq(users.id, person.id));
    const page = { id: person.id, role: "seller", teamId: east.id };
    const answer = (await respond(() =>
      adminAction(
        routeArgs(
          app,
          request("/admin", {
            cookie,
            form: {
              intent: "update-user",
              userId: page.id,
              role: page.role,
              teamId: page.teamId,
              roleWas: page.role,
              teamIdWas: page.teamId,
            },
          }),
        ) as never,
      ),
    )) as { ok: string; userId: string };
    expect(answer).toMatchObject({ ok: "Nothing to save: no change.", userId: person.id });
    const [after] = await app.db.select({ updatedAt: users.updatedAt }).from(users).where(eq(users.id, person.id));
    expect(after.updatedAt).toEqual(updatedAt);
    expect(await audited(person.id)).toEqual([]);
    // Another admin's change made since, chosen again here, is no change either.
    await save(other.cookie, page, { role: "manager" });
    expect(await save(cookie, page, { role: "manager" })).toMatchObject({ status: 200 });
    expect((await audited(person.id)).map(([action]) => action)).toEqual(["user.role_changed"]);
  });

  it("leaves the API as it was: a PATCH changes what it sends, whatever a page showed", async () => {
    const person = await createUser(app, { role: "seller", teamId: east.id });
    const patch = (json: Record<string, unknown>) =>
      respond(() =>
        userApi(routeArgs(app, request(`/api/v1/users/${person.id}`, { method: "PATCH", cookie, json }), { id: person.id }) as never),
      ) as Promise<Response>;
    expect((await patch({ role: "manager" })).status).toBe(200);
    expect((await patch({ teamId: west.id })).status).toBe(200);
    expect(await now(person.id)).toEqual({ role: "manager", teamId: west.id });
  });
});

describe("a person's own page", () => {
  it("names their team and the teams they lead, and nothing of anyone else's", async () => {
    const { loader: meLoader } = await import("~/routes/_app.me");
    const manager = await createUser(app, { role: "manager", teamId: west.id, leads: [west.id, east.id] });
    const me = (await meLoader(routeArgs(app, request("/me", { cookie: await cookieFor(app, manager.id) })) as never)) as {
      team: string | null;
      leads: string[];
    };
    expect({ team: me.team, leads: me.leads }).toEqual({ team: "Directory West", leads: ["Directory East", "Directory West"] });
    const loner = await createUser(app, { role: "seller" });
    const alone = (await meLoader(routeArgs(app, request("/me", { cookie: await cookieFor(app, loner.id) })) as never)) as {
      team: string | null;
      leads: string[];
    };
    expect({ team: alone.team, leads: alone.leads }).toEqual({ team: null, leads: [] });
  });
});
