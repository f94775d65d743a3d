// The seller's screens on a phone in light and dark: axe clean in both, screenshots of each kept under
// test-results/ for people to look at, thumbnails on cards, the dark-mode toggle that survives a reload
// without a light flash, the progress line on a slow tap, and the device's copy on a slow network.
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { apiCookie, baseURL, describeBrowser, hydrated, launch, outboxSize, signIn, type Page } from "../setup/browser";
import { startHoldingProxy } from "../setup/holding-proxy";

const SHOTS = "test-results/screenshots";

/** The page's background colour as [r, g, b]. */
const background = (page: Page) =>
  page.evaluate(() => (getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number));
const isDark = (rgb: number[]) => rgb.reduce((a, b) => a + b, 0) / 3 < 60;

/** A cookie session outside the browser, for setting up data through the API as marketing would. */
async function apiSession(email: string) {
  const cookie = await apiCookie(email);
  return (path: string, init: RequestInit = {}) =>
    fetch(`${baseURL}${path}`, {
      ...init,
      headers: { Cookie: cookie, Origin: baseURL, Accept: "application/json", ...(init.headers ?? {}) },
    });
}

/** Through review (marketing sends, an admin approves), as the desk would. */
async function publish(id: string) {
  const move = async (email: string, to: string) => {
    const res = await (
      await apiSession(email)
    )(`/api/v1/items/${id}/transition`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ to }),
    });
    expect(res.status, await res.text()).toBe(200);
  };
  await move("marketer@demo.test", "in_review");
  await move("admin@demo.test", "published");
}

/** The smallest file the upload sniffing takes for an MP4: an `ftyp` box (brand isom) and padding. */
function tinyMp4(): Uint8Array<ArrayBuffer> {
  const box = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, body]);
  };
  const ftyp = box(
    "ftyp",
    Buffer.concat([Buffer.from("isom", "latin1"), Buffer.from([0, 0, 2, 0]), Buffer.from("isomiso2mp41", "latin1")]),
  );
  return new Uint8Array(Buffer.concat([ftyp, box("free", Buffer.alloc(4096))]));
}

