// The notification pages and API, called as route functions with real requests: the list, following a
// notification (read, then its page), "mark all as read", the count in the navigation, the preferences
// form on Me, and GET /notifications, POST /notifications/read, PUT /me/notifications.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "@/db/schema";
import { NOTIFICATIONS_PAGE_SIZE, notify } from "~/modules/notifications/notify.server";
import { loader as appLoader } from "~/routes/_app";
import { action as meAction, loader as meLoader } from "~/routes/_app.me";
import { loader as openLoader } from "~/routes/_app.notifications.$id";
import { action as listAction, loader as listLoader } from "~/routes/_app.notifications";
import { loader as apiList } from "~/routes/api.v1.notifications";
import { action as apiRead } from "~/routes/api.v1.notifications.read";
import { action as apiPrefsPut, loader as apiPrefs } from "~/routes/api.v1.me.notifications";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function person(role: "seller" | "marketer" = "seller") {
  const user = await createUser(app, { role });
  return { user, cookie: await cookieFor(app, user.id) };
}
type List = Awaited<ReturnType<typeof listLoader>>;
/** The list's notices, each burst opened. */
const notices = (list: List) => list.entries.flatMap((e) => (e.burst ? e.notices : [e]));
const call = async (
  fn: (a: never) => unknown,
  path: string,
  init: Parameters<typeof request>[1] = {},
  params: Record<string, string> = {},
) => respond(() => fn(routeArgs(app, request(path, init), params) as never));

