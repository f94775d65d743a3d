// The seller's screens on a phone in light and dark: axe clean in both, screenshots of each kept under
// test-results/ for people to look at, thumbnails on cards, the dark-mode toggle that survives a reload
// without a light flash, and the progress line on a slow tap.
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type Page } from "../setup/browser";

const SHOTS = "test-results/screenshots";

/** The page's background colour as [r, g, b]. */
const background = (page: Page) =>
  page.evaluate(() => (getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number));
const isDark = (rgb: number[]) => rgb.reduce((a, b) => a + b, 0) / 3 < 60;

describeBrowser("the seller's screens in light and dark", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let itemId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
    page = await browser.context.newPage();
    await signIn(page, "seller@demo.test");
    const catalog = await page.evaluate(async () => (await (await fetch("/api/v1/sync?limit=1000")).json()).items as { id: string; previews: number[] }[]);
    itemId = catalog.find((c) => c.previews.includes(1))!.id;
  });
  afterAll(() => browser?.close());

  for (const scheme of ["light", "dark"] as const) {
    it(`passes axe on Home, Search, Saved and an item page in ${scheme} mode, with screenshots`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      const screens = [
        ["home", "/home"],
        ["search", "/search?q=pricing"],
        ["saved", "/saved"],
        ["item", `/items/${itemId}`],
      ] as const;
      for (const [name, path] of screens) {
        await page.goto(path);
        await page.getByRole("heading", { level: 1 }).first().waitFor();
        if (name === "search") await page.locator(".search-hits .thumb").first().waitFor();
        expect(isDark(await background(page)), `${name} background in ${scheme} mode`).toBe(scheme === "dark");
        await expectNoAxeViolations(page, `${name} (${scheme})`);
        await page.screenshot({ path: `${SHOTS}/seller-${name}-${scheme}.png`, fullPage: true });
      }
    });
  }

  it("shows thumbnails as fixed 64 px boxes on Search, and a type icon for messaging", async () => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/search?q=battle");
    await page.locator(".search-hits .thumb").first().waitFor();
    const sizes = await page.locator(".search-hits .thumb").evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]));
    expect(sizes.length).toBeGreaterThan(0);
    for (const [w, h] of sizes) expect([w, h]).toEqual([64, 64]);
    expect(await page.locator(".search-hits .thumb-icon").count()).toBeGreaterThan(0);
  });

  it("keeps a chosen dark theme across reloads, set before the page paints, and follows the system again when switched back", async () => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/home");
    const toggle = page.getByRole("button", { name: "Dark mode" });
    await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    await expect.poll(() => background(page).then(isDark)).toBe(true);
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");

    // The theme is on <html> as soon as the document is parsed, before any of the app's scripts ran.
    await page.reload({ waitUntil: "domcontentloaded" });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(isDark(await background(page))).toBe(true);

    await page.getByRole("button", { name: "Dark mode" }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? "system")).toBe("system");
    expect(isDark(await background(page))).toBe(false);
  });

  it("shows a progress line while a tap waits for a slow page, and removes it when the page arrives", async () => {
    // Its own browser without the service worker, which would answer the held request itself.
    const plain = await launch({ serviceWorkers: "block" });
    const page = await plain.context.newPage();
    await signIn(page, "seller@demo.test");
    await page.goto("/home");
    await page.getByRole("heading", { level: 1 }).waitFor();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/search.data*", async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByRole("progressbar", { name: "Loading the next page" }).waitFor();
    release();
    await page.getByRole("heading", { level: 1, name: "Search" }).waitFor();
    await page.getByRole("progressbar", { name: "Loading the next page" }).waitFor({ state: "detached" });
    await plain.close();
  });
});
