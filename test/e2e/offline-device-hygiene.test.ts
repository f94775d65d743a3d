// What the service worker must not answer from the device: a download for a refreshed saved copy (the old
// version sits under the same URL), an item the last sync removed on the Home it stored earlier, and, after
// a sign-out on a shared tablet or a session that ended elsewhere (a lost phone signed out from another
// device), anything of the seller who left.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  DEMO_PASSWORD,
  baseURL,
  describeBrowser,
  deviceRecord,
  hydrated,
  launch,
  outboxEntries,
  signIn,
  type BrowserContext,
  type Page,
} from "../setup/browser";
import { startHoldingProxy, type HoldingProxy } from "../setup/holding-proxy";

type CatalogEntry = { id: string; title: string; file: { size: number | null } | null };

const SAVED = "fieldkit-saved-v1";
const PAGES = "fieldkit-pages-v1";
/** Another seller's, who queued work offline on this tablet: it must still be sent at their next sign-in. */
const OTHER_SELLER = "99999999-9999-4999-8999-999999999999";

async function controlledPage(context: BrowserContext): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await signIn(page, "seller@demo.test");
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
  return page;
}

const catalogOnServer = (page: Page) =>
  page.evaluate(async () => (await (await fetch("/api/v1/sync?limit=1000")).json()).items as CatalogEntry[]);

/** Entries in the worker's runtime caches, by cache. */
const cachedUrls = (page: Page) =>
  page.evaluate(
    async (names) => {
      const out: Record<string, string[]> = {};
      for (const name of names) {
        if (!(await caches.has(name))) continue;
        out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
      }
      return out;
    },
    [SAVED, PAGES],
  );

/** How many records each per-seller IndexedDB store holds. */
const storeSizes = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open("fieldkit-offline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(["catalog", "saved", "meta"]);
          const sizes: Record<string, number> = {};
          for (const name of ["catalog", "saved", "meta"]) {
            const count = tx.objectStore(name).count();
            count.onsuccess = () => (sizes[name] = count.result);
          }
          tx.oncomplete = () => {
            open.result.close();
            resolve(sizes);
          };
        };
      }),
  );

/** When the device last completed a sync of its catalog (ms, by the page's clock, the test's too), or 0. */
const lastSyncAt = async (page: Page) => Date.parse(String(await deviceRecord(page, "meta", "sync.lastAt"))) || 0;

