// The library's bulk bar in Chromium: tick rows (or the whole page), choose an action, apply, read what
// changed in the table, and undo it, at desk and phone size, with the keyboard and screen readers in mind.
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type Page } from "../setup/browser";

describeBrowser("library bulk bar", () => {
  let desk: Awaited<ReturnType<typeof launch>>;
  let phone: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    desk = await launch({ viewport: { width: 1280, height: 900 } });
    phone = await launch();
  });
  afterAll(async () => {
    await desk?.close();
    await phone?.close();
  });

  async function as(browser: typeof desk, email: string): Promise<Page> {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signIn(page, email);
    return page;
  }
  const ownerOf = (page: Page, title: string) =>
    page
      .locator("table.items-table tbody tr", { has: page.getByRole("link", { name: title, exact: true }) })
      .locator("td")
      .nth(3)
      .innerText();

  it("hands two ticked items over to another owner, shows it in the table, and undoes it", async () => {
    const page = await as(desk, "marketer@demo.test");
    await page.goto("/library?q=Atlas&sort=title");
    const bar = page.getByRole("region", { name: "Change several items" });
    // One line until something is ticked: the table stays near the top.
    await expect.poll(() => bar.getByLabel("Action").count()).toBe(0);
    const titles = (await page.locator("table.items-table tbody th a").allInnerTexts()).slice(0, 2);
    const before = await Promise.all(titles.map((t) => ownerOf(page, t)));
    for (const t of titles) await page.getByRole("checkbox", { name: `Select ${t}` }).check();
    await expect.poll(() => bar.getByRole("status").innerText()).toContain("2 selected");
    await bar.getByLabel("Action").selectOption("owner");
    await bar.getByLabel("New owner").selectOption({ label: "Ada Admin" });
    await expectNoAxeViolations(page, "the library with the bulk bar open");
    await bar.getByRole("button", { name: "Apply to 2" }).click();
    await bar.getByRole("status").filter({ hasText: "Handed 2 items over to Ada Admin" }).waitFor();
    // The message waits for the new rows, so what it says is already in the table.
    for (const t of titles) expect(await ownerOf(page, t)).toBe("Ada Admin");
    // Nothing stays ticked after a change; Undo gives each item back to its owner.
    expect(await page.locator('input[name="id"]:checked').count()).toBe(0);
    await bar.getByRole("button", { name: "Undo" }).click();
    await bar.getByRole("status").filter({ hasText: "Undone: 2 items changed back" }).waitFor();
    expect(await Promise.all(titles.map((t) => ownerOf(page, t)))).toEqual(before);
    await page.close();
  });

  it("shows a view's last page for an address past it, and a change made there keeps its Undo", async () => {
    const page = await as(desk, "marketer@demo.test");
    // An old bookmark, or the page a bulk archive emptied: the rows of the last page, not "Nothing matches".
    await page.goto("/library?q=Atlas&sort=title&page=5");
    const titles = await page.locator("table.items-table tbody th a").allInnerTexts();
    expect(titles.length).toBeGreaterThan(0);
    expect(await page.getByText("Nothing matches these filters").count()).toBe(0);
    const bar = page.getByRole("region", { name: "Change several items" });
    const before = await ownerOf(page, titles[0]);
    await page.getByRole("checkbox", { name: `Select ${titles[0]}` }).check();
    await bar.getByLabel("Action").selectOption("owner");
    await bar.getByLabel("New owner").selectOption({ label: "Ada Admin" });
    await bar.getByRole("button", { name: "Apply to 1" }).click();
    await bar.getByRole("status").filter({ hasText: "Handed 1 item over to Ada Admin" }).waitFor();
    await bar.getByRole("button", { name: "Undo" }).click();
    await bar.getByRole("status").filter({ hasText: "Undone: 1 item changed back" }).waitFor();
    expect(await ownerOf(page, titles[0])).toBe(before);
    await page.close();
  });

  it("selects a whole page from the header, asks before archiving, and keeps a phone from scrolling sideways", async () => {
    const page = await as(phone, "marketer@demo.test");
    await page.goto("/library?status=draft");
    const bar = page.getByRole("region", { name: "Change several items" });
    const rows = await page.locator('input[name="id"]').count();
    expect(rows).toBeGreaterThan(0);
    await page.getByRole("checkbox", { name: "Select every item on this page" }).check();
    await expect.poll(() => bar.getByRole("status").innerText()).toContain(`${rows} selected`);
    await bar.getByLabel("Action").selectOption("archive");
    await bar.getByRole("button", { name: `Apply to ${rows}` }).click();
    // Not confirmed: a message, and nothing archived.
    await bar.getByRole("alert").filter({ hasText: "Yes, archive them" }).waitFor();
    expect(await page.locator('input[name="id"]').count()).toBe(rows);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page, "the bulk bar's refusal on a phone");
    await page.close();
  });

  it("is not offered to a manager, who cannot change items", async () => {
    const page = await as(desk, "manager@demo.test");
    await page.goto("/library");
    await page.locator("table.items-table").waitFor();
    expect(await page.getByRole("region", { name: "Change several items" }).count()).toBe(0);
    expect(await page.locator('input[name="id"]').count()).toBe(0);
    await page.close();
  });
});
