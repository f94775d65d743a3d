// The seller who installs, saves and flies the same day: one online session (sign in, open an item, save
// it), then airplane mode — the browser offline AND the server stopped — and every tab, the start URL, an
// unsaved item and Back still work, with no error page. The server is this test's own (demo seed), so it
// can be stopped without disturbing the other browser tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { DEMO_PASSWORD, describeBrowser, launch, type Page } from "../setup/browser";
import { pgliteDataDirFromTemplate } from "../setup/databases";
import { startAppServer, type AppServer } from "../setup/server-process";

type CatalogEntry = { id: string; title: string; type: string; file: unknown; previews: number[]; bodyMd: string | null };

/** Fails on the generic error page and on the worker's "not stored" fallback page. */
async function expectAppPage(page: Page, heading: string | RegExp) {
  await page.getByRole("heading", { level: 1, name: heading }).waitFor({ timeout: 15_000 });
  expect(await page.locator(".error-page").count(), `error page on ${page.url()}`).toBe(0);
  expect(await page.getByText("Something went wrong").count()).toBe(0);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Saved" }).waitFor();
}

describeBrowser("offline from the first session, with the server gone", () => {
  let server: AppServer | undefined;
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-e2e-offline-"));
    await (await pgliteDataDirFromTemplate(dataDir))?.close();
    server = await startServer();
  });
  const startServer = () =>
    startAppServer({ NODE_ENV: "test", DATA_DIR: dataDir, DATABASE_URL: "", SESSION_SECRET: "offline-first-session-0123456789" });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens the start URL, all four tabs, search, an unsaved item and Back in airplane mode after one session", async () => {
    server ??= await startServer();
    const base = server.baseURL;
    // A fresh profile per attempt: a retry must start from a device that never saw Fieldkit.
    await browser?.close();
    browser = await launch();
    const page = await browser.context.newPage();
    const url = (p: string) => `${base}${p}`;

    // First session: sign in, open an item, save it.
    await page.goto(url("/login"));
    await page.getByLabel("Email").fill("seller@demo.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === "/home"), page.getByRole("button", { name: "Sign in" }).click()]);
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });

    let catalog: CatalogEntry[] = [];
    await expect
      .poll(
        async () => {
          catalog = await page.evaluate(async () => (await (await fetch("/api/v1/sync?limit=1000")).json()).items);
          return catalog.some((c) => c.file && c.previews.includes(1));
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const saved = catalog.find((c) => c.file && c.previews.includes(1))!;

    // Thumbnails on Home (the demo's previews are ready now): sized boxes, so loading them moves nothing.
    await page.goto(url("/home"));
    const thumb = page.locator(".list img.thumb").first();
    await thumb.waitFor({ state: "attached" });
    expect(await thumb.getAttribute("width")).toBe("64");
    expect(await thumb.getAttribute("height")).toBe("64");
    expect(await thumb.getAttribute("loading")).toBe("lazy");
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.goto(url(`/items/${saved.id}`));
    await page.getByRole("heading", { level: 1, name: saved.title }).waitFor();
    await page.getByRole("button", { name: "Save for offline" }).click();
    await page.getByText("Saved on this device").waitFor({ timeout: 30_000 });
    // The worker stored the four tabs and route discovery when it saw the signed-in seller.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const pages = await caches.open("fieldkit-pages-v1");
            const keys = ["/home", "/search", "/saved", "/me", "/home.data", "/__manifest?shell=1"];
            const found = await Promise.all(keys.map((k) => pages.match(new URL(k, location.origin).toString())));
            return keys.filter((_, i) => !found[i]);
          }),
        { timeout: 30_000 },
      )
      .toEqual([]);

    // Airplane mode: no network, and no server behind it either.
    await server!.stop();
    server = undefined;
    await browser.context.setOffline(true);

    await page.goto(url("/home?source=pwa"));
    await expectAppPage(page, /^Hi /);
    await page.getByText("You're offline.", { exact: true }).waitFor();
    await page.goto(url("/"));
    await page.waitForURL((u) => u.pathname === "/home");
    await expectAppPage(page, /^Hi /);
    for (const [tab, heading] of [
      ["/home", /^Hi /],
      ["/search", "Search"],
      ["/saved", "Saved"],
      ["/me", /.+/],
    ] as const) {
      await page.goto(url(tab));
      await expectAppPage(page, heading);
    }
    await expectNoAxeViolations(page, "Me offline");

    // Tabs by tapping (client-side navigation, whose data the server cannot give).
    const tabs = page.getByRole("navigation", { name: "Main" });
    await tabs.getByRole("link", { name: "Home" }).click();
    await expectAppPage(page, /^Hi /);
    // What this device opened is on Home in airplane mode too.
    await page.getByRole("region", { name: "Recently opened" }).locator(`a[href="/items/${saved.id}"]`).waitFor();
    await tabs.getByRole("link", { name: "Search" }).click();
    await expectAppPage(page, "Search");

    // The Search tab answers from the device, with no "More results" under it.
    const word = saved.title.split(/\s+/).find((w) => w.length >= 5)!;
    await page.getByRole("searchbox").fill(word);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const results = page.getByRole("list", { name: "Search results" });
    await results.locator(`a[href="/items/${saved.id}"]`).getByText("Saved on device").waitFor();
    expect(await page.getByRole("link", { name: "More results" }).count()).toBe(0);
    await expectNoAxeViolations(page, "Search offline");
    // A reload (pull to refresh) answers from the device too, for the query in the address: the worker's
    // copy is of the bare Search page.
    await page.reload();
    await expectAppPage(page, "Search");
    await results.locator(`a[href="/items/${saved.id}"]`).getByText("Saved on device").waitFor();
    expect(await page.getByRole("searchbox").inputValue()).toBe(word);

    // An item that is not on the device: a clear card, "save when back online", and Back.
    await tabs.getByRole("link", { name: "Home" }).click();
    await expectAppPage(page, /^Hi /);
    const onHome = await page.locator(".list a.item-row").evaluateAll((els) => els.map((e) => e.getAttribute("href")!.split("/").pop()!));
    const unsavedId = onHome.find((id) => id !== saved.id && !catalog.find((c) => c.id === id)?.bodyMd)!;
    expect(unsavedId).toBeTruthy();
    await page.locator(`.list a[href="/items/${unsavedId}"]`).click();
    await page.getByRole("heading", { name: "Not saved on this device" }).waitFor();
    expect(await page.getByText("Something went wrong").count()).toBe(0);
    await page.getByRole("button", { name: "Save when back online" }).click();
    await page.getByText("It will be saved on this device when you're back online.").waitFor();
    await expectNoAxeViolations(page, "an unsaved item offline");
    await page.goBack();
    await expectAppPage(page, /^Hi /);

    // The saved item opens in full, with its preview from the device.
    await page.goto(url(`/items/${saved.id}`));
    await page.getByRole("heading", { level: 1, name: saved.title }).waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.querySelector(".preview-img") as HTMLImageElement | null)?.naturalWidth ?? 0))
      .toBeGreaterThan(0);
    await page.goBack();
    await expectAppPage(page, /^Hi /);
    await page.close();
  });
});