describeBrowser("the seller's screens in light and dark", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let itemId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
    page = await browser.context.newPage();
    await signIn(page, "seller@demo.test");
    const catalog = await page.evaluate(
      async () => (await (await fetch("/api/v1/sync?limit=1000")).json()).items as { id: string; previews: number[] }[],
    );
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
    const sizes = await page
      .locator(".search-hits .thumb")
      .evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]));
    expect(sizes.length).toBeGreaterThan(0);
    for (const [w, h] of sizes) expect([w, h]).toEqual([64, 64]);
    expect(await page.locator(".search-hits .thumb-icon").count()).toBeGreaterThan(0);
  });

  it("plays an uploaded MP4 in place, and the file answers byte ranges for seeking", async () => {
    const marketer = await apiSession("marketer@demo.test");
    const form = new FormData();
    form.set("file", new Blob([tinyMp4()], { type: "video/mp4" }), `clip-${Date.now()}.mp4`);
    const created = await marketer("/api/v1/items", { method: "POST", body: form });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await publish(id);

    await page.goto(`/items/${id}`);
    const source = page.locator("video source");
    await source.waitFor({ state: "attached" });
    expect(await source.getAttribute("src")).toBe(`/api/v1/items/${id}/file`);
    expect(await source.getAttribute("type")).toBe("video/mp4");
    expect(await page.locator("video").getAttribute("preload")).toBe("metadata");
    const ranged = await page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { Range: "bytes=0-7" } });
      return { status: res.status, length: (await res.arrayBuffer()).byteLength };
    }, `/api/v1/items/${id}/file`);
    expect(ranged).toEqual({ status: 206, length: 8 });
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

  it("puts what the seller just opened first under Recently opened on Home", async () => {
    await page.goto("/home");
    await hydrated(page);
    const latest = page.locator("main h2", { hasText: "New and updated" }).locator("xpath=following-sibling::*[1]");
    const last = latest.locator("a.item-row").last();
    const href = (await last.getAttribute("href"))!;
    await last.click();
    await page.waitForURL((u) => u.pathname === href);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    const recent = page.getByRole("region", { name: "Recently opened" });
    await expect.poll(() => recent.locator("a.item-row").first().getAttribute("href")).toBe(href);
    await expectNoAxeViolations(page, "Home with recently opened items");
  });

  it("shows a progress line while a tap waits for a slow page, and removes it when the page arrives", async () => {
    // Its own browser without the service worker, which would answer the held request itself.
    const plain = await launch({ serviceWorkers: "block" });
    const page = await plain.context.newPage();
    await signIn(page, "seller@demo.test");
    await page.goto("/home");
    // A tap before hydration is a plain page load, with the browser's own progress instead of ours.
    await hydrated(page);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/search.data*", async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await page.getByRole("progressbar", { name: "Loading the next page" }).waitFor();
    // The line sits outside the shell's landmarks; it must still be inside one of its own.
    await expectNoAxeViolations(page, "Home waiting for the next page");
    release();
    await page.getByRole("heading", { level: 1, name: "Search" }).waitFor();
    await page.getByRole("progressbar", { name: "Loading the next page" }).waitFor({ state: "detached" });
    await plain.close();
  });

  it("says a tap or a load on a slow network got the device's copy, and shows the newer version the seller asks for", async () => {
    const network = await startHoldingProxy(baseURL);
    const phone = await launch({ baseURL: network.url });
    try {
      const seller = await phone.context.newPage();
      await signIn(seller, "seller@demo.test");
      await seller.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
      await seller.goto("/home");
      await hydrated(seller);
      // The worker's copies of Home, as the store after this load left them: older than the card below.
      const loaded = Date.now();
      const copyDate = (path: string) =>
        seller.evaluate(async (path) => {
          const copy = await (await caches.open("fieldkit-pages-v1")).match(new URL(path, location.origin).href);
          return Date.parse(copy?.headers.get("Date") ?? "") || 0;
        }, path);
      for (const path of ["/home", "/home.data"])
        await expect.poll(() => copyDate(path), { timeout: 20_000 }).toBeGreaterThan(loaded - 1_000);
      const marketer = await apiSession("marketer@demo.test");
      const created = await marketer("/api/v1/items", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "battle_card", title: `Published while the signal was bad ${Date.now()}`, body: "New." }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      await publish(id);
      const card = seller.locator(`.list a[href="/items/${id}"]`);
      const notice = seller.getByRole("status").filter({ hasText: "Slow network: this is the copy saved on this device" });
      const newer = seller.getByRole("button", { name: "Show it" });

      // The network holds a tap's data past the worker's 3 s, then a load's page, until the test lets it through.
      for (const [kind, path] of [
        ["tap", "/home.data"],
        ["load", "/home"],
      ] as const) {
        const release = network.hold(path);
        try {
          if (kind === "tap") {
            await seller.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
            await seller.getByRole("heading", { level: 1, name: "Search" }).waitFor();
            await seller.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
          } else await seller.goto("/home");
          await notice.waitFor();
          await seller.getByRole("heading", { level: 2, name: "New and updated" }).waitFor();
          expect(await card.count()).toBe(0);
        } finally {
          release();
        }
        await newer.waitFor();
        await expect.poll(() => notice.count()).toBe(0);
        await expectNoAxeViolations(seller, `Home from the device's copy, with a newer version (${kind})`);
        // The seller's tap, not the page by itself, brings the new card in.
        expect(await card.count()).toBe(0);
        await newer.click();
        await card.waitFor();
        await expect.poll(() => newer.count()).toBe(0);
      }
    } finally {
      await phone.close();
      await network.close();
    }
  });

  it("keeps Home, Search and an item page still while they load and hydrate on a slow phone", async () => {
    // A cold load (no service worker, a 4× slower CPU): what comes alive after hydration (the offline
    // box's buttons, thumbnails) must already have its place in the server's HTML.
    const cold = await launch({ serviceWorkers: "block" });
    const page = await cold.context.newPage();
    await signIn(page, "seller@demo.test");
    const cdp = await cold.context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.addInitScript(() => {
      const shifts: { value: number; sources: string[] }[] = [];
      (window as unknown as { __shifts: typeof shifts }).__shifts = shifts;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Node | null }[] }[])
          if (!e.hadRecentInput)
            shifts.push({
              value: e.value,
              sources: (e.sources ?? []).map((x) => (x.node as Element | null)?.outerHTML?.slice(0, 80) ?? "?"),
            });
      }).observe({ type: "layout-shift", buffered: true });
    });
    for (const path of ["/home", "/search?q=pricing", `/items/${itemId}`]) {
      await page.goto(path, { waitUntil: "networkidle" });
      // Hydration done and the offline box alive (on the item page), then a moment for late images.
      if (path.startsWith("/items/")) await page.getByRole("button", { name: "Save for offline", disabled: false }).waitFor();
      await page.waitForTimeout(500);
      const shifts = await page.evaluate(() => (window as unknown as { __shifts: { value: number; sources: string[] }[] }).__shifts);
      // Lighthouse's goal is a CLS of at most 0.02; nothing here should move at all.
      expect(shifts, path).toEqual([]);
    }
    await cold.close();
  });

  it("paints the server's page before asking for the hydration scripts, then hydrates", async () => {
    // Remix asks for every module at once; loaded before a small document is parsed, they ran before
    // anything was painted (the page appeared only after its JavaScript). Now they start after a frame.
    const cold = await launch({ serviceWorkers: "block" });
    const page = await cold.context.newPage();
    await signIn(page, "seller@demo.test");
    const html = await (await page.request.get(`/items/${itemId}`)).text();
    expect(html).not.toMatch(/<link rel="modulepreload"|<script[^>]* type="module"/);
    expect(html).toContain("m.type='module'");
    await page.goto(`/items/${itemId}`);
    // The offline box's Save button is enabled by hydration.
    await page.getByRole("button", { name: "Save for offline", disabled: false }).waitFor();
    const timing = await page.evaluate(() => ({
      firstPaint: performance.getEntriesByType("paint").find((e) => e.name === "first-paint")?.startTime ?? Infinity,
      scripts: performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.startsWith("/build/"))
        .map((e) => e.startTime),
    }));
    expect(timing.scripts.length).toBeGreaterThan(1);
    expect(Math.min(...timing.scripts)).toBeGreaterThanOrEqual(timing.firstPaint);
    await cold.close();
  });

  it("draws the controls that need the page's scripts disabled until the scripts have started", async () => {
    const cold = await launch({ serviceWorkers: "block" });
    const page = await cold.context.newPage();
    await signIn(page, "seller@demo.test");
    await page.route("**/build/**", (route) => route.abort());
    await page.goto("/search?q=deck");
    const select = page.getByRole("button", { name: "Select results to share" });
    await expect.poll(() => select.isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Dark mode" }).isDisabled()).toBe(true);
    await page.unroute("**/build/**");
    await page.reload();
    await select.and(page.locator(":enabled")).waitFor();
    await select.click();
    await page.getByRole("button", { name: "Cancel" }).waitFor();
    await cold.close();
  });

  it("counts the view of an item page the seller left before it hydrated, and a hydrated visit once", async () => {
    // Hydration starts after the first paint, so the page itself stages its view (document-view.tsx).
    const marketer = await apiSession("marketer@demo.test");
    const views = async () =>
      ((await (await marketer("/api/v1/insights/items")).json()) as { items: { itemId: string; views: number }[] }).items.find(
        (i) => i.itemId === itemId,
      )?.views ?? 0;
    const before = await views();
    const cold = await launch({ serviceWorkers: "block" });
    const page = await cold.context.newPage();
    await signIn(page, "seller@demo.test");
    // The page's scripts never arrive: as a seller who leaves within the first moments.
    await page.route("**/build/**", (route) => route.abort());
    await page.goto(`/items/${itemId}`);
    const staged = await page.evaluate(() => JSON.parse(localStorage.getItem("fieldkit:staged-outbox") ?? "[]"));
    expect(staged).toMatchObject([{ kind: "event", itemId, body: { type: "view", itemId, props: { source: "item_page" } } }]);
    await page.unroute("**/build/**");

    // Any later page delivers it. This visit hydrates, and its effect must not stage the view again.
    await page.goto(`/items/${itemId}`);
    await page.getByRole("button", { name: "Save for offline", disabled: false }).waitFor();
    await page.goto("/home");
    await expect.poll(() => outboxSize(page), { timeout: 20_000 }).toBe(0);
    expect(await views()).toBe(before + 2);
    await cold.close();
  });
});