/** Signed in and used: the catalog synced, an item saved and visited, and another seller's entry waiting. */
async function usedBySeller(context: BrowserContext) {
  const page = await controlledPage(context);
  const item = (await catalogOnServer(page)).find((c) => c.file)!;
  await page.goto(`/items/${item.id}`);
  await hydrated(page);
  // Enabled once the page has read the device: drawn disabled before, it then gave way to "Saved on this
  // device" under a click that waited for it.
  const save = page.getByRole("button", { name: "Save for offline", disabled: false });
  const saved = page.getByText("Saved on this device");
  // Already saved when a sign-out before did not forget it: a later check then says so, not this click.
  await save.or(saved).first().waitFor();
  if (await save.isVisible()) await save.click();
  await saved.waitFor({ timeout: 30_000 });
  await expect.poll(async () => (await storeSizes(page)).catalog, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await cachedUrls(page))[PAGES]?.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
  const theirs = await page.evaluate(
    (userId) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open("fieldkit-offline");
        open.onsuccess = () => {
          const tx = open.result.transaction("outbox", "readwrite");
          const body = { id: crypto.randomUUID(), type: "view", at: new Date().toISOString() };
          tx.objectStore("outbox").put({ id: body.id, userId, kind: "event", at: body.at, body, attempts: 0, nextAttemptAt: 0 });
          tx.oncomplete = () => {
            open.result.close();
            resolve(body.id);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    OTHER_SELLER,
  );
  return { page, item, theirs };
}

/**
 * "Sign out on all devices" on the seller's other phone: every session of theirs ends on the server, and
 * this browser is not told.
 */
async function signedOutElsewhere(email = "seller@demo.test") {
  const form = (fields: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(fields), redirect: "manual" as const });
  const signedIn = await fetch(new URL("/login", baseURL), form({ email, password: DEMO_PASSWORD }));
  const cookie = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const out = await fetch(new URL("/logout", baseURL), { ...form({ everywhere: "true" }), headers: { cookie } });
  expect([signedIn.status, out.status]).toEqual([302, 302]);
}

/** A cookie session outside the browser, for changing the library as marketing would. */
async function apiAs(email: string) {
  const res = await fetch(new URL("/api/v1/session", baseURL), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  return async (path: string, body: unknown) => {
    const r = await fetch(new URL(path, baseURL), {
      method: "POST",
      headers: { Cookie: cookie, Origin: baseURL, Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(r.status, `${path} answered ${r.status}`).toBeLessThan(300);
    return (await r.json()) as { id: string };
  };
}

/** A new battle card for everyone, published now: the newest item on every seller's Home. */
async function publishedCard(title: string) {
  const [marketer, admin] = await Promise.all([apiAs("marketer@demo.test"), apiAs("admin@demo.test")]);
  const { id } = await marketer("/api/v1/items", { type: "battle_card", title, body: "Lead with **uptime**." });
  await marketer(`/api/v1/items/${id}/transition`, { to: "in_review" });
  await admin(`/api/v1/items/${id}/transition`, { to: "published" });
  return { id, archive: () => admin(`/api/v1/items/${id}/transition`, { to: "archived" }) };
}

/** Nothing of the seller stays, the other seller's entry does, and offline the app shows no one's data. */
async function expectForgotten(context: BrowserContext, page: Page, used: { item: CatalogEntry; theirs: string }) {
  await page.waitForURL((url) => url.pathname === "/login");
  await expectNothingLeft(context, page, used);
}

async function expectNothingLeft(context: BrowserContext, page: Page, { item, theirs }: { item: CatalogEntry; theirs: string }) {
  // Polled: a sign-out through the worker wipes before its answer arrives, a session that ended elsewhere
  // only once the page has heard it from the server.
  await expect.poll(() => storeSizes(page), { timeout: 15_000 }).toEqual({ catalog: 0, saved: 0, meta: 0 });
  // Route discovery for the sign-in page may be stored again at once; it is the same for everyone.
  await expect
    .poll(async () =>
      Object.values(await cachedUrls(page))
        .flat()
        .filter((url) => new URL(url).pathname !== "/__manifest"),
    )
    .toEqual([]);
  expect((await outboxEntries<{ id: string }>(page)).map((e) => e.id)).toContain(theirs);

  await context.setOffline(true);
  try {
    for (const path of ["/home", `/items/${item.id}`, "/saved"]) {
      await page.goto(path);
      await page.getByRole("heading", { level: 1, name: "Not saved on this device" }).waitFor();
    }
  } finally {
    await context.setOffline(false);
  }
}

describeBrowser("the device keeps no copy it should not answer with", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  // A slow network the worker meets as it would (see test/setup/holding-proxy.ts for why not a route).
  let network: HoldingProxy;

  beforeAll(async () => {
    network = await startHoldingProxy(baseURL);
    browser = await launch({ baseURL: network.url });
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await network?.close();
  });

  it("answers a download that asks for a fresh copy from the server, not from the saved copy", async () => {
    const page = await controlledPage(context);
    const item = (await catalogOnServer(page)).find((c) => c.file?.size)!;
    const file = `/api/v1/items/${item.id}/file`;
    const data = `/items/${item.id}.data`;
    // The previous version's copies, as a saved item holds them under the same URLs.
    await page.evaluate(
      async ({ urls, name }) => {
        const cache = await caches.open(name);
        for (const url of urls) await cache.put(new URL(url, location.origin).href, new Response("old version"));
      },
      { urls: [file, data], name: SAVED },
    );
    const read = (url: string, cache?: RequestCache) =>
      page.evaluate(async ({ url, cache }) => (await (await fetch(url, { cache })).arrayBuffer()).byteLength, { url, cache });
    expect(await read(file)).toBe("old version".length);
    expect(await read(file, "no-cache")).toBe(item.file!.size);

    // A slow answer (past the worker's 3 s wait) must still be awaited: the saved copy is the old version.
    const release = network.hold(data);
    const slow = setTimeout(release, 4_000);
    try {
      expect(await read(data, "no-cache")).not.toBe("old version".length);
    } finally {
      clearTimeout(slow);
      release();
    }
    await page.close();
  });

  it("lists no item on offline Home that a sync removed after the worker stored Home, loaded as a page or tapped to", async () => {
    const card = await publishedCard(`Archived later ${Date.now()}`);
    const page = await controlledPage(context);
    const listed = page.locator(`.list a[href="/items/${card.id}"]`);
    // The worker stores Home as a page (a document) and as the data a tap on the Home tab asks for.
    await page.goto("/me");
    await hydrated(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await listed.waitFor();
    const reloaded = Date.now();
    await page.goto("/home");
    await hydrated(page);
    await listed.waitFor();
    const stored = () =>
      page.evaluate(
        async ({ name, id }) => {
          const cache = await caches.open(name);
          const texts = await Promise.all(
            ["/home", "/home.data"].map(async (p) => (await cache.match(new URL(p, location.origin).href))?.text()),
          );
          return texts.map((t) => !!t?.includes(id));
        },
        { name: PAGES, id: card.id },
      );
    await expect.poll(stored, { timeout: 20_000 }).toEqual([true, true]);
    const inCatalog = async () => (await deviceRecord(page, "catalog", card.id)) !== undefined;
    // The sync this load started has ended, with the card: one still on its way after the archive below
    // removed it before the reconnection this test is about.
    await expect.poll(() => lastSyncAt(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(reloaded);
    expect(await inCatalog()).toBe(true);

    // Archived; the next sync removes it from the device, and the connection goes before the worker could
    // store Home again (played by refusing it those two requests).
    await card.archive();
    const home = (url: URL) => url.pathname === "/home" || url.pathname === "/home.data";
    const refused = new Set<string>();
    await context.route(home, (route) => (refused.add(new URL(route.request().url()).pathname), route.abort("internetdisconnected")));
    // NOTE: the route goes in `finally` whatever fails: left in place, it refused Home to every later test
    // in this browser.
    try {
      await page.evaluate(() => window.dispatchEvent(new Event("online")));
      await expect.poll(inCatalog, { timeout: 15_000 }).toBe(false);
      // The reconnection asks the worker to store the tabs again: Home's two requests fail.
      await expect.poll(() => [...refused].sort(), { timeout: 15_000 }).toEqual(["/home", "/home.data"]);
      // Offline, then the route goes: a store of the tabs still queued in the worker fails as it would
      // offline, where it stored fresh copies in between; and a route in place breaks the worker's offline
      // answers (Playwright's interception fails its cache answers with net::ERR_FAILED).
      await context.setOffline(true);
      await context.unroute(home);
      // The copies the worker answers with still list it: what follows is about what the page makes of them.
      expect(await stored()).toEqual([true, true]);

      await page.goto("/home");
      await hydrated(page);
      await expect.poll(() => listed.count()).toBe(0);
      expect(await page.locator(".list a.item-row").count()).toBeGreaterThan(0);
      // A tap on the Home tab asks for Home's data, which the worker answers with its copy too.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Saved" }).click();
      await page.getByRole("heading", { level: 1, name: "Saved" }).waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
      await page.getByRole("heading", { level: 2, name: "New and updated" }).waitFor();
      await expect.poll(() => page.locator(".list a.item-row").count()).toBeGreaterThan(0);
      expect(await listed.count()).toBe(0);
    } finally {
      await context.setOffline(false);
      // Already gone unless the test failed before that point.
      await context.unroute(home);
    }
    await page.close();
  });

  it("forgets the seller's pages, saved files and catalog when they sign out, keeping the outbox", async () => {
    const used = await usedBySeller(context);
    const { page } = used;
    await page.goto("/me");
    await hydrated(page);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expectForgotten(context, page, used);
    await page.close();
  });

  it("forgets them too when the sign-out is a plain form post (no JavaScript)", async () => {
    const used = await usedBySeller(context);
    const { page } = used;
    await page.goto("/me");
    // The browser's own submission: a POST navigation, not Remix's fetch.
    await page.evaluate(() => {
      const form = Object.assign(document.createElement("form"), { method: "post", action: "/logout" });
      document.body.append(form);
      HTMLFormElement.prototype.submit.call(form);
    });
    await expectForgotten(context, page, used);
    await page.close();
  });

  it("keeps what the seller saved while the phone is offline, even after their session ended elsewhere", async () => {
    const used = await usedBySeller(context);
    const { page, item } = used;
    await context.setOffline(true);
    try {
      await signedOutElsewhere();
      // Offline nothing says the session ended, and the saved item is what the seller went offline for.
      await page.goto(`/items/${item.id}`);
      await hydrated(page);
      await page.getByRole("heading", { level: 1, name: item.title }).waitFor();
      expect((await storeSizes(page)).saved).toBeGreaterThan(0);
      // Closed offline: coming back online, this page would hear that the session ended.
      await page.close();
    } finally {
      await context.setOffline(false);
    }
  });

  it("forgets the seller's pages, saved files, catalog and push once a page back online lands on the sign-in page after their session ended elsewhere", async () => {
    const used = await usedBySeller(context);
    const { page } = used;
    // This browser is subscribed to the seller's push, as the pages' PushManager sees it (Debian's Chromium
    // has no push service).
    await page.addInitScript(() => {
      PushManager.prototype.getSubscription = async () =>
        ({ unsubscribe: async () => (localStorage.setItem("test:unsubscribed", "yes"), true) }) as unknown as PushSubscription;
    });
    await signedOutElsewhere();
    // The phone comes back online and opens the app: no signed-in page hydrates, so no sync runs.
    await page.goto("/home");
    await expectForgotten(context, page, used);
    await expect.poll(() => page.evaluate(() => localStorage.getItem("test:unsubscribed"))).toBe("yes");
    await page.evaluate(() => localStorage.removeItem("test:unsubscribed"));
    await page.close();
  });

  it("forgets them once a sync meets a 401 after the session ended elsewhere, on a page still open", async () => {
    const used = await usedBySeller(context);
    const { page } = used;
    await signedOutElsewhere();
    // The open item page syncs when the network comes back, with the cookie of a session that is gone.
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expect.poll(() => storeSizes(page), { timeout: 15_000 }).toEqual({ catalog: 0, saved: 0, meta: 0 });
    // No sign-in page was involved: the sync's 401 was enough.
    expect(new URL(page.url()).pathname).toBe(`/items/${used.item.id}`);
    await expectNothingLeft(context, page, used);
    await page.close();
  });

  it("sends what waited for a sign-in as soon as the same seller signs in again, without a reload", async () => {
    const page = await controlledPage(context);
    const item = (await catalogOnServer(page))[0];
    const me = await page.evaluate(async () => ((await (await fetch("/api/v1/me")).json()) as { user: { id: string } }).user.id);
    await page.goto(`/items/${item.id}`);
    await hydrated(page);
    // The session ends (it expired, or "sign out everywhere" on another phone); this page does not know yet.
    await context.clearCookies();
    // A view of this seller's waits in the outbox, and the next attempt to send it meets the 401.
    const waiting = await page.evaluate(
      ({ userId, itemId }) =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open("fieldkit-offline");
          open.onsuccess = () => {
            const tx = open.result.transaction("outbox", "readwrite");
            const body = { id: crypto.randomUUID(), type: "view", itemId, at: new Date().toISOString() };
            tx.objectStore("outbox").put({ id: body.id, userId, kind: "event", itemId, at: body.at, body, attempts: 0, nextAttemptAt: 0 });
            tx.oncomplete = () => {
              open.result.close();
              window.dispatchEvent(new Event("online"));
              resolve(body.id);
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      { userId: me, itemId: item.id },
    );
    // The next tap lands on the sign-in page.
    await Promise.all([
      page.waitForURL((u) => u.pathname === "/login"),
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click(),
    ]);
    expect((await outboxEntries<{ id: string }>(page)).map((e) => e.id)).toContain(waiting);
    // Signing in is a client-side navigation: the page, and the offline runtime in it, live on.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByLabel("Email", { exact: true }).fill("seller@demo.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.getByRole("button", { name: "Sign in" }).click()]);
    // Gone from the outbox means answered 2xx (a refusal stays, marked failed).
    await expect.poll(async () => (await outboxEntries<{ id: string }>(page)).map((e) => e.id), { timeout: 15_000 }).not.toContain(waiting);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  });
});
