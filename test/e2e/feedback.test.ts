import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type BrowserContext, type Page } from "../setup/browser";

/** A CSV download as a spreadsheet opens it: led by the UTF-8 byte order mark (for Excel), then the text. */
function downloaded(bytes: Buffer): string {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes.subarray(3).toString("utf8");
}

describeBrowser("the feedback loop", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  let itemId: string;
  const comment = `The diagram is missing single sign-on (${randomBytes(3).toString("hex")})`;

  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  async function as(email: string): Promise<Page> {
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, email);
    return page;
  }

  it("lets a seller on a phone say an item was not useful, with a reason and a comment", async () => {
    const page = await as("seller@demo.test");
    const found = (await (await page.request.get("/api/v1/search?q=Atlas%20Platform%20architecture%20diagram")).json()) as {
      hits: { id: string; title: string }[];
    };
    itemId = found.hits.find((h) => h.title === "Atlas Platform architecture diagram")!.id;
    await page.goto(`/items/${itemId}`);
    const widget = page.getByRole("region", { name: "Was this useful?" });
    await widget.getByText("👎 No").click();
    await widget.getByText("Outdated").click();
    await widget.getByLabel("Comment for marketing (optional)").fill(comment);
    await expectNoAxeViolations(page, "the feedback widget with a reason chosen");
    await widget.getByRole("button", { name: /Send feedback|Update my answer/ }).click();
    await widget.getByText(/You answered No for v1/).waitFor();
    await expectNoAxeViolations(page, "the feedback widget after sending");
    expect(await widget.getByLabel("Comment for marketing (optional)").inputValue()).toBe(comment);
    await page.close();
  });

  it("lets the marketer reply and resolve it with a new version, and the seller sees both", async () => {
    const page = await as("marketer@demo.test");
    await page.goto(`/items/${itemId}`);
    const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: "#2563eb" } })
      .png()
      .toBuffer();
    await page.getByLabel("File").setInputFiles({ name: "architecture-v2.png", mimeType: "image/png", buffer: png });
    await page.getByLabel("What changed?").fill("Added single sign-on");
    await expectNoAxeViolations(page, "the marketer's item page with a new version chosen");
    await Promise.all([page.waitForURL(/notice=Version%202/), page.getByRole("button", { name: "Upload version" }).click()]);

    await page.goto("/feedback");
    const entry = page.locator("li", { hasText: comment });
    await entry.waitFor();
    await expectNoAxeViolations(page, "the feedback inbox");
    // The list is one line per rating; the one opened shows in the detail pane with the forms.
    await entry.getByRole("link").click();
    const pane = page.getByRole("region", { name: /Feedback from/ });
    await pane.getByText(comment).waitFor();
    await expectNoAxeViolations(page, "the feedback inbox with a rating open");
    await pane.getByLabel(/Reply to/).fill("Thanks! v2 adds the SSO flow.");
    await pane.getByLabel("Resolved by version").selectOption({ label: "v2" });
    await pane.getByRole("button", { name: "Resolve" }).click();
    await page.locator("li", { hasText: comment }).waitFor({ state: "detached" });
    await pane.getByRole("button", { name: "Re-open" }).waitFor();
    await page.close();

    const seller = await as("seller@demo.test");
    await seller.goto(`/items/${itemId}`);
    const widget = seller.getByRole("region", { name: "Was this useful?" });
    await widget.getByText("Thanks! v2 adds the SSO flow.").waitFor();
    await widget.getByText("Updated in v2").waitFor();
    // The new version can be rated afresh.
    await widget.getByRole("button", { name: "Send feedback" }).waitFor();
    await expectNoAxeViolations(seller, "the seller's item page with marketing's reply");
    await seller.close();
  });

  it("shows a manager adoption and the effectiveness quadrant, and downloads the adoption CSV", async () => {
    const page = await as("manager@demo.test");
    await page.goto("/insights");
    const adoption = page.getByRole("region", { name: "Adoption: weekly active sellers" });
    await adoption.getByRole("img", { name: /Weekly active rate by week/ }).waitFor();
    expect(await adoption.getByRole("row").count()).toBeGreaterThan(1);
    const quadrant = page.getByRole("region", { name: "Effectiveness: usage × usefulness" });
    // A group, not an image: its dots are links to each item.
    const chart = quadrant.getByRole("group", { name: /Effectiveness quadrant/ });
    await chart.waitFor();
    expect(await chart.getByRole("link").count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page, "insights (adoption and quadrant)");
    const [download] = await Promise.all([page.waitForEvent("download"), adoption.getByRole("link", { name: "Download CSV" }).click()]);
    const csv = downloaded(readFileSync((await download.path())!));
    expect(csv.split("\r\n")[0]).toBe("Team,Region,Week starting,Active sellers,Team size,Weekly active rate");
    expect(csv).toContain("Field East,East,");
    expect(csv).not.toContain("Enterprise EMEA");
    // Half a year: the table keeps to the last 12 weeks and says so; the CSV above had every week.
    const from = new Date(Date.now() - 182 * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`/insights?from=${from}&to=${new Date().toISOString().slice(0, 10)}`);
    await adoption.getByText(/^The table shows the last 12 of 2\d weeks/).waitFor();
    expect(await adoption.getByRole("table").getByRole("columnheader").count()).toBe(15);
    await page.goto("/insights");
    // From adoption to each seller: the least active first, then sorted by items opened.
    await adoption.getByRole("link", { name: /Each seller's activity/ }).click();
    await page.getByRole("heading", { level: 1, name: "Sellers' activity" }).waitFor();
    const table = page.getByRole("table", { name: "Sellers' activity in the period" });
    const days = async () => (await table.locator("tbody tr td:nth-child(3)").allInnerTexts()).map(Number);
    expect((await days()).length).toBeGreaterThan(0);
    expect(await days()).toEqual([...(await days())].sort((a, b) => a - b));
    expect(await table.getByRole("columnheader", { name: /Active days/ }).getAttribute("aria-sort")).toBe("ascending");
    // Only the teams this manager leads.
    expect(await table.locator("tbody tr td:nth-child(2)").allInnerTexts()).not.toContain("Enterprise EMEA");
    await Promise.all([page.waitForURL(/sort=views/), table.getByRole("link", { name: "Items opened" }).click()]);
    await expect.poll(() => table.getByRole("columnheader", { name: /Items opened/ }).getAttribute("aria-sort")).toBe("descending");
    const views = (await table.locator("tbody tr td:nth-child(5)").allInnerTexts()).map(Number);
    expect(views).toEqual([...views].sort((a, b) => b - a));
    await expectNoAxeViolations(page, "the sellers' activity page");
    const [sellersCsv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV of every seller" }).click(),
    ]);
    const sellerLines = downloaded(readFileSync((await sellersCsv.path())!))
      .trim()
      .split("\r\n");
    expect(sellerLines[0]).toBe("Seller id,Name,Email,Team,Active days,Last active day,Items opened,Ratings given");
    expect(sellerLines.length - 1).toBeGreaterThanOrEqual(views.length);
    // The most active seller's own page: their figures and what they used, most opened first.
    const top = table.locator("tbody tr").first().getByRole("link");
    const name = await top.innerText();
    await top.click();
    await page.getByRole("heading", { level: 1, name }).waitFor();
    const used = page.getByRole("table", { name: "What they used" });
    const opened = (await used.locator("tbody tr td:nth-child(2)").allInnerTexts()).map(Number);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened).toEqual([...opened].sort((a, b) => b - a));
    expect(Number(await page.getByRole("definition").nth(1).innerText())).toBe(views[0]);
    await page.getByRole("heading", { level: 2, name: "What they asked marketing for" }).waitFor();
    await expectNoAxeViolations(page, "one seller's activity");
    await page.close();
  });

  it("lets a seller request content from an empty search and follow its status", async () => {
    const page = await as("seller@demo.test");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/requests/new?q=pricing%20sheet%20for%20hospitals");
    expect(await page.getByLabel("You searched for").inputValue()).toBe("pricing sheet for hospitals");
    await expectNoAxeViolations(page, "the content request form");
    await page.getByLabel("What do you need?").fill("A one-page pricing sheet for hospital buyers");
    await Promise.all([page.waitForURL(/\/requests\?created=1/), page.getByRole("button", { name: "Send request" }).click()]);
    await page.getByRole("status").filter({ hasText: "Request sent" }).waitFor();
    const entry = page.locator("li", { hasText: "A one-page pricing sheet for hospital buyers" });
    await entry.getByText("New", { exact: true }).waitFor();
    await expectNoAxeViolations(page, "my requests");
    // Found again among the seller's requests by a word of it, and not among the done ones.
    await page.getByLabel("What you asked").fill("hospital");
    await page.getByLabel("Show").selectOption("open");
    await Promise.all([page.waitForURL(/q=hospital/), page.getByRole("button", { name: "Find", exact: true }).click()]);
    await entry.waitFor();
    for (const text of await page.locator("ul.list > li").allInnerTexts()) expect(text).toMatch(/hospital/i);
    await page.getByLabel("Show").selectOption("done");
    await Promise.all([page.waitForURL(/show=done/), page.getByRole("button", { name: "Find", exact: true }).click()]);
    await page.locator(".empty", { hasText: "No requests match" }).waitFor();
    await expectNoAxeViolations(page, "my requests, nothing matching");
    expect(errors).toEqual([]);
    await page.close();

    // Marketing finds it among the requests by a word of it.
    const desk = await as("marketer@demo.test");
    await desk.goto("/feedback/requests");
    await desk.getByLabel("Search requests").fill("hospital");
    await Promise.all([desk.waitForURL(/q=hospital/), desk.getByRole("button", { name: "Apply" }).click()]);
    await desk.getByRole("heading", { name: /A one-page pricing sheet for hospital buyers/ }).waitFor();
    await expectNoAxeViolations(desk, "content requests, searched");
    // Newest first: the request just sent heads the open ones.
    await desk.getByLabel("Search requests").fill("");
    await desk.getByLabel("Order").selectOption("newest");
    await Promise.all([desk.waitForURL(/order=newest/), desk.getByRole("button", { name: "Apply" }).click()]);
    await expect.poll(() => desk.locator("ul.list > li h2").first().innerText()).toContain("A one-page pricing sheet for hospital buyers");
    await desk.close();
  });

  it("shows a manager the shared alignment KPIs for the teams they lead", async () => {
    const page = await as("manager@demo.test");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/alignment");
    const kpis = page.getByRole("definition");
    await page.getByText("Content used per seller").waitFor();
    expect(await kpis.count()).toBe(10);
    await expectNoAxeViolations(page, "alignment KPIs");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("keeps sellers out of insights", async () => {
    const page = await as("seller@demo.test");
    const res = await page.goto("/insights");
    expect(res!.status()).toBe(403);
    await expectNoAxeViolations(page, "the 403 page for a seller on insights");
    await page.close();
  });
});
