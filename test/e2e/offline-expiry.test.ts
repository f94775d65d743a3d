// An item saved for offline whose expiry date passes on the phone's clock while it is offline: opened by its
// address, the worker answers with the copy stored when it was current. The page must say it has expired
// and offer nothing for use with a buyer. Its own browser: the fake clock is the whole context's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { makePdf } from "@/content/demo/files";
import { expectNoAxeViolations } from "../setup/axe";
import {
  apiCookie,
  baseURL,
  describeBrowser,
  hydrated,
  launch,
  outboxEntries,
  setExpiryOnDevice,
  signIn,
  type BrowserContext,
} from "../setup/browser";

const DAY = 86_400_000;

/** A cookie session outside the browser that changes the library, as marketing would. */
async function apiAs(email: string) {
  const cookie = await apiCookie(email);
  return async (path: string, body: FormData | object) => {
    const r = await fetch(`${baseURL}${path}`, {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: baseURL,
        Accept: "application/json",
        ...(body instanceof FormData ? {} : { "Content-Type": "application/json" }),
      },
      body: body instanceof FormData ? body : JSON.stringify(body),
    });
    expect(r.status, `${path} answered ${r.status}: ${await r.clone().text()}`).toBeLessThan(300);
    return (await r.json()) as { id: string };
  };
}

describeBrowser("an item expired on the phone's clock, opened offline by its address", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  it("says it expired and offers no share, copy-link or download, only removal from the device", async () => {
    const marketer = await apiAs("marketer@demo.test");
    const admin = await apiAs("admin@demo.test");
    const word = `pricelist${Date.now().toString(36)}`;
    const title = `Price sheet until tomorrow ${word}`;
    const form = new FormData();
    form.set(
      "file",
      new Blob([(await makePdf(["Price sheet\nTen percent off until tomorrow."])) as BlobPart], { type: "application/pdf" }),
      "prices.pdf",
    );
    form.set("title", title);
    form.set("expiresAt", new Date(Date.now() + DAY).toISOString());
    const { id } = await marketer("/api/v1/items", form);
    await marketer(`/api/v1/items/${id}/transition`, { to: "in_review" });
    await admin(`/api/v1/items/${id}/transition`, { to: "published" });

    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
    await page.goto(`/items/${id}`);
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    await page.getByRole("button", { name: "Save for offline" }).click();
    await page.getByText("Saved on this device").waitFor({ timeout: 30_000 });
    // While current, the page offers the buyer-facing actions this test expects gone later.
    await page.getByRole("link", { name: "Share with a buyer" }).waitFor();
    await page.getByRole("link", { name: /^Download/ }).waitFor();
    // A search the worker keeps a copy of, answered from it offline later.
    const hit = page.getByRole("listitem").filter({ hasText: title });
    await expect
      .poll(
        async () => (await page.goto(`/search?q=${word}`), await hit.getByRole("link", { name: `Share ${title} with a buyer` }).count()),
      )
      .toBe(1);

    await context.setOffline(true);
    try {
      // Two days on: the expiry passed on the phone, which has not been online since to hear it.
      await page.clock.setSystemTime(Date.now() + 2 * DAY);
      await page.goto(`/items/${id}`);
      await page.getByRole("heading", { level: 1, name: title }).waitFor();
      await hydrated(page);
      const note = page.getByRole("status").filter({ hasText: "not for use with buyers" });
      await note.waitFor();
      expect(await note.textContent()).toMatch(/^Expired on .+ — not for use with buyers\.$/);
      // Neither the link (online) nor the on-device share (offline), no copy link, no file to open or download.
      expect(await page.getByRole("link", { name: "Share with a buyer" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Share with a buyer" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Copy link" }).count()).toBe(0);
      expect(await page.getByRole("link", { name: /^(Download|Open PDF)/ }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Save for offline" }).count()).toBe(0);
      await expectNoAxeViolations(page, "Expired item opened offline");
      // Back to it from another tab: a navigation in the app, answered with the worker's copy of the page's data.
      await page.locator("nav.tabbar").getByRole("link", { name: "Saved" }).click();
      await page.getByRole("heading", { level: 2, name: "On this device" }).waitFor();
      await page.goBack();
      await note.waitFor();
      expect(await page.getByRole("button", { name: "Share with a buyer" }).count()).toBe(0);

      // The copy of the search: the hit is there, expired, with nothing to open or send.
      await page.goto(`/search?q=${word}`);
      await hydrated(page);
      await hit.waitFor();
      await hit.getByText("not for use with buyers").waitFor();
      expect(await hit.getByRole("link").count()).toBe(0);
      await expectNoAxeViolations(page, "A stored search listing an expired item");

      // The saved PDF by its own address (a tab's history): the worker no longer hands it out. NOTE: the page's
      // fake clock does not reach the worker, so here the catalog on the device has the expiry moved into the past.
      const file = `/api/v1/items/${id}/file`;
      expect(await page.evaluate(async (url) => (await fetch(url)).status, file)).toBe(200);
      await setExpiryOnDevice(page, id, new Date(Date.now() - 60_000).toISOString());
      const refused = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return { status: res.status, text: await res.text() };
      }, file);
      expect(refused).toEqual({ status: 410, text: expect.stringMatching(/^Expired on .+ — not for use with buyers\.$/) });

      await page.goto(`/items/${id}`);
      await page.getByRole("button", { name: "Remove from device" }).click();
      await page.getByText("Removed from this device.").waitFor();
      const stillSaved = (itemId: string) =>
        caches.match(`${location.origin}/api/v1/items/${itemId}/file`, { cacheName: "fieldkit-saved-v1" }).then(Boolean);
      expect(await page.evaluate(stillSaved, id)).toBe(false);

      // Its openings since it expired are not queued: the server would refuse them (decision 019), and they
      // would sit on Saved among the actions that could not be sent. Staged first, then kept out of the outbox.
      const staged = () => page.evaluate((key) => localStorage.getItem(key) ?? "[]", "fieldkit:staged-outbox");
      await expect.poll(staged).not.toContain(id);
      const onItem = (await outboxEntries<{ kind: string; itemId?: string }>(page)).filter((e) => e.itemId === id);
      expect(onItem).toEqual([]);
    } finally {
      await context.setOffline(false);
    }
    await admin(`/api/v1/items/${id}/transition`, { to: "archived" });
    await page.close();
  });
});
