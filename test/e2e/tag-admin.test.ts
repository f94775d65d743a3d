// Issue #17: an admin manages tags in the browser — adds two to a group, renames one (the key and the
// items keep it), merges it into the other (its items move over), deletes the now-unused one — with a
// clear message after each step and axe clean on the page. Tags of its own, so the demo's stay as they are.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type Page } from "../setup/browser";

const DESK = { width: 1280, height: 800 };

describeBrowser("tag admin", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  const run = randomBytes(3).toString("hex");
  const retail = { label: `Retail ${run}`, value: `retail-${run}` };
  const banking = { label: `Banking ${run}`, value: `banking-${run}` };

  beforeAll(async () => {
    browser = await launch({ viewport: DESK });
    page = await browser.context.newPage();
    await signIn(page, "admin@demo.test");
  });
  afterAll(() => browser?.close());

  const industry = () => page.getByRole("region", { name: /^Industry/ });
  const notice = () => page.locator(".notice");
  // The tag's row, by its key cell (another row's merge menu names it too).
  const row = (key: string) =>
    industry()
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: key, exact: true }) });

  async function addTag(tag: { label: string; value: string }) {
    await page.goto("/admin/tags");
    await industry().getByText("Add a tag to Industry").click();
    await industry().getByLabel("Label", { exact: true }).fill(tag.label);
    await industry().getByLabel("Key", { exact: true }).fill(tag.value);
    await industry().getByRole("button", { name: "Add tag" }).click();
    await expect.poll(() => notice().textContent()).toBe(`Added “${tag.label}”.`);
  }

  it("adds two tags to a group from the page", async () => {
    await addTag(retail);
    await addTag(banking);
    await page.getByRole("searchbox", { name: "Filter tags" }).fill(run);
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => industry().getByRole("cell", { name: retail.value, exact: true }).count()).toBe(1);
    await expect.poll(() => industry().getByRole("cell", { name: banking.value, exact: true }).count()).toBe(1);
    await expectNoAxeViolations(page, "tag admin at desk size");
  });

  it("renames a tag in place: the key and the item that carries it keep it", async () => {
    const created = await page.request.post("/api/v1/items", {
      data: { type: "talk_track", title: `Retail opener ${run}`, body: "Open with **their** numbers.", tags: [`industry:${retail.value}`] },
    });
    expect(created.status()).toBe(201);
    const itemId = ((await created.json()) as { id: string }).id;

    await page.goto(`/admin/tags?q=${run}`);
    const renamed = `Retail banking ${run}`;
    const label = industry().getByRole("textbox", { name: `Label for ${retail.value}` });
    await label.fill(renamed);
    await row(retail.value).getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => notice().textContent()).toBe(`Renamed to “${renamed}”.`);
    await expect
      .poll(() =>
        industry()
          .getByRole("textbox", { name: `Label for ${retail.value}` })
          .inputValue(),
      )
      .toBe(renamed);

    const item = (await (await page.request.get(`/api/v1/items/${itemId}`)).json()) as { tags: { value: string; label: string }[] };
    expect(item.tags.map((t) => [t.value, t.label])).toEqual([[retail.value, renamed]]);

    // Merging it into the other tag moves the item over and removes it.
    await row(retail.value)
      .getByText(/^Merge or delete/)
      .click();
    await row(retail.value).getByLabel("Merge into").fill(banking.value);
    await row(retail.value)
      .getByRole("button", { name: `Merge “${renamed}”` })
      .click();
    await expect.poll(() => notice().textContent()).toBe(`Merged “${renamed}” into “${banking.label}”: 1 item moved.`);
    await expect.poll(() => industry().getByRole("cell", { name: retail.value, exact: true }).count()).toBe(0);
    const merged = (await (await page.request.get(`/api/v1/items/${itemId}`)).json()) as { tags: { value: string }[] };
    expect(merged.tags.map((t) => t.value)).toEqual([banking.value]);
  });

  it("deletes only an unused tag, says why a used one cannot go, and puts a deleted one back on Undo", async () => {
    await page.goto(`/admin/tags?q=${run}`);
    await row(banking.value)
      .getByText(/^Merge or delete/)
      .click();
    await expect.poll(() => row(banking.value).getByText("Only unused tags can be deleted; merge this one instead.").count()).toBe(1);
    await expect
      .poll(() =>
        row(banking.value)
          .getByRole("button", { name: /^Delete/ })
          .count(),
      )
      .toBe(0);

    await addTag({ label: `Spare ${run}`, value: `spare-${run}` });
    await page.goto(`/admin/tags?q=spare-${run}`);
    await row(`spare-${run}`)
      .getByText(/^Merge or delete/)
      .click();
    await row(`spare-${run}`)
      .getByRole("button", { name: `Delete “Spare ${run}”` })
      .click();
    await expect.poll(() => notice().locator("span").textContent()).toBe(`Deleted “Spare ${run}”.`);
    const spareCells = () =>
      industry()
        .getByRole("cell", { name: `spare-${run}`, exact: true })
        .count();
    await expect.poll(spareCells).toBe(0);
    // Undo brings it back with its key and label.
    await notice().getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => notice().textContent()).toBe(`Added “Spare ${run}”.`);
    await expect.poll(spareCells).toBe(1);
  });

  it("pages a group of many tags apart from the others, and orders them by use", async () => {
    // 55 more tags in Industry, posted as the page's own Add form posts them, and deleted again after.
    try {
      await pagedAndOrdered();
    } finally {
      for (let round = 0; round < 3; round++) {
        await page.goto(`/admin/tags?q=many-${run}`);
        const ids = await industry()
          .locator(".tag-rename input[name=tagId]")
          .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
        if (ids.length === 0) break;
        for (const tagId of ids) await page.request.post("/admin/tags", { form: { intent: "delete", tagId } });
      }
    }
  });

  async function pagedAndOrdered() {
    for (let i = 0; i < 55; i++) {
      const value = `many-${run}-${String(i).padStart(2, "0")}`;
      const res = await page.request.post("/admin/tags", { form: { intent: "create", facet: "industry", value, label: value } });
      expect(res.status()).toBe(200);
    }
    await page.goto(`/admin/tags?q=${run}`);
    await expect.poll(() => industry().locator("tbody tr").count()).toBe(50);
    const pager = industry().getByRole("navigation", { name: "Industry tags, pages" });
    await industry()
      .getByText(/^1–50 of 5\d matching$/)
      .waitFor();
    await Promise.all([page.waitForURL(/industry-page=2/), pager.getByRole("link", { name: "Next →" }).click()]);
    await expect.poll(() => industry().locator("tbody tr").count()).toBeGreaterThan(0);
    await expect.poll(() => industry().locator("tbody tr").count()).toBeLessThan(50);
    await industry()
      .getByText(/^51–5\d of 5\d matching$/)
      .waitFor();
    expect(new URL(page.url()).searchParams.get("q")).toBe(run);
    await expectNoAxeViolations(page, "tag admin, a group's second page");
    // Most used first: the tag the earlier tests' item carries comes before the 55 unused ones.
    await page.getByLabel("Order").selectOption("most");
    await Promise.all([page.waitForURL(/sort=most/), page.getByRole("button", { name: "Filter" }).click()]);
    expect(new URL(page.url()).searchParams.get("industry-page")).toBeNull();
    const firstRow = industry().locator("tbody tr").first();
    await expect.poll(() => firstRow.getByRole("cell").nth(2).innerText()).not.toBe("0");
    await page.getByLabel("Order").selectOption("fewest");
    await Promise.all([page.waitForURL(/sort=fewest/), page.getByRole("button", { name: "Filter" }).click()]);
    await expect.poll(() => firstRow.getByRole("cell").nth(2).innerText()).toBe("0");
  }

  it("fits a phone: each tag a card with its label, key, count and merge, nothing off to the side", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`/admin/tags?q=${run}`);
      // As four columns each group's table scrolled sideways, the key and the merge out of sight.
      const frames = await page.evaluate(() => [...document.querySelectorAll(".table-wrap")].map((el) => el.scrollWidth - el.clientWidth));
      expect(frames.length).toBeGreaterThan(0);
      for (const extra of frames) expect(extra).toBeLessThanOrEqual(0);
      const card = row(banking.value);
      await card.getByText(/^Merge or delete/).click();
      const [box, into] = [await card.boundingBox(), await card.getByLabel("Merge into").boundingBox()];
      expect(into!.x + into!.width).toBeLessThanOrEqual(box!.x + box!.width + 0.5);
      // The count says what it counts on screen; a screen reader has the column's name for it.
      expect(await card.getByRole("cell").nth(2).innerText()).toMatch(/^\d+ items?$/);
      expect(await card.getByRole("cell", { name: /^\d+$/ }).count()).toBe(1);
      await expectNoAxeViolations(page, "the tag admin on a phone");
    } finally {
      await page.setViewportSize(DESK);
    }
  });
});