describe("notification pages", () => {
  it("lists the person's notifications, opens one (read, then its page), and counts unread in the navigation", async () => {
    const { user, cookie } = await person();
    const [first] = await notify(app.db, { to: user.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/abc" });
    await notify(app.db, { to: user.id, kind: "feedback_answered", title: "Marketing replied", url: "/requests" });
    const list = (await call(listLoader, "/notifications", { cookie })) as List;
    expect(notices(list).map((n) => [n.title, n.read])).toEqual([
      ["Marketing replied", false],
      ["Dana opened your share", false],
    ]);
    const shell = (await call(appLoader, "/home", { cookie })) as Awaited<ReturnType<typeof appLoader>>;
    expect(shell.notifications).toBe(2);

    const opened = (await call(openLoader, `/notifications/${first}`, { cookie }, { id: String(first) })) as Response;
    expect([opened.status, opened.headers.get("location")]).toEqual([302, "/shares/abc"]);
    expect(((await call(appLoader, "/home", { cookie })) as { notifications: number }).notifications).toBe(1);

    const stranger = await person();
    const refused = (await call(openLoader, `/notifications/${first}`, { cookie: stranger.cookie }, { id: String(first) })) as Response;
    expect(refused.status).toBe(404);

    await call(listAction, "/notifications", { cookie, form: {} });
    expect(((await call(appLoader, "/home", { cookie })) as { notifications: number }).notifications).toBe(0);
  });

  it("lists a burst of new versions as one line that opens to each, and marks just those read", async () => {
    const { user, cookie } = await person();
    const stranger = await person();
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000);
    const version = (n: number, hoursAgo: number) =>
      notify(app.db, { to: user.id, kind: "saved_item_updated", title: `Deck ${n} has a new version`, url: "/items/x", now: at(hoursAgo) });
    // A reply, then two days ago three new versions, then five in an afternoon (a day and a half after the
    // three, so not in their burst), then another reply.
    await notify(app.db, { to: user.id, kind: "feedback_answered", title: "Marketing replied", url: "/requests", now: at(60) });
    for (const n of [1, 2, 3]) await version(n, 50);
    for (const n of [4, 5, 6, 7, 8]) await version(n, 6 - n / 2);
    const [strangers] = await notify(app.db, { to: stranger.user.id, kind: "share_opened", title: "Theirs", url: "/shares" });
    await notify(app.db, { to: user.id, kind: "feedback_answered", title: "Marketing replied again", url: "/requests" });
    const list = (await call(listLoader, "/notifications", { cookie })) as List;
    expect(list.entries.map((e) => (e.burst ? [e.title, e.unread, e.notices.map((n) => n.title)] : e.title))).toEqual([
      "Marketing replied again",
      [
        "5 items you use have new versions",
        5,
        [
          "Deck 8 has a new version",
          "Deck 7 has a new version",
          "Deck 6 has a new version",
          "Deck 5 has a new version",
          "Deck 4 has a new version",
        ],
      ],
      "Deck 3 has a new version",
      "Deck 2 has a new version",
      "Deck 1 has a new version",
      "Marketing replied",
    ]);
    // "Mark these as read" names the burst's notices; someone else's id in the form changes nothing of theirs.
    const burst = list.entries[1];
    if (!burst.burst) throw new Error("expected a burst");
    const form = new URLSearchParams([...burst.notices.map((n) => ["id", String(n.id)]), ["id", String(strangers)], ["id", "x"]]);
    await call(listAction, "/notifications", { cookie, method: "POST", body: form });
    const after = (await call(listLoader, "/notifications", { cookie })) as List;
    expect(after.unread).toBe(5);
    expect(after.entries[1]).toMatchObject({ burst: true, unread: 0 });
    expect(
      notices(after)
        .filter((n) => !n.read)
        .map((n) => n.title),
    ).toEqual([
      "Marketing replied again",
      "Deck 3 has a new version",
      "Deck 2 has a new version",
      "Deck 1 has a new version",
      "Marketing replied",
    ]);
    const theirs = (await call(listLoader, "/notifications", { cookie: stranger.cookie })) as List;
    expect(notices(theirs).map((n) => n.read)).toEqual([false]);
  });

  it("pages back through older notifications, and takes nonsense in ?before= for the newest", async () => {
    const { user, cookie } = await person();
    for (let i = 0; i < NOTIFICATIONS_PAGE_SIZE + 5; i++) {
      await notify(app.db, { to: user.id, kind: "share_opened", title: `Opened ${i}`, url: "/shares", dedupeKey: `paging-${i}` });
    }
    const load = async (query: string) => (await call(listLoader, `/notifications${query}`, { cookie })) as List;
    const newest = await load("");
    expect(notices(newest)).toHaveLength(NOTIFICATIONS_PAGE_SIZE);
    expect(newest.paged).toBe(false);
    const older = await load(`?before=${newest.next}`);
    expect([older.paged, older.next, notices(older).map((n) => n.title)]).toEqual([
      true,
      null,
      ["Opened 4", "Opened 3", "Opened 2", "Opened 1", "Opened 0"],
    ]);
    for (const nonsense of ["1e400", "-3", "2.5", "abc", "99999999999999999999"]) {
      const page = await load(`?before=${encodeURIComponent(nonsense)}`);
      expect([page.paged, notices(page)[0]?.title], nonsense).toEqual([false, `Opened ${NOTIFICATIONS_PAGE_SIZE + 4}`]);
    }
  });

  it("offers Mark all as read while anything is unread, even when only older pages hold it, and lists just those", async () => {
    const { user, cookie } = await person();
    const ids: number[] = [];
    for (let i = 0; i < NOTIFICATIONS_PAGE_SIZE + 3; i++) {
      ids.push(
        ...(await notify(app.db, { to: user.id, kind: "share_opened", title: `Old ${i}`, url: "/shares", dedupeKey: `unread-${i}` })),
      );
    }
    const load = async () => (await call(listLoader, "/notifications", { cookie })) as List;
    // Read every one on the first page, as opening each would: the three oldest stay unread.
    for (const n of notices(await load())) await call(openLoader, `/notifications/${n.id}`, { cookie }, { id: String(n.id) });
    const first = await load();
    expect(notices(first).every((n) => n.read)).toBe(true);
    expect(first.unread).toBe(3);
    // "Unread" lists just those three, from older pages, on its first page.
    const unreadOnly = (await call(listLoader, "/notifications?show=unread", { cookie })) as List;
    expect([unreadOnly.unreadOnly, notices(unreadOnly).map((n) => n.title)]).toEqual([true, ["Old 2", "Old 1", "Old 0"]]);
    await call(listAction, "/notifications", { cookie, method: "POST", body: new URLSearchParams() });
    expect((await load()).unread).toBe(0);
    expect(notices((await call(listLoader, "/notifications?show=unread", { cookie })) as List)).toEqual([]);
  });

  it("does not name an item the person can no longer open in the list, the API or the link, and the bell stops counting it once the list is looked at", async () => {
    const team = await createTeam(app);
    const user = await createUser(app, { teamId: team.id });
    const cookie = await cookieFor(app, user.id);
    const item = await createItem(app, { title: "Falcon pricing" });
    const [id] = await notify(app.db, { to: user.id, kind: "saved_item_updated", title: "“Falcon pricing” v2", url: `/items/${item.id}` });
    const bell = async () => ((await call(appLoader, "/home", { cookie })) as { notifications: number }).notifications;
    expect(await bell()).toBe(1);
    await app.db.update(items).set({ status: "archived" }).where(eq(items.id, item.id));

    // A plain count on every page, until the list is looked at: then it is read, and the bell stops counting it.
    expect(await bell()).toBe(1);
    const list = (await call(listLoader, "/notifications", { cookie })) as List;
    const api = await ((await call(apiList, "/api/v1/notifications", { cookie })) as Response).json();
    for (const shown of [notices(list), api.notifications]) {
      expect(shown).toMatchObject([
        { id, title: "An item you used has a new version, but you can no longer open it", url: null, read: true },
      ]);
      expect(JSON.stringify(shown)).not.toMatch(new RegExp(`Falcon|${item.id}`));
    }
    expect(list.unread).toBe(0);
    expect(await bell()).toBe(0);
    const opened = (await call(openLoader, `/notifications/${id}`, { cookie }, { id: String(id) })) as Response;
    expect(opened.headers.get("location")).toBe("/notifications");
  });

  it("never redirects a notification's link off the site", async () => {
    const { user, cookie } = await person();
    const [id] = await notify(app.db, { to: user.id, kind: "share_opened", title: "x", url: "//evil.example/phish" });
    const res = (await call(openLoader, `/notifications/${id}`, { cookie }, { id: String(id) })) as Response;
    expect(res.headers.get("location")).toBe("/notifications");
  });

  it("saves the preferences form on Me, and refuses a frequency the kind does not offer with 400", async () => {
    const { cookie } = await person("marketer");
    const me = (await call(meLoader, "/me", { cookie })) as Awaited<ReturnType<typeof meLoader>>;
    const form: Record<string, string> = { intent: "notification-prefs" };
    for (const k of me.prefs.kinds) {
      if (k.inApp) form[`inApp.${k.kind}`] = "on";
      form[`email.${k.kind}`] = k.email;
    }
    delete form["inApp.new_request"];
    form["email.new_request"] = "immediate";
    const saved = await call(meAction, "/me", { cookie, form });
    expect(saved).toMatchObject({ prefsSaved: true });
    const after = (await call(meLoader, "/me", { cookie })) as Awaited<ReturnType<typeof meLoader>>;
    expect(after.prefs.kinds.find((k) => k.kind === "new_request")).toMatchObject({ inApp: false, email: "immediate" });
    expect(after.vapidPublicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);

    const bad = (await call(meAction, "/me", { cookie, form: { ...form, "email.content_digest": "daily" } })) as {
      data: { formError: string };
      init: { status: number };
    };
    expect(bad.init.status).toBe(400);
    expect(bad.data.formError).toMatch(/off, weekly/);
  });
});

describe("notifications API", () => {
  it("GET /notifications pages newest first with read state; POST /notifications/read marks by id or all", async () => {
    const { user, cookie } = await person();
    const ids: number[] = [];
    for (let i = 1; i <= 3; i++) ids.push(...(await notify(app.db, { to: user.id, kind: "share_opened", title: `n${i}` })));
    const page = (await ((await call(apiList, "/api/v1/notifications?limit=2", { cookie })) as Response).json()) as {
      notifications: { id: number; title: string; read: boolean }[];
      next: number;
    };
    expect(page.notifications.map((n) => n.title)).toEqual(["n3", "n2"]);
    const rest = (await ((await call(apiList, `/api/v1/notifications?limit=2&before=${page.next}`, { cookie })) as Response).json()) as {
      notifications: { title: string }[];
      next: null;
    };
    expect([rest.notifications.map((n) => n.title), rest.next]).toEqual([["n1"], null]);

    const one = (await call(apiRead, "/api/v1/notifications/read", { method: "POST", cookie, json: { ids: [ids[0]] } })) as Response;
    expect(await one.json()).toEqual({ marked: 1, unread: 2 });
    const unread = (await ((await call(apiList, "/api/v1/notifications?unread=true", { cookie })) as Response).json()) as {
      notifications: { title: string }[];
    };
    expect(unread.notifications.map((n) => n.title)).toEqual(["n3", "n2"]);
    const bad = (await call(apiRead, "/api/v1/notifications/read", { method: "POST", cookie, json: { ids: [] } })) as Response;
    expect(bad.status).toBe(400);
    const all = (await call(apiRead, "/api/v1/notifications/read", { method: "POST", cookie, json: { all: true } })) as Response;
    expect(await all.json()).toEqual({ marked: 2, unread: 0 });
    const anon = (await call(apiList, "/api/v1/notifications")) as Response;
    expect(anon.status).toBe(401);
  });

  it("PUT /me/notifications changes the kinds given and answers 400 for bad input", async () => {
    const { cookie } = await person();
    const put = (json: unknown) => call(apiPrefsPut, "/api/v1/me/notifications", { method: "PUT", cookie, json }) as Promise<Response>;
    const ok = await put({ prefs: { saved_item_updated: { inApp: false, email: "weekly" } } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { kinds: { kind: string; inApp: boolean; email: string }[] };
    expect(body.kinds.find((k) => k.kind === "saved_item_updated")).toMatchObject({ inApp: false, email: "weekly" });
    for (const bad of [
      { prefs: { nope: { inApp: true, email: "off" } } },
      { prefs: { share_opened: { inApp: true, email: "hourly" } } },
      { prefs: { share_opened: { inApp: true } } },
      { extra: 1 },
      [],
    ]) {
      expect((await put(bad)).status).toBe(400);
    }
    const get = (await ((await call(apiPrefs, "/api/v1/me/notifications", { cookie })) as Response).json()) as {
      kinds: { kind: string; email: string }[];
      push: boolean;
    };
    expect(get.kinds.find((k) => k.kind === "saved_item_updated")?.email).toBe("weekly");
    expect(get.push).toBe(false);
  });
});
