// Sharing several items at once, phone size in Chromium: two search hits through "Select" mode into one
// share (a battle card, internal-only in the demo library, cannot be picked), and two saved items shared
// in airplane mode from the Saved tab, delivered by the outbox once back online.
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, hydrated, launch, outboxEntries, signIn, type Page } from "../setup/browser";

const DECK = "Beacon Analytics overview deck";
const ONE_PAGER = "Beacon Analytics one-pager";
const CARD = "Financial services procurement battle card";

async function idOf(page: Page, title: string) {
  const found = (await (await page.request.get(`/api/v1/search?q=${encodeURIComponent(title)}`)).json()) as {
    hits: { id: string; title: string }[];
  };
  return found.hits.find((h) => h.title === title)!.id;
}

const outboxShares = async (page: Page) =>
  (await outboxEntries<{ kind: string; body: { itemIds: string[]; token: string } }>(page)).filter((e) => e.kind === "share");

describeBrowser("sharing several items at once", () => {
  let browser: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("selects two search hits, refuses an internal one, and shares the two in one link", async () => {
    const { context } = browser;
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await page.goto(`/search?q=${encodeURIComponent(CARD)}`);
    const cardRow = page.locator("li", { hasText: CARD }).first();
    await cardRow.waitFor();
    // Select mode is the hydrated page's: its scripts start after the first paint.
    await hydrated(page);
    // An internal item has no Share link and, in Select mode, a disabled checkbox that says why.
    expect(await cardRow.getByRole("link", { name: `Share ${CARD} with a buyer` }).count()).toBe(0);
    await page.getByRole("button", { name: "Select results to share" }).click();
    await expect.poll(() => page.getByRole("checkbox", { name: `Select ${CARD}` }).isDisabled()).toBe(true);
    await cardRow.getByText("Internal only").waitFor();

    // The selection survives a new query, so the set can come from several searches.
    await page.getByRole("searchbox", { name: "Search the library" }).fill("Beacon Analytics");
    await page.getByRole("searchbox", { name: "Search the library" }).press("Enter");
    await page.getByRole("checkbox", { name: `Select ${DECK}` }).check();
    await page.getByRole("checkbox", { name: `Select ${ONE_PAGER}` }).check();
    await page.getByText("2 selected").waitFor();
    await expectNoAxeViolations(page, "search results in Select mode");
    await Promise.all([page.waitForURL(/\/shares\/new\?item=.*&item=/), page.getByRole("link", { name: "Share selected" }).click()]);
    expect(await page.getByRole("checkbox", { name: new RegExp(DECK) }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: new RegExp(ONE_PAGER) }).isChecked()).toBe(true);
    await Promise.all([page.waitForURL(/\/shares\/[0-9a-f-]{36}\?created=1/), page.getByRole("button", { name: "Create link" }).click()]);
    const shareId = new URL(page.url()).pathname.split("/")[2];
    const share = ((await (await page.request.get(`/api/v1/shares/${shareId}`)).json()) as any).share;
    expect(share.items.map((i: { title: string }) => i.title)).toEqual([DECK, ONE_PAGER]);

    // One hit, one tap: the per-hit Share link.
    await page.goto(`/search?q=${encodeURIComponent(DECK)}`);
    await Promise.all([
      page.waitForURL(/\/shares\/new\?item=[0-9a-f-]{36}$/),
      page.getByRole("link", { name: `Share ${DECK} with a buyer` }).click(),
    ]);
    await page.getByRole("checkbox", { name: new RegExp(DECK) }).waitFor();
    await page.close();
  });

  it("shares two saved items from the Saved tab in airplane mode, delivered once back online", async () => {
    const { context } = browser;
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
    for (const title of [DECK, ONE_PAGER]) {
      await page.goto(`/items/${await idOf(page, title)}`);
      // The button comes alive once the page has hydrated and read the device's store (it is drawn disabled
      // before); a retried test finds the item already saved. Wait for either before deciding.
      const save = page.getByRole("button", { name: "Save for offline", disabled: false });
      const saved = page.getByText("Saved on this device");
      await save.or(saved).first().waitFor({ timeout: 30_000 });
      if (await save.isVisible()) await save.click();
      await saved.waitFor({ timeout: 30_000 });
    }
    await page.goto("/saved");
    await page.getByRole("list", { name: "Saved items" }).waitFor();

    await context.setOffline(true);
    await page.reload();
    await hydrated(page);
    await page.getByRole("button", { name: "Select saved items to share" }).click();
    await page.getByRole("checkbox", { name: `Select ${DECK}` }).check();
    await page.getByRole("checkbox", { name: `Select ${ONE_PAGER}` }).check();
    await page.getByText("2 selected").waitFor();
    await page.getByRole("button", { name: "Share selected" }).click();
    await page.getByLabel("Recipient's name (optional)").fill("Offline Set Buyer");
    await page.getByRole("button", { name: "Create link" }).click();
    const link = await page.getByLabel("Link for the buyer").inputValue();
    expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
    const token = link.split("/s/")[1];
    const queued = (await outboxShares(page)).find((e) => e.body.token === token)!;
    expect(queued.body.itemIds).toHaveLength(2);
    await expectNoAxeViolations(page, "the Saved tab's offline share of a set");

    await context.setOffline(false);
    await expect.poll(async () => (await outboxShares(page)).length, { timeout: 30_000 }).toBe(0);
    const mine = (await (await page.request.get("/api/v1/shares")).json()) as { shares: { id: string; url: string }[] };
    const made = mine.shares.filter((s) => s.url.endsWith(`/s/${token}`));
    expect(made).toHaveLength(1);
    const share = ((await (await page.request.get(`/api/v1/shares/${made[0].id}`)).json()) as any).share;
    expect(share.items.map((i: { title: string }) => i.title).sort()).toEqual([DECK, ONE_PAGER].sort());
    await page.close();
  });
});
