// The publishing journey in Chromium: a marketer uploads a PDF and an image with a tag, submits both
// for review, an admin publishes them, and a seller opens one on a phone and sees its page previews.
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeImage, makePdf } from "@/content/demo/files";
import { titleFromFilename } from "@/content/titles";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, hydrated, launch, signIn, type Page } from "../setup/browser";

describeBrowser("publishing from upload to a seller's phone", () => {
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

  const itemIds: string[] = [];
  const stamp = Date.now().toString(36);
  const pdfName = `field-guide-${stamp}.pdf`;
  const imageName = `visit-checklist-${stamp}.png`;
  // Neither file has a title of its own: both are named after the file, title-cased (issue #17).
  const pdfTitle = titleFromFilename(pdfName);
  const imageTitle = titleFromFilename(imageName);

  // The workflow bar at the top of the item page (decision 023); the same moves sit in the Workflow section below.
  const workflowBar = (page: Page) => page.getByRole("region", { name: "Workflow actions" });
  async function clickAndWaitForNotice(page: Page, button: string) {
    await Promise.all([page.waitForURL(/notice=/), workflowBar(page).getByRole("button", { name: button }).click()]);
  }

  it("uploads a PDF and an image with per-file progress and results", async () => {
    const page = await desk.context.newPage();
    await signIn(page, "marketer@demo.test");
    await page.goto("/publish");
    await expectNoAxeViolations(page, "the upload form at desk size");
    await page.locator("#file").setInputFiles([
      {
        name: pdfName,
        mimeType: "application/pdf",
        buffer: Buffer.from(await makePdf(["Field guide\nHow to run a discovery visit", "Checklist\nBring the one-pager"])),
      },
      { name: imageName, mimeType: "image/png", buffer: await makeImage("Visit checklist", { width: 1200, height: 800 }) },
    ]);
    await page.getByRole("list", { name: "Files to upload" }).getByRole("listitem").nth(1).waitFor();
    expect(await page.getByRole("progressbar").count()).toBe(2);
    await expectNoAxeViolations(page, "the upload form with two files chosen");
    await page.getByRole("checkbox", { name: "Atlas Platform" }).check();
    await page.getByRole("button", { name: "Upload as drafts" }).click();
    const results = page.getByRole("region", { name: "Upload results" });
    await results.getByRole("link", { name: `Open ${imageTitle}` }).waitFor();
    expect(await results.getByRole("listitem").filter({ hasText: pdfName }).textContent()).toContain("(Document)");
    // The pages the pipeline draws appear under the result, linking to the item.
    const firstPage = results.getByRole("img", { name: `Page 1 of ${pdfTitle}` });
    await firstPage.waitFor({ timeout: 30_000 });
    await page.waitForFunction((alt) => {
      const img = document.querySelector<HTMLImageElement>(`img[alt="${alt}"]`);
      return Boolean(img && img.complete && img.naturalWidth > 0);
    }, `Page 1 of ${pdfTitle}`);
    expect(await page.getByRole("button", { name: "Upload as drafts" }).isEnabled()).toBe(true);
    for (const name of [pdfTitle, imageTitle]) {
      const href = await results.getByRole("link", { name: `Open ${name}` }).getAttribute("href");
      itemIds.push(href!.split("/").pop()!);
    }
    expect(itemIds).toHaveLength(2);
    await expectNoAxeViolations(page, "the upload results");
    await page.close();
  });

  it("lets the marketer submit both drafts for review", async () => {
    const page = await desk.context.newPage();
    for (const id of itemIds) {
      await page.goto(`/items/${id}`);
      await page.getByText("Atlas Platform").first().waitFor();
      await expectNoAxeViolations(page, "a draft's item page at desk size");
      await clickAndWaitForNotice(page, "Submit for review");
      // The page's notice; the shell has live regions of its own (queued actions, a slow network's copy).
      await page.getByRole("main").getByRole("status").filter({ hasText: "in review" }).waitFor();
    }
    // The details form, reached from the item page.
    await workflowBar(page).getByRole("link", { name: "Edit details" }).click();
    await page.getByRole("heading", { level: 1, name: "Edit details" }).waitFor();
    await expectNoAxeViolations(page, "the edit-details form");
    await page.close();
  });

  it("lets an admin approve and publish them", async () => {
    await desk.context.clearCookies();
    const page = await desk.context.newPage();
    await signIn(page, "admin@demo.test");
    for (const id of itemIds) {
      await page.goto(`/items/${id}`);
      await clickAndWaitForNotice(page, "Approve and publish");
      // The page's notice; the shell has live regions of its own (queued actions, a slow network's copy).
      await page.getByRole("main").getByRole("status").filter({ hasText: "published" }).waitFor();
    }
    await expectNoAxeViolations(page, "a published item's page for an admin");
    await page.close();
  });

  it("shows the seller the published PDF's page previews on a phone", async () => {
    const page = await phone.context.newPage();
    await signIn(page, "seller@demo.test");
    await page.goto(`/items/${itemIds[0]}?page=2`);
    await page.getByRole("heading", { level: 1, name: pdfTitle }).waitFor();
    const page2 = page.getByRole("img", { name: "Page 2 of 2" });
    await page2.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>("img.preview-img")];
      return imgs.length === 2 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });
    const box = await page2.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.getByRole("link", { name: /Download/ }).count()).toBe(1);
    await expectNoAxeViolations(page, "a PDF's page previews on a phone");
    await page.close();
  });

  it("shows the seller the published image's preview", async () => {
    const page = await phone.context.newPage();
    await page.goto(`/items/${itemIds[1]}`);
    const img = page.getByRole("img", { name: imageTitle });
    await img.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>("img.preview-img");
      return Boolean(el && el.complete && el.naturalWidth > 0);
    });
    await expectNoAxeViolations(page, "an image's preview on a phone");
    await page.close();
  });

  it("lets the marketer send a file whose connection dropped again with one tap", async () => {
    await desk.context.clearCookies();
    const page = await desk.context.newPage();
    await signIn(page, "marketer@demo.test");
    await page.goto("/publish");
    // As a returning marketer's page is: controlled by the service worker (which the routes below must see past).
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
    // Before hydration Upload posts the plain form to /publish, which the route below would not see.
    await hydrated(page);
    const name = `retry-${stamp}.png`;
    await page
      .locator("#file")
      .setInputFiles([{ name, mimeType: "image/png", buffer: await makeImage("Retry", { width: 300, height: 200 }) }]);
    // The first send dies with the connection, as on a train; the second goes through.
    // NOTE: on the context, not the page: once the service worker controls the page (a race with its
    // activation), the page's own routes no longer see its requests.
    let sends = 0;
    await desk.context.route("**/api/v1/items", (route) => (++sends === 1 ? route.abort("connectionreset") : route.continue()));
    await page.getByRole("button", { name: "Upload as drafts" }).click();
    const results = page.getByRole("region", { name: "Upload results" });
    await results.getByText("The connection dropped. Try this file again.").waitFor();
    await expectNoAxeViolations(page, "an upload that failed, offering Try again");
    await page.getByRole("button", { name: `Try again: ${name}` }).click();
    await results.getByRole("link", { name: `Open ${titleFromFilename(name)}` }).waitFor();
    expect(sends).toBe(2);
    expect(await results.getByText("The connection dropped.").count()).toBe(0);
    await desk.context.unroute("**/api/v1/items");
    await page.close();
  });

  it("lists files chosen before the page's scripts ran, and uploads them", async () => {
    const cold = await launch({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    try {
      const page = await cold.context.newPage();
      await signIn(page, "marketer@demo.test");
      // The scripts are held back until the file is chosen: a slow laptop, or a quick hand.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route("**/build/**", async (route) => {
        await held;
        await route.continue();
      });
      // Not "domcontentloaded": that waits for the module scripts held above.
      await page.goto("/publish", { waitUntil: "commit" });
      await page.locator("#file").waitFor({ state: "attached" });
      const name = `early-${stamp}.png`;
      await page
        .locator("#file")
        .setInputFiles([{ name, mimeType: "image/png", buffer: await makeImage("Early", { width: 300, height: 200 }) }]);
      release();
      await page.getByRole("list", { name: "Files to upload" }).getByText(name).waitFor();
      await page.getByRole("button", { name: "Upload as drafts" }).click();
      await page
        .getByRole("region", { name: "Upload results" })
        .getByRole("link", { name: `Open ${titleFromFilename(name)}` })
        .waitFor();
    } finally {
      await cold.close();
    }
  });

  it("finds a tag of a group too large for chips by its name, with suggestions, and saves it", async () => {
    const accounts = 41;
    const label = (n: number) => `E2E Account ${stamp} ${String(n).padStart(2, "0")}`;
    // One browser, one person at a time: the admin adds the tags, the marketer uses one, the admin tidies up.
    const signedIn = async (email: string) => {
      await desk.context.clearCookies();
      const fresh = await desk.context.newPage();
      await signIn(fresh, email);
      return fresh;
    };
    const admin = await signedIn("admin@demo.test");
    for (let n = 0; n < accounts; n++) {
      const made = await admin.request.post("/admin/tags", {
        form: { intent: "create", facet: "region", value: `e2e-${stamp}-${n}`, label: label(n) },
      });
      expect(made.ok()).toBe(true);
    }
    await admin.close();
    const page = await signedIn("marketer@demo.test");
    try {
      await page.goto("/publish/message");
      await hydrated(page);
      await page
        .getByRole("group", { name: "Region" })
        .getByText(/^The most used of \d+: type another one's name/)
        .waitFor();
      const field = page.getByLabel("Another tag");
      await field.fill(`e2e account ${stamp} 3`);
      // Suggestions come from the server as the name is typed: those starting with it, 30 to 39 among them.
      await expect.poll(() => page.locator("#tag-by-name-names option").count()).toBeGreaterThanOrEqual(10);
      expect(await page.locator("#tag-by-name-names option").first().getAttribute("value")).toBe(label(30));
      await field.fill(label(33).toLowerCase());
      await page.getByLabel("Kind").selectOption("talk_track");
      await page.getByLabel("Title").fill(`Renewal talk track ${stamp}`);
      await page.getByLabel("Message (Markdown)").fill("Open with their renewal date.");
      // A chip ticked beside the typed name: both are `tags`, and a kept draft gives each its own back.
      const chip = page.getByRole("group", { name: "Region" }).getByRole("checkbox").first();
      const chipLabel = (await chip.evaluate((box) => box.closest("label")!.textContent!.trim())) as string;
      await chip.check();
      await page.waitForFunction(
        (typed) => Object.keys(localStorage).some((k) => k.startsWith("fk.draft:") && localStorage.getItem(k)!.includes(typed)),
        label(33).toLowerCase(),
      );
      await page.reload();
      await hydrated(page);
      await page.getByRole("status").filter({ hasText: "This device kept them." }).getByRole("button", { name: "Put them back" }).click();
      await expect.poll(() => field.inputValue()).toBe(label(33).toLowerCase());
      expect(await chip.isChecked()).toBe(true);
      await expectNoAxeViolations(page, "the message form with a tag typed by name");
      await Promise.all([page.waitForURL(/\/items\/[0-9a-f-]{36}/), page.getByRole("button", { name: "Save as draft" }).click()]);
      const id = new URL(page.url()).pathname.split("/").pop()!;
      const item = (await (await page.request.get(`/api/v1/items/${id}`)).json()) as { tags: { label: string }[] };
      expect(item.tags.map((t) => t.label).sort()).toEqual([chipLabel, label(33)].sort());
    } finally {
      await page.close();
      // The shared demo keeps its small region group for the files after this one: the unused tags go.
      const tidy = await signedIn("admin@demo.test");
      await tidy.goto(`/admin/tags?q=${encodeURIComponent(`e2e-${stamp}`)}`);
      const unused = await tidy
        .locator("form:has(input[name=intent][value=delete]) input[name=tagId]")
        .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
      for (const tagId of unused) await tidy.request.post("/admin/tags", { form: { intent: "delete", tagId } });
      await tidy.close();
    }
  });
});
