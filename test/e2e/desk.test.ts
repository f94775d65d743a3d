// The desk screens in Chromium, at phone and desk size: the library table's filters (a plain GET form),
// the review queue with its count in the navigation, the sticky workflow bar, the inbox's pane, and a
// manager's way from sellers' activity to one seller's page.
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, hydrated, launch, signIn, type Page } from "../setup/browser";

const DESK = { width: 1280, height: 900 };

describeBrowser("desk screens", () => {
  let phone: Awaited<ReturnType<typeof launch>>;
  let desk: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    phone = await launch();
    desk = await launch({ viewport: DESK });
  });
  afterAll(async () => {
    await phone?.close();
    await desk?.close();
  });

  async function as(browser: typeof phone, email: string): Promise<Page> {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signIn(page, email);
    return page;
  }
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  /** The fields of these labels sit side by side. */
  async function expectSameLine(page: Page, labels: string[]) {
    const tops = await Promise.all(labels.map(async (l) => (await page.getByLabel(l, { exact: true }).boundingBox())!.y));
    expect(new Set(tops).size, labels.join(" and ")).toBe(1);
  }

  it("filters the library on a phone with the search and the status select, and the URL holds the view", async () => {
    const page = await as(phone, "marketer@demo.test");
    await page.goto("/library");
    await page.getByLabel("Search title, summary or owner").fill("Atlas");
    await page.getByLabel("Status").selectOption("published");
    await Promise.all([
      page.waitForURL(/q=Atlas/),
      page.getByRole("search", { name: "Filter the library" }).getByRole("button", { name: "Apply" }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get("status")).toBe("published");
    const rows = page.locator("table.items-table tbody tr");
    // NOTE: the select may already have navigated on its own; wait for the filtered rows, not the URL alone.
    await page.locator("table.items-table tbody tr").first().filter({ hasText: /Atlas/i }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/Atlas/i);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "the library table on a phone, filtered");
    await page.close();
  });

  it("keeps the bell, the theme toggle and Sign out on a phone's top bar whatever the name and the unread count", async () => {
    const page = await as(phone, "marketer@demo.test");
    await page.goto("/library");
    // What is written into the top bar below must not be undone by hydration arriving after it.
    await hydrated(page);
    const topbarHeight = () => page.evaluate(() => document.querySelector(".topbar")!.getBoundingClientRect().height);
    const oneRow = await topbarHeight();
    // The demo's own name fits whole; Sign out is an icon here and keeps its name for screen readers.
    expect(await page.evaluate(() => ((el) => el.scrollWidth <= el.clientWidth)(document.querySelector(".topbar .who")!))).toBe(true);
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).waitFor();
    // A long name and a full bell, written into the page: the demo's names are short and its bell rarely full.
    await page.evaluate(() => {
      document.querySelector(".topbar .who")!.textContent = "Maximiliana Konstantinopoulou-Wetherspoon · Marketer";
      const bell = document.querySelector(".topbar .bell")!;
      if (!bell.querySelector(".nav-count")) bell.insertAdjacentHTML("beforeend", '<span class="nav-count">99+</span>');
    });
    const inView = (selector: string) =>
      page.evaluate((s) => {
        const box = document.querySelector(s)!.getBoundingClientRect();
        return box.left >= 0 && box.right <= window.innerWidth && box.width > 0;
      }, selector);
    expect(await inView(".topbar .bell .nav-count")).toBe(true);
    expect(await inView(".topbar .theme-toggle")).toBe(true);
    expect(await inView(".topbar form button")).toBe(true);
    // The name gives way on one line (ellipsis) rather than wrapping the bar onto more lines.
    expect(await topbarHeight()).toBe(oneRow);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await page.locator(".topbar .who").getAttribute("title")).toMatch(/ · Marketer$/);
    await page.close();
  });

  it("shows an admin on a desk what waits for review, with its count in the navigation", async () => {
    const page = await as(desk, "admin@demo.test");
    await page.goto("/library");
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: /Review \d+ waiting/ })
      .click();
    await page.locator("ol.review-queue a").first().waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "the review queue at desk size");
    // The queue's own search: a waiting item's title finds it, and the count says how many of all match.
    const title = await page.locator("ol.review-queue strong").last().innerText();
    const search = page.getByRole("search", { name: "Filter the review queue" });
    await search.getByLabel("Search").fill(title);
    await Promise.all([page.waitForURL(/[?&]q=/), search.getByRole("button", { name: "Apply" }).click()]);
    await expect.poll(() => page.locator("ol.review-queue strong").allInnerTexts()).toContain(title);
    expect(
      await page
        .getByRole("status")
        .filter({ hasText: /waiting items? match/ })
        .innerText(),
    ).toMatch(/^\d+ of \d+ waiting/);
    await search.getByLabel("Search").fill("no such item anywhere");
    await Promise.all([page.waitForURL(/no\+such/), search.getByRole("button", { name: "Apply" }).click()]);
    await page.locator(".empty", { hasText: "Nothing waiting matches" }).waitFor();
    await expectNoAxeViolations(page, "the review queue, searched with no match");
    await page.getByRole("link", { name: "Clear the search" }).click();
    await page.locator("ol.review-queue a").first().waitFor();
    await page.close();
  });

  it("shows an admin what waits for review, with its count in the navigation, and keeps Approve in view", async () => {
    // A phone: the item page in review is taller than the window there, so the bar must stick to stay in view.
    const page = await as(phone, "admin@demo.test");
    await page.goto("/library");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: /Review \d+ waiting/ }).click();
    await page.waitForURL(/\/review$/);
    const first = page.locator("ol.review-queue a").first();
    await first.waitFor();
    await expectNoAxeViolations(page, "the review queue");
    await Promise.all([page.waitForURL(/\/items\//), first.click()]);
    // A client-side visit changes the URL before the item page has rendered: wait for the page itself.
    await page.getByRole("region", { name: "Workflow actions" }).waitFor();
    // The bar only proves itself on a page taller than the window (previews, versions, history).
    const height = await page.evaluate(() => window.innerHeight);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(height * 1.5);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const approve = page.getByRole("region", { name: "Workflow actions" }).getByRole("button", { name: "Approve and publish" });
    const box = await approve.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(height);
    await expectNoAxeViolations(page, "an item in review with the workflow bar");
    await page.close();
  });

  it("lets an admin find a person by name, filter by role, sort by a column and save without losing the view", async () => {
    const page = await as(desk, "admin@demo.test");
    await page.goto("/admin");
    const people = page.getByRole("table", { name: "People" });
    await page.getByLabel("Name or email").fill("sam");
    await page.getByLabel("Role", { exact: true }).first().selectOption("seller");
    await Promise.all([page.waitForURL(/q=sam/), page.getByRole("button", { name: "Find", exact: true }).click()]);
    await page
      .getByRole("status")
      .filter({ hasText: /1–1 of 1 person/ })
      .waitFor();
    expect(await people.locator("tbody tr").allInnerTexts()).toEqual([expect.stringContaining("seller@demo.test")]);
    // Saving a row posts to this very view: the filters stay, and the result is said in that row (here
    // nothing was changed, and the demo seller's team stays as the other tests need it).
    await people.getByRole("button", { name: "Save" }).click();
    await people
      .locator("tbody tr")
      .filter({ hasText: "seller@demo.test" })
      .getByRole("status")
      .filter({ hasText: "Nothing to save: no change." })
      .waitFor();
    expect(new URL(page.url()).searchParams.get("q")).toBe("sam");
    // Role, team and Save on one line: Save wrapped under them made each of a page's 25 rows two lines tall.
    const row = people.locator("tbody tr").filter({ hasText: "seller@demo.test" });
    const controls = [
      row.getByLabel("Role", { exact: true }),
      row.getByLabel("Team", { exact: true }),
      row.getByRole("button", { name: "Save" }),
    ];
    const tops = await Promise.all(controls.map(async (c) => (await c.boundingBox())!.y));
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(8);
    await page.getByRole("link", { name: "Clear filters" }).first().click();
    await page.waitForURL((url) => url.search === "");
    // The unfiltered table drawn, so the Email link clicked is its own and not the filtered view's.
    await expect.poll(() => people.locator("tbody tr").count()).toBeGreaterThan(3);
    await people.getByRole("link", { name: "Email" }).click();
    await page.waitForURL(/sort=email/);
    // NOTE: polled: the address changes before React has drawn the sorted table (a CI retry read the old one).
    await expect.poll(() => people.getByRole("columnheader", { name: /Email/ }).getAttribute("aria-sort")).toBe("ascending");
    const emails = await people.locator("tbody tr td:nth-child(2)").allInnerTexts();
    expect(emails.length).toBeGreaterThan(3);
    expect([...emails].sort()).toEqual(emails);
    await expectNoAxeViolations(page, "the people list, sorted by email");
    await page.close();
  });

  it("shows an admin each person on a phone as a card whose role, team, Save and Deactivate all fit", async () => {
    const page = await as(phone, "admin@demo.test");
    await page.goto("/admin");
    await hydrated(page);
    const people = page.getByRole("table", { name: "People" });
    // As four columns the table scrolled sideways inside its frame, Deactivate out of sight.
    const frame = await page.evaluate(() =>
      ((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))(document.querySelector(".table-wrap")!),
    );
    expect(frame.scroll).toBeLessThanOrEqual(frame.client);
    const row = people.locator("tbody tr").filter({ hasText: "seller@demo.test" });
    const inside = async (name: string, control: ReturnType<Page["locator"]>) => {
      const [box, card] = [await control.boundingBox(), await row.boundingBox()];
      expect(box, name).not.toBeNull();
      expect(box!.x, name).toBeGreaterThanOrEqual(card!.x);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
    };
    await inside("role", row.getByLabel("Role", { exact: true }));
    await inside("team", row.getByLabel("Team", { exact: true }));
    await inside("Save", row.getByRole("button", { name: "Save" }));
    await inside("Deactivate", row.getByRole("button", { name: /^Deactivate / }));
    // Still a table to a screen reader, each person a row of cells.
    expect(await row.getByRole("cell").count()).toBe(3);
    await expectNoAxeViolations(page, "the people list on a phone");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByRole("status").filter({ hasText: "Nothing to save: no change." }).waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("shows the audit log on a phone as cards whose text wraps, not as columns one letter wide", async () => {
    const page = await as(phone, "admin@demo.test");
    await page.goto("/admin/audit");
    const entries = page.getByRole("table", { name: "Audit entries, newest first" });
    await entries.locator("tbody tr").first().waitFor();
    // The six filters go two to a line: one to a line, they filled the screen before the first entry.
    await expectSameLine(page, ["From", "To"]);
    await expectSameLine(page, ["Who", "Target id"]);
    const frame = await page.evaluate(() =>
      ((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))(document.querySelector(".table-wrap")!),
    );
    expect(frame.scroll).toBeLessThanOrEqual(frame.client);
    // An entry's summary spans its card: as a fifth column it was a letter or two wide, and the page ran
    // to tens of thousands of pixels.
    const first = entries.locator("tbody tr").first();
    const [card, details] = [await first.boundingBox(), await first.locator("td.audit-details").boundingBox()];
    expect(details!.width).toBeGreaterThan(card!.width * 0.8);
    await expectNoAxeViolations(page, "the audit log on a phone");
    await page.close();
  });

  it("lists a talk track's newest versions with their changes, and all of them on request", async () => {
    const page = await as(desk, "marketer@demo.test");
    const created = await page.request.post("/api/v1/items", {
      data: { type: "talk_track", title: "Often edited talk track", body: "v1" },
    });
    expect(created.status()).toBe(201);
    let item = await created.json();
    for (let n = 2; n <= 12; n++) {
      const res = await page.request.patch(`/api/v1/items/${item.id}`, {
        data: { revision: item.revision, body: `v${n}`, changelog: `Edit ${n}` },
      });
      expect(res.status()).toBe(200);
      item = await res.json();
    }
    await page.goto(`/items/${item.id}`);
    const versions = page.getByRole("region", { name: "Versions" });
    expect(await versions.locator("tbody tr").count()).toBe(10);
    expect(await versions.locator("tbody tr").first().innerText()).toContain("Edit 12");
    await versions.getByRole("link", { name: "Show all 12 versions" }).click();
    await expect.poll(() => versions.locator("tbody tr").count()).toBe(12);
    expect(new URL(page.url()).searchParams.get("versions")).toBe("all");
    await expectNoAxeViolations(page, "an item's versions, all of them");
    await page.close();
  });

  it("opens a rating from the inbox in the detail pane, above the list on a phone", async () => {
    const page = await as(phone, "marketer@demo.test");
    await page.goto("/feedback?show=all");
    const line = page.locator(".inbox-line").first();
    await line.waitFor();
    await line.click();
    const pane = page.getByRole("region", { name: /Feedback from/ });
    await pane.waitFor();
    await pane.getByRole("button", { name: /Send reply|Re-open/ }).waitFor();
    const paneBox = await pane.boundingBox();
    const listBox = await page.locator("#inbox-list").boundingBox();
    expect(paneBox!.y).toBeLessThan(listBox!.y);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "the inbox with a rating open on a phone");
    // The inbox's search on a phone: a seller's name, oldest first; the filters stay in the address.
    const rater = (await pane.getByRole("heading").first().innerText()).match(/^Feedback from (.+?) on /)![1];
    const filters = page.getByRole("search", { name: "Filter feedback" });
    await filters.getByLabel("Search feedback").fill(rater);
    await filters.getByLabel("Sort").selectOption("oldest");
    await Promise.all([page.waitForURL(/sort=oldest/), filters.getByRole("button", { name: "Apply" }).click()]);
    expect(new URL(page.url()).searchParams.get("q")).toBe(rater);
    // The address changes before the new rows are drawn: wait for the rows, not the address alone.
    const who = () => page.locator(".inbox-line .inbox-who").allInnerTexts();
    await expect.poll(async () => (await who()).filter((text) => !text.includes(rater))).toEqual([]);
    expect((await who()).length).toBeGreaterThan(0);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });
  it("takes a manager from sellers' activity to one seller's page, whose items table searches and sorts", async () => {
    const page = await as(desk, "manager@demo.test");
    await page.goto("/insights/sellers");
    const csv = await page.request.get((await page.getByRole("link", { name: "Download CSV of every seller" }).getAttribute("href"))!);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect(await csv.text()).toContain("seller@demo.test");
    await Promise.all([page.waitForURL(/\/insights\/sellers\/[0-9a-f-]{36}/), page.getByRole("link", { name: "Sam Seller" }).click()]);
    await page.getByRole("heading", { level: 1, name: "Sam Seller" }).waitFor();
    const figure = (label: string) =>
      page
        .locator(".kpis div")
        .filter({ has: page.locator("dt", { hasText: label }) })
        .locator("dd");
    expect(Number(await figure("Items opened").innerText())).toBeGreaterThan(0);
    const used = page.getByRole("region", { name: "What they used" });
    const titles = () => used.locator("tbody th a").allInnerTexts();
    const all = await titles();
    expect(all.length).toBeGreaterThan(1);
    const word = all[0].split(" ")[0];
    await used.getByLabel("Find an item").fill(word);
    await Promise.all([page.waitForURL(/[?&]q=/), used.getByRole("button", { name: "Search" }).click()]);
    // The address changes before the new rows are drawn: wait for the rows, not the address alone.
    await expect.poll(async () => (await titles()).filter((t) => !t.toLowerCase().includes(word.toLowerCase()))).toEqual([]);
    await used
      .getByRole("status")
      .filter({ hasText: `matching “${word}”` })
      .waitFor();
    await Promise.all([page.waitForURL(/sort=title/), used.getByRole("link", { name: "Item", exact: true }).click()]);
    await expect.poll(() => used.getByRole("columnheader", { name: /Item/ }).getAttribute("aria-sort")).toBe("ascending");
    const sorted = await titles();
    expect(sorted.map((t) => t.toLowerCase())).toEqual([...sorted.map((t) => t.toLowerCase())].sort());
    expect(new URL(page.url()).searchParams.get("q")).toBe(word);
    await expectNoAxeViolations(page, "one seller's page, searched and sorted");
    // Back to the list keeps the range.
    await page.getByRole("link", { name: "← Sellers' activity" }).click();
    await page.getByRole("heading", { level: 1, name: "Sellers' activity" }).waitFor();
    const address = page.url();
    await page.close();

    // The same seller's page on a phone: the table scrolls in its box, the page does not.
    const small = await as(phone, "manager@demo.test");
    await small.goto(address);
    await Promise.all([small.waitForURL(/\/insights\/sellers\/[0-9a-f-]{36}/), small.getByRole("link", { name: "Sam Seller" }).click()]);
    await small.getByRole("region", { name: "What they used" }).locator("tbody tr").first().waitFor();
    expect(await overflow(small)).toBeLessThanOrEqual(0);
    await expectSameLine(small, ["From", "To"]);
    await expectNoAxeViolations(small, "one seller's page on a phone");
    await small.close();
  });
});
