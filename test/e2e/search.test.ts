import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type BrowserContext } from "../setup/browser";

describeBrowser("searching on a phone", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
    // One sign-in for the file: the session cookie serves every test below.
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    await page.close();
  });
  afterAll(() => browser?.close());

  it("shows the right item with a highlighted snippet for a misspelt word as the seller types, and a tap opens it", async () => {
    const page = await context.newPage();
    await page.goto("/search");
    await page.waitForLoadState("networkidle");
    await expectNoAxeViolations(page, "search before typing");
    // Before a query the page suggests searches; the library's first page is not shown, so no "More results".
    await page.getByText("Find the right piece in seconds").waitFor();
    expect(await page.getByRole("link", { name: "More results" }).count()).toBe(0);
    await page.getByLabel("Search the library").pressSequentially("prcing", { delay: 40 });
    const hit = page.locator(".search-hit", { hasText: "Atlas Platform overview deck" });
    await hit.waitFor();
    expect(await hit.locator("mark").first().textContent()).toMatch(/pric/i);
    // Typed, not submitted: the results came from the debounced fetcher.
    expect(new URL(page.url()).search).toBe("");
    await expectNoAxeViolations(page, "search results while typing");
    await hit.click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}/);
    await page.getByRole("heading", { level: 1, name: "Atlas Platform overview deck" }).waitFor();
    await expectNoAxeViolations(page, "a deck's item page");
    await page.close();
  });

  it("opens a document found by a word inside it when its hit is tapped", async () => {
    const page = await context.newPage();
    await page.goto("/search?q=encrypted");
    const hit = page.locator(".search-hit", { hasText: "Atlas Platform security whitepaper" });
    await hit.waitFor();
    expect(await hit.locator("mark").first().textContent()).toMatch(/encrypt/i);
    await expectNoAxeViolations(page, "search results for a word inside a document");
    await hit.click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}/);
    await page.getByRole("heading", { level: 1, name: "Atlas Platform security whitepaper" }).waitFor();
    await expectNoAxeViolations(page, "a document's item page");
    await page.close();
  });

  it("offers to request missing content, pre-filled with the query, and never shows another team's item", async () => {
    const page = await context.newPage();
    await page.goto("/search?q=partner+discount+tiers");
    await page.getByText("Nothing found for “partner discount tiers”").waitFor();
    const link = page.getByRole("link", { name: "Request this content" });
    expect(await link.getAttribute("href")).toBe("/requests/new?q=partner+discount+tiers");
    await expectNoAxeViolations(page, "search with no results");
    await page.close();
  });

  it("narrows results with a filter chip that shows its count", async () => {
    const page = await context.newPage();
    await page.goto("/search?q=pricing");
    const chip = page.getByRole("group", { name: "Type" }).getByRole("button", { name: /Deck/ });
    expect(await chip.locator(".chip-count").textContent()).toMatch(/^\d+$/);
    await chip.click();
    await page.waitForURL(/type=deck/);
    await page.locator(".chip.active").waitFor();
    const types = await page.locator(".search-hit .meta").allTextContents();
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) expect(t).toMatch(/^Deck/);
    await expectNoAxeViolations(page, "search narrowed by a filter chip");
    await page.close();
  });
});
