// Notifications in Chromium: a seller's requests reach marketing's bell, as one line for four of them; the
// list opens one (marking it read), "Mark these as read" and "Mark all as read" clear the count; the preferences form on Me saves; turning push on for
// the device subscribes through the real PushManager when headless Chromium has a push service.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type BrowserContext, type Page } from "../setup/browser";

describeBrowser("notifications", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launch({ viewport: { width: 1280, height: 900 } });
    context = browser.context;
  });
  afterAll(() => browser?.close());

  async function as(email: string): Promise<Page> {
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, email);
    return page;
  }

  it("brings a seller's requests to marketing's bell as one line, opens one from it and clears the count", async () => {
    // Four requests after a team meeting: one line that counts them, not four.
    const tag = randomBytes(3).toString("hex");
    const texts = ["data residency", "SOC 2 controls", "EU pricing", "uptime history"].map((t) => `A one-pager on ${t} (${tag})`);
    const seller = await as("seller@demo.test");
    for (const text of texts) expect((await seller.request.post("/api/v1/requests", { data: { text } })).status()).toBe(201);
    await seller.close();

    const page = await as("marketer@demo.test");
    const bell = page.getByRole("link", { name: /^Notifications, \d+ unread$/ });
    await bell.waitFor();
    await bell.click();
    await page.waitForURL("**/notifications");
    // Other files' requests of the last day may be in the same burst, read or not: the count is at least four.
    const burst = page.locator("li.burst").filter({ hasText: texts[3] });
    const summary = burst.locator("summary");
    const line = async () => (await summary.textContent())!.match(/^(New: )?(\d+) content requests from sellers(?: \((\d+) unread\))?$/);
    const first = await line();
    expect(first?.[1]).toBe("New: ");
    const total = Number(first![2]);
    const unreadBefore = first![3] === undefined ? total : Number(first![3]);
    expect(total).toBeGreaterThanOrEqual(4);
    expect(unreadBefore).toBeGreaterThanOrEqual(4);
    await expect(burst.getByRole("link").first().isVisible()).resolves.toBe(false);
    await expectNoAxeViolations(page, "the notifications list");
    await summary.click();
    const entry = burst.getByRole("link", { name: /New: New content request from Sam Seller/ }).first();
    await entry.waitFor();
    for (const text of texts) await expect(burst.getByText(text).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page, "the notifications list with a burst open");
    await entry.click();
    await page.waitForURL("**/feedback/requests");
    await page.goto("/notifications");
    await expect(line().then((m) => [m?.[1], Number(m?.[2]), Number(m?.[3])])).resolves.toEqual(["New: ", total, unreadBefore - 1]);
    await burst.getByRole("button", { name: "Mark these as read" }).click();
    await burst.getByRole("button", { name: "Mark these as read" }).waitFor({ state: "detached" });
    await expect(summary.textContent()).resolves.toBe(`${total} content requests from sellers`);
    const markAll = page.getByRole("button", { name: "Mark all as read" });
    if (await markAll.count()) {
      await markAll.click();
      await page.getByRole("button", { name: "Mark all as read" }).waitFor({ state: "detached" });
    }
    // Everything read: "Unread" says so, and leads back to them all.
    await Promise.all([page.waitForURL(/show=unread/), page.getByRole("link", { name: "Unread (0)" }).click()]);
    await page.getByText("Nothing unread", { exact: true }).waitFor();
    await expect(page.locator("li.burst").count()).resolves.toBe(0);
    await page.getByRole("link", { name: "See all notifications" }).click();
    await burst.waitFor();
    await page.getByRole("link", { name: "Notifications", exact: true }).waitFor();
    await page.close();
  });

  it("saves notification settings on Me and offers push for this device, subscribing when the browser can", async () => {
    await context.grantPermissions(["notifications"]);
    const page = await as("seller@demo.test");
    await page.goto("/me#notifications");
    const form = page.getByRole("form", { name: "Notification settings" });
    await form.getByRole("group", { name: "Buyer opened a share" }).getByLabel("Email").selectOption("daily");
    await form.getByRole("button", { name: "Save notification settings" }).click();
    await page.getByText("Notification settings saved.").waitFor();
    const prefs = (await (await page.request.get("/api/v1/me/notifications")).json()) as { kinds: { kind: string; email: string }[] };
    expect(prefs.kinds.find((k) => k.kind === "share_opened")?.email).toBe("daily");
    await expectNoAxeViolations(page, "Me with notification settings");

    const turnOn = page.getByRole("button", { name: "Turn on push on this device" });
    await turnOn.waitFor({ timeout: 15_000 });
    await turnOn.click();
    const status = page.locator("[role=status]", { hasText: /Push notifications are on|Could not turn push on/ });
    await status.waitFor({ timeout: 30_000 });
    const said = await status.textContent();
    // NOTE: Debian's Chromium has no push service keys; subscribe() then fails with an AbortError from the
    // browser. The page must say so; when a push service is there, the server must hold the subscription.
    if (said?.includes("are on")) {
      const info = (await (await page.request.get("/api/v1/me/push-subscriptions")).json()) as { enabled: boolean; devices: number };
      expect(info).toMatchObject({ enabled: true });
      expect(info.devices).toBeGreaterThan(0);
    } else {
      console.warn(`push subscription unavailable in this Chromium: ${said}`);
      expect(said).toMatch(/Could not turn push on: .+/);
    }
    await page.close();
  });

  it("shows a pushed message from the service worker, with its link for the click", async () => {
    // NOTE: a browser of its own. In the shared one the previous test's subscribe() may still be pending
    // (Debian's Chromium never settles it), and in two whole-suite runs a message delivered then was
    // never shown, however long the test waited; alone, or on the retry, it always was.
    const own = await launch({ viewport: { width: 1280, height: 900 } });
    try {
      await own.context.grantPermissions(["notifications"]);
      const page = await own.context.newPage();
      await signIn(page, "seller@demo.test");
      await page.goto("/me");
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      // The push service's part, played by Chromium's DevTools protocol: deliver a message to our worker.
      const cdp = await own.context.newCDPSession(page);
      const origin = new URL(page.url()).origin;
      const registrationId = new Promise<string>((resolve) =>
        cdp.on("ServiceWorker.workerVersionUpdated", (e: { versions: { registrationId: string; scriptURL: string; status: string }[] }) => {
          const active = e.versions.find((v) => v.status === "activated" && v.scriptURL.startsWith(origin));
          if (active) resolve(active.registrationId);
        }),
      );
      await cdp.send("ServiceWorker.enable");
      const data = JSON.stringify({ title: "Dana opened your share", body: "Just now", url: `${origin}/shares`, tag: "fk-e2e" });
      const id = await registrationId;
      // NOTE: under a whole-suite load Chromium sometimes accepts a DevTools-delivered message without
      // waking the worker (twice in ~10 runs, with the worker activated); a push service retries too.
      // So up to three deliveries: the worker must show the message for one of them, and the tag keeps
      // it to one notification.
      let shown: { title: string; body: string; data: { url: string } }[] = [];
      for (let delivery = 1; delivery <= 3 && !shown.length; delivery++) {
        if (delivery > 1) console.warn(`push message not shown after delivery ${delivery - 1}; delivering again`);
        await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: id, data });
        shown = await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          for (let i = 0; i < 50; i++) {
            const list = await reg.getNotifications({ tag: "fk-e2e" });
            if (list.length) return list.map((n) => ({ title: n.title, body: n.body, data: n.data as { url: string } }));
            await new Promise((r) => setTimeout(r, 100));
          }
          return [];
        });
      }
      expect(shown).toEqual([{ title: "Dana opened your share", body: "Just now", data: { url: `${origin}/shares` } }]);
    } finally {
      // With isolate: false the test process lives on: a browser left open would run to the end of the suite.
      await own.close();
    }
  });
});
