import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import {
  apiCookie,
  baseURL,
  describeBrowser,
  hydrated,
  launch,
  outboxSize,
  setExpiryOnDevice,
  signIn,
  type BrowserContext,
  type Page,
} from "../setup/browser";

type CatalogEntry = {
  id: string;
  title: string;
  type: string;
  file: { size: number | null } | null;
  previews: number[];
};

const TITLES = {
  pdf: "Healthcare case study: regional clinic network",
  image: "Retail store visit checklist (photo)",
  card: "Financial services procurement battle card",
} as const;

/** A session for checking what the server holds, outside the browser under test. */
async function apiSession(email: string) {
  const cookie = await apiCookie(email);
  return async <T>(path: string): Promise<T> => {
    const r = await fetch(`${baseURL}${path}`, { headers: { Cookie: cookie, Accept: "application/json" } });
    expect(r.status, `${path} answered ${r.status}`).toBe(200);
    return (await r.json()) as T;
  };
}

/** A cookie session outside the browser that changes the library, as marketing would. */
async function apiWriter(email: string) {
  const cookie = await apiCookie(email);
  return async (path: string, body: unknown) => {
    const r = await fetch(`${baseURL}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: baseURL, Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(r.status, `${path} answered ${r.status}: ${await r.clone().text()}`).toBeLessThan(300);
    return (await r.json()) as { id: string };
  };
}

type Insights = { items: { itemId: string; views: number; useful: number; notUseful: number }[] };
const viewsOf = async (marketer: Awaited<ReturnType<typeof apiSession>>, ids: string[]) => {
  const { items } = await marketer<Insights>("/api/v1/insights/items");
  return Object.fromEntries(ids.map((id) => [id, items.find((i) => i.itemId === id)?.views ?? 0]));
};
const myRequests = async (seller: Awaited<ReturnType<typeof apiSession>>, text: string) =>
  (await seller<{ requests: { text: string }[] }>("/api/v1/requests")).requests.filter((r) => r.text === text);

async function waitForServiceWorker(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
}

async function saveForOffline(page: Page, id: string, title: string) {
  await page.goto(`/items/${id}`);
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  await page.getByRole("button", { name: "Save for offline" }).click();
  await page.getByText("Saved on this device").waitFor({ timeout: 30_000 });
}

describeBrowser("offline field kit on a phone", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  let items: Record<keyof typeof TITLES, CatalogEntry>;

  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  it("saves a PDF, an image and a battle card, uses them in airplane mode, and delivers every offline action exactly once", async () => {
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await waitForServiceWorker(page);

    const catalog = await page.evaluate(async () => (await (await fetch("/api/v1/sync?limit=1000")).json()).items as CatalogEntry[]);
    items = {
      pdf: catalog.find((c) => c.title === TITLES.pdf)!,
      image: catalog.find((c) => c.title === TITLES.image)!,
      card: catalog.find((c) => c.title === TITLES.card)!,
    };
    expect(items.pdf.file).not.toBeNull();
    expect(items.image.file).not.toBeNull();
    const ids = Object.values(items).map((i) => i.id);

    const marketer = await apiSession("marketer@demo.test");
    const seller = await apiSession("seller@demo.test");
    const viewsBefore = await viewsOf(marketer, ids);

    for (const key of ["pdf", "image", "card"] as const) await saveForOffline(page, items[key].id, TITLES[key]);
    await page.goto("/saved");
    await page.getByRole("list", { name: "Saved items" }).getByRole("link", { name: TITLES.card }).waitFor();
    await expectNoAxeViolations(page, "Saved with three items");
    // Views of the three pages while saving reach the server before we go offline.
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);

    await context.setOffline(true);
    await page.reload();
    await page.getByText("You're offline.").waitFor();
    await expectNoAxeViolations(page, "Saved while offline");

    for (const key of ["pdf", "image", "card"] as const) {
      await page.goto(`/items/${items[key].id}`);
      await page.getByRole("heading", { level: 1, name: TITLES[key] }).waitFor();
    }
    // The original file and the previews come from the device.
    const offlineAssets = await page.evaluate(
      async (list) => {
        const out: number[] = [];
        for (const e of list) {
          if (e.file) out.push((await fetch(`/api/v1/items/${e.id}/file`)).status);
          for (const n of e.previews) out.push((await fetch(`/api/v1/items/${e.id}/previews/${n}`)).status);
        }
        return out;
      },
      [items.pdf, items.image],
    );
    expect(offlineAssets.length).toBeGreaterThanOrEqual(2);
    expect(offlineAssets.every((s) => s === 200)).toBe(true);
    // What the Download button asks for (`?download=1`): the same bytes, answered from the one saved copy of
    // the file (the device stores no second one), to be saved rather than opened.
    // NOTE: asked by the page, not by clicking: Playwright's offline mode leaves the browser's own downloads online.
    const download = await page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/items/${id}/file?download=1`);
      const stored = (await (await caches.open("fieldkit-saved-v1")).keys()).filter((r) => r.url.includes("download"));
      return {
        status: res.status,
        disposition: res.headers.get("Content-Disposition"),
        size: (await res.arrayBuffer()).byteLength,
        stored,
      };
    }, items.pdf.id);
    expect(download).toEqual({ status: 200, disposition: expect.stringMatching(/^attachment/), size: items.pdf.file!.size, stored: [] });
    // The battle card's text is on the page.
    await page.goto(`/items/${items.card.id}`);
    await page.getByText("Vendor risk questionnaire").first().waitFor();

    // Rate and comment offline: the feedback form is queued in the outbox (by the hydrated page).
    await hydrated(page);
    const comment = `Banks asked for this twice this week ${Date.now()}`;
    await page.getByText("👎 No").click();
    await page.getByLabel("Comment for marketing (optional)").fill(comment);
    await page.getByRole("button", { name: /Send feedback|Update my answer/ }).click();
    await page.getByText("Your feedback is saved on this device").waitFor();
    await expectNoAxeViolations(page, "a battle card offline with feedback queued");

    // Search offline and request content.
    await page.goto("/saved?q=procurement");
    const results = page.getByRole("list", { name: "Search results" });
    await results.getByRole("link", { name: TITLES.card }).waitFor();
    expect(await results.getByText("Saved on device").count()).toBeGreaterThanOrEqual(1);
    await expectNoAxeViolations(page, "offline search results");
    await hydrated(page);
    const requestText = `One-page ROI sheet for dental clinics ${Date.now()}`;
    await page.getByLabel("What do you need?").fill(requestText);
    await page.getByRole("button", { name: "Request content" }).click();
    await page.getByText("Request saved on this device").waitFor();
    expect(await outboxSize(page)).toBeGreaterThanOrEqual(5); // 3 views + a rating + a request (+ dwell)

    // Nothing reached the server while offline.
    expect(await myRequests(seller, requestText)).toHaveLength(0);

    await context.setOffline(false);
    await expect.poll(() => outboxSize(page), { timeout: 30_000 }).toBe(0);

    expect(await myRequests(seller, requestText)).toHaveLength(1);
    const viewsAfter = await viewsOf(marketer, ids);
    // One view while saving, one offline; the battle card was opened offline twice.
    expect(viewsAfter[items.pdf.id] - viewsBefore[items.pdf.id]).toBe(2);
    expect(viewsAfter[items.image.id] - viewsBefore[items.image.id]).toBe(2);
    expect(viewsAfter[items.card.id] - viewsBefore[items.card.id]).toBe(3);
    // The rating arrived with its comment: the item page shows the seller's answer.
    await page.goto(`/items/${items.card.id}`);
    await page.getByText(/You answered No/).waitFor();
    expect(await page.getByLabel("Comment for marketing (optional)").inputValue()).toBe(comment);
    // That last visit is a view too: let it reach the server before the next test counts views.
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);

    // Offline again, a removal by mistake is put back with Undo, on Saved and on the item page; one left
    // standing frees the device.
    await context.setOffline(true);
    await page.goto("/saved");
    await hydrated(page);
    const onDevice = page.getByRole("list", { name: "Saved items" });
    await page.getByRole("button", { name: `Remove ${TITLES.image} from this device` }).click();
    await onDevice.getByRole("link", { name: TITLES.image }).waitFor({ state: "detached" });
    const undo = page.getByRole("button", { name: "Undo" });
    // The pressed button went with its row: focus is on Undo, not back at the top of the page.
    await expect.poll(() => undo.evaluate((b) => b === document.activeElement)).toBe(true);
    await expectNoAxeViolations(page, "Saved offline, offering Undo after a removal");
    await undo.click();
    await page.getByText(`“${TITLES.image}” is back on this device.`).waitFor();
    await onDevice.getByRole("link", { name: TITLES.image }).waitFor();
    await page.goto(`/items/${items.image.id}`);
    await page.getByRole("heading", { level: 1, name: TITLES.image }).waitFor();
    await hydrated(page);
    await page.getByRole("button", { name: "Remove from device" }).click();
    await page.getByText("Removed from this device.").waitFor();
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByText("Saved on this device").waitFor();
    // The copies in the saved cache (not the browser's HTTP cache, which may hold the file too).
    // Each copy's bytes are counted: a copy put back must be whole, not only listed.
    const savedCopies = () =>
      page.evaluate(async (id) => {
        const copies: { url: string; bytes: number }[] = [];
        for (const name of (await caches.keys()).filter((c) => c.startsWith("fieldkit-saved-"))) {
          const cache = await caches.open(name);
          for (const key of (await cache.keys()).filter((r) => r.url.includes(id)))
            copies.push({ url: key.url, bytes: (await (await cache.match(key))!.arrayBuffer()).byteLength });
        }
        return copies;
      }, items.image.id);
    const copies = await savedCopies();
    expect(copies.length).toBeGreaterThanOrEqual(3); // the page, its data, the file (and previews)
    expect(copies.find((c) => c.url.endsWith("/file"))?.bytes).toBe(items.image.file!.size);

    await page.getByRole("button", { name: "Remove from device" }).click();
    await page.getByText("Removed from this device.").waitFor();
    await page.goto("/saved");
    await onDevice.getByRole("link", { name: TITLES.pdf }).waitFor();
    expect(await onDevice.getByRole("link", { name: TITLES.image }).count()).toBe(0);
    expect(await savedCopies()).toEqual([]);
    await context.setOffline(false);
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);
    await page.close();
  });

  it("loses nothing and duplicates nothing when the page is closed in the middle of the flush", async () => {
    const seller = await apiSession("seller@demo.test");
    const marketer = await apiSession("marketer@demo.test");
    const page = await context.newPage();
    await page.goto("/saved");
    await waitForServiceWorker(page);
    // The last test's page recorded its dwell time as it closed: let that reach the server first, so the
    // outbox holds only what this test queues.
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);
    const viewsBefore = await viewsOf(marketer, [items.card.id]);

    await context.setOffline(true);
    await page.goto(`/items/${items.card.id}`);
    await page.getByRole("heading", { level: 1, name: TITLES.card }).waitFor();
    await expect.poll(() => outboxSize(page), { timeout: 10_000 }).toBe(1); // the offline view
    await page.goto("/saved");
    // Offline, the form is queued by the hydrated page; a submit before hydration would go to the network.
    await hydrated(page);
    const requestText = `Competitor pricing for regional banks ${Date.now()}`;
    await page.getByLabel("What do you need?").fill(requestText);
    await page.getByRole("button", { name: "Request content" }).click();
    await page.getByText("Request saved on this device").waitFor();
    expect(await outboxSize(page)).toBeGreaterThanOrEqual(2);

    // A send reaches the server, but the page is closed before it hears the answer: first during the
    // events batch, then (on the next start) during the request. Each time the outbox keeps the entry.
    // NOTE: both routes are in place before the connection returns, and each answers only its first
    // send this way: the service worker's Background Sync flushes too, and may get the lock first; it
    // must not slip a send through between one route's removal and the next one's arrival.
    let current = page;
    const cut = { events: false, requests: false };
    const closed = { events: false, requests: false };
    for (const kind of ["events", "requests"] as const) {
      await context.route(`**/api/v1/${kind}`, async (route) => {
        if (cut[kind]) return route.continue();
        cut[kind] = true;
        const open = current;
        await route.fetch();
        await open.close();
        closed[kind] = true;
        await route.abort("connectionreset").catch(() => undefined);
      });
    }
    await context.setOffline(false);
    await expect.poll(() => closed.events, { timeout: 30_000 }).toBe(true);
    current = await context.newPage();
    // The flush may start (and the page be closed) before the navigation finishes.
    await current.goto("/saved").catch(() => undefined);
    await expect.poll(() => closed.requests, { timeout: 30_000 }).toBe(true);
    for (const kind of ["events", "requests"]) await context.unroute(`**/api/v1/${kind}`);

    // Next start: the outbox sends what it still holds; the server's idempotency absorbs the re-sends.
    const again = await context.newPage();
    await again.goto("/saved");
    await expect.poll(() => outboxSize(again), { timeout: 30_000 }).toBe(0);
    expect(await myRequests(seller, requestText)).toHaveLength(1);
    const viewsAfter = await viewsOf(marketer, [items.card.id]);
    // The one offline view of the card, counted once despite the re-send.
    expect(viewsAfter[items.card.id] - viewsBefore[items.card.id]).toBe(1);
    await again.close();
  });

  it("says it is offline when the server does not answer though the phone has a connection, sends what waited once it does, and says where each request went", async () => {
    const seller = await apiSession("seller@demo.test");
    const page = await context.newPage();
    await page.goto("/saved");
    await waitForServiceWorker(page);
    await hydrated(page);
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);

    // A cell with no data, a captive portal, the server down: the interface is up and nothing answers, so
    // the browser never says "offline". Every request to the server fails, the service worker's too.
    const unreachable = /\/(api\/|manifest\.webmanifest)/;
    await context.route(unreachable, (route) => route.abort("internetdisconnected"));
    expect(await page.evaluate(() => navigator.onLine)).toBe(true);
    const requestText = `Case study for logistics firms ${Date.now()}`;
    await page.getByLabel("What do you need?").fill(requestText);
    await page.getByRole("button", { name: "Request content" }).click();
    // The form waited for the send, so it says where the request is, and the badge says why.
    await page.getByText("Request saved on this device").waitFor();
    const badge = page.getByText("You're offline.", { exact: true });
    await badge.waitFor();
    expect(await outboxSize(page)).toBe(1);
    expect(await myRequests(seller, requestText)).toHaveLength(0);

    // The server answers again: no `online` event comes, the page's probe notices and sends the request.
    await context.unroute(unreachable);
    await badge.waitFor({ state: "hidden", timeout: 30_000 });
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);
    expect(await myRequests(seller, requestText)).toHaveLength(1);

    // Online, the form says "sent" only once marketing has the request.
    const second = `${requestText} (and for ports)`;
    await page.getByLabel("What do you need?").fill(second);
    await page.getByRole("button", { name: "Request content" }).click();
    await page.getByText("Request sent to marketing.").waitFor();
    expect(await myRequests(seller, second)).toHaveLength(1);

    // Refused by the server (its 422, played by a route): the form says why and keeps the text to correct;
    // the Saved tab lists the refused action with Discard.
    const refusal = "Say what the content is for in at most 1000 characters.";
    await context.route("**/api/v1/requests", (route) =>
      route.fulfill({
        status: 422,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "invalid_input", message: refusal } }),
      }),
    );
    const third = `${requestText} (refused)`;
    await page.getByLabel("What do you need?").fill(third);
    await page.getByRole("button", { name: "Request content" }).click();
    await page.getByText(`The request was not taken: ${refusal}`).waitFor();
    expect(await page.getByLabel("What do you need?").inputValue()).toBe(third);
    await page.getByText(`1 action could not be sent: ${refusal}`).waitFor();
    await page.getByRole("button", { name: "Discard" }).click();
    await page.getByText("could not be sent").waitFor({ state: "hidden" });
    await context.unroute("**/api/v1/requests");
    expect(await myRequests(seller, third)).toHaveLength(0);
    await page.close();
  });

  it("shows a saved item whose expiry date has passed on the phone as expired, to remove and not to share", async () => {
    const marketer = await apiWriter("marketer@demo.test");
    const admin = await apiWriter("admin@demo.test");
    const title = `Promo pricing until Friday ${Date.now()}`;
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const { id } = await marketer("/api/v1/items", { type: "battle_card", title, body: "Ten percent off.", expiresAt });
    await marketer(`/api/v1/items/${id}/transition`, { to: "in_review" });
    await admin(`/api/v1/items/${id}/transition`, { to: "published" });
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await waitForServiceWorker(page);
    await saveForOffline(page, id, title);

    // The phone's clock passes the expiry date while it is offline, before the server could say so.
    await context.setOffline(true);
    try {
      await setExpiryOnDevice(page, id, new Date(Date.now() - 60_000).toISOString());
      await page.goto("/saved");
      await hydrated(page);
      const onDevice = page.getByRole("list", { name: "Saved items" });
      const row = onDevice.getByRole("listitem").filter({ hasText: title });
      await row.getByText("Expired", { exact: true }).waitFor();
      // As online, where it no longer opens: no link to it, no checkbox to share it, and it can be removed.
      expect(await row.getByRole("link").count()).toBe(0);
      await page.getByRole("button", { name: "Select saved items to share" }).click();
      await page.getByRole("group", { name: "Select saved items to share" }).waitFor();
      expect(await row.getByRole("checkbox").count()).toBe(0);
      await row.getByRole("button", { name: `Remove ${title} from this device` }).waitFor();
      await expectNoAxeViolations(page, "Saved offline with an expired item");
    } finally {
      await context.setOffline(false);
    }
    await admin(`/api/v1/items/${id}/transition`, { to: "archived" });
    await page.close();
  });

  it("counts the usage events the server refused on the Saved tab instead of dropping them unseen, until discarded", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await page.goto("/saved");
    await hydrated(page);
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);
    // Views of items the server does not know (its answer is the one for an item not shared with the seller).
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          void fetch("/api/v1/me").then(async (res) => {
            const { user } = (await res.json()) as { user: { id: string } };
            const open = indexedDB.open("fieldkit-offline");
            open.onsuccess = () => {
              const tx = open.result.transaction("outbox", "readwrite");
              for (let n = 0; n < 2; n++) {
                const itemId = crypto.randomUUID();
                const body = { id: crypto.randomUUID(), type: "view", itemId, at: new Date().toISOString() };
                tx.objectStore("outbox").put({
                  id: body.id,
                  userId: user.id,
                  kind: "event",
                  itemId,
                  at: body.at,
                  body,
                  attempts: 0,
                  nextAttemptAt: 0,
                });
              }
              tx.oncomplete = () => (open.result.close(), resolve());
              tx.onerror = () => reject(tx.error);
            };
          });
        }),
    );
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    const told = page.getByText("2 usage events could not be recorded: No such item, or it is not shared with your team.");
    await told.waitFor({ timeout: 20_000 });
    // Telemetry: said once, in the sync section, not as an error to act on.
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.getByRole("button", { name: "Discard" }).click();
    await told.waitFor({ state: "hidden" });
    expect(await outboxSize(page)).toBe(0);
    await page.close();
  });
});
