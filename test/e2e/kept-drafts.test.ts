// A marketer's session ends while they write a battle card: the editor's live preview is refused, they
// sign in again, come back to the editor, put their text back and save it. Nothing typed is lost, and
// the kept copy is gone once the save went through (app/components/kept-draft.tsx).
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { DEMO_PASSWORD, baseURL, describeBrowser, hydrated, launch } from "../setup/browser";

describeBrowser("text kept through an ended session", () => {
  let desk: Awaited<ReturnType<typeof launch>>;
  beforeAll(async () => {
    desk = await launch({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(() => desk?.close());

  const draftKeys = (page: import("../setup/browser").Page) =>
    page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("fk.draft:")));

  let itemPath = "";

  async function signInOnPage(page: import("../setup/browser").Page) {
    await page.getByLabel("Email").fill("marketer@demo.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith("/login")),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
  }

  it("brings the editor back after sign-in with the text to put back, and forgets it once saved", async () => {
    // A retry starts signed out and with nothing kept, as the first try did.
    await desk.context.clearCookies();
    const page = await desk.context.newPage();
    await page.goto("/login");
    await signInOnPage(page);
    await page.evaluate(() => Object.keys(localStorage).forEach((k) => k.startsWith("fk.draft:") && localStorage.removeItem(k)));
    await page.goto("/publish/message");
    await hydrated(page);
    const title = `Kept battle card ${Date.now().toString(36)}`;
    await page.getByLabel("Kind").selectOption("battle_card");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Message (Markdown)").fill("## Why we win\n\n- Setup in a day");
    await page.getByRole("checkbox", { name: "Atlas Platform" }).check();
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("fk.draft:")));

    // The session ends elsewhere (signed out on another device, or expired).
    const cookie = (await desk.context.cookies()).find((c) => c.name === "fk_session")!;
    const signOut = await fetch(`${baseURL}/api/v1/session`, { method: "DELETE", headers: { cookie: `fk_session=${cookie.value}` } });
    expect(signOut.status).toBeLessThan(300);

    // More typing: the live preview is refused and the page goes to sign-in, the last words included.
    // One input event for the words, as a paste would be: key by key, a slow machine can let the
    // preview leave for sign-in between two keys, and the keys after it land on the sign-in page.
    await page.getByLabel("Message (Markdown)").focus();
    await page.keyboard.press("End");
    await Promise.all([
      page.waitForURL(/\/login\?redirectTo=%2Fpublish%2Fmessage&ended=1$/),
      page.keyboard.insertText("\n- Price per seat"),
    ]);
    await page.getByRole("status").filter({ hasText: "Your session has ended." }).waitFor();
    await signInOnPage(page);
    expect(new URL(page.url()).pathname).toBe("/publish/message");
    await hydrated(page);
    const offer = page.getByRole("status").filter({ hasText: "were not saved. This device kept them." });
    await offer.waitFor();
    expect(await page.getByLabel("Title").inputValue()).toBe("");
    await expectNoAxeViolations(page, "the editor offering kept text");
    await offer.getByRole("button", { name: "Put them back" }).click();
    await expect.poll(() => page.getByLabel("Message (Markdown)").inputValue()).toBe("## Why we win\n\n- Setup in a day\n- Price per seat");
    expect(await page.getByLabel("Title").inputValue()).toBe(title);
    expect(await page.getByLabel("Kind").inputValue()).toBe("battle_card");
    expect(await page.getByRole("checkbox", { name: "Atlas Platform" }).isChecked()).toBe(true);
    // The preview follows the restored text.
    await page.getByRole("region", { name: "Preview" }).getByText("Price per seat").waitFor();

    await Promise.all([page.waitForURL(/\/items\/[0-9a-f-]{36}/), page.getByRole("button", { name: "Save as draft" }).click()]);
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    itemPath = new URL(page.url()).pathname;
    expect(await draftKeys(page)).toEqual([]);
    await page.goto("/publish/message");
    await hydrated(page);
    expect(await page.getByRole("status").filter({ hasText: "were not saved" }).count()).toBe(0);
    await page.close();
  });

  it("keeps an edit to a talk track through a save refused for an ended session", async () => {
    const page = await desk.context.newPage();
    await page.goto(`${itemPath}/edit`);
    await hydrated(page);
    await page.getByLabel("Message (Markdown)").fill("## Why we win\n\n- Live in a day, not a quarter");
    await page.getByLabel(/What changed in the message/).fill("Sharper first point");
    const cookie = (await desk.context.cookies()).find((c) => c.name === "fk_session")!;
    await fetch(`${baseURL}/api/v1/session`, { method: "DELETE", headers: { cookie: `fk_session=${cookie.value}` } });
    await Promise.all([page.waitForURL(/\/login\?redirectTo=/), page.getByRole("button", { name: "Save", exact: true }).click()]);
    await signInOnPage(page);
    expect(new URL(page.url()).pathname).toBe(`${itemPath}/edit`);
    await hydrated(page);
    await page.getByRole("status").filter({ hasText: "were not saved" }).getByRole("button", { name: "Put them back" }).click();
    await expect.poll(() => page.getByLabel("Message (Markdown)").inputValue()).toBe("## Why we win\n\n- Live in a day, not a quarter");
    expect(await page.getByLabel(/What changed in the message/).inputValue()).toBe("Sharper first point");
    await Promise.all([page.waitForURL(/notice=Saved/), page.getByRole("button", { name: "Save", exact: true }).click()]);
    await page.getByText("Live in a day, not a quarter").first().waitFor();
    expect(await draftKeys(page)).toEqual([]);
    await page.close();
  });

  it("lets the marketer discard a kept copy, and keeps none for a form left unchanged", async () => {
    const page = await desk.context.newPage();
    await page.goto("/publish/message");
    await hydrated(page);
    await page.getByLabel("Title").fill("Not wanted");
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("fk.draft:")));
    await page.reload();
    await hydrated(page);
    const offer = page.getByRole("status").filter({ hasText: "were not saved" });
    // Typing before choosing does not replace the copy on offer.
    await page.getByLabel("Title").fill("Typed before choosing");
    await page.waitForTimeout(600);
    await offer.getByRole("button", { name: "Discard" }).click();
    await offer.waitFor({ state: "detached" });
    expect(await draftKeys(page)).toEqual([]);
    // Discard has an Undo, which offers the same copy again.
    await page.getByRole("status").filter({ hasText: "The kept changes were discarded." }).getByRole("button", { name: "Undo" }).click();
    await offer.getByRole("button", { name: "Put them back" }).click();
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("Not wanted");
    // Emptied again: the form is as the page showed it, and nothing is kept.
    await page.getByLabel("Title").fill("");
    await expect.poll(() => draftKeys(page)).toEqual([]);
    await page.reload();
    await hydrated(page);
    expect(await page.getByRole("status").filter({ hasText: "were not saved" }).count()).toBe(0);
    await page.close();
  });

  it("keeps a seller's note to a buyer through an ended session, on a phone", async () => {
    const phone = await launch();
    try {
      const page = await phone.context.newPage();
      await page.goto("/login");
      await page.getByLabel("Email").fill("seller@demo.test");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/login")),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      const found = await page.evaluate(
        async () => (await (await fetch("/api/v1/search?q=one-pager")).json()) as { hits: { id: string }[] },
      );
      const address = `/shares/new?item=${found.hits[0].id}`;
      await page.goto(address);
      await hydrated(page);
      const note = "Here is the one-pager we talked about on Tuesday.";
      await page.getByLabel("Recipient's name (optional)").fill("Dana Buyer");
      await page.getByLabel("Note shown on their page (optional)").fill(note);
      await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("fk.draft:")));

      const cookie = (await phone.context.cookies()).find((c) => c.name === "fk_session")!;
      await fetch(`${baseURL}/api/v1/session`, { method: "DELETE", headers: { cookie: `fk_session=${cookie.value}` } });
      await Promise.all([page.waitForURL(/\/login\?redirectTo=/), page.getByRole("button", { name: "Create link" }).click()]);
      await page.getByLabel("Email", { exact: true }).fill("seller@demo.test");
      await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/login")),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(address);
      await hydrated(page);
      const offer = page.getByRole("status").filter({ hasText: "were not saved" });
      await expectNoAxeViolations(page, "a share form offering kept text, on a phone");
      await offer.getByRole("button", { name: "Put them back" }).click();
      await expect.poll(() => page.getByLabel("Note shown on their page (optional)").inputValue()).toBe(note);
      expect(await page.getByLabel("Recipient's name (optional)").inputValue()).toBe("Dana Buyer");
      await Promise.all([page.waitForURL(/\/shares\/[0-9a-f-]{36}\?created=1/), page.getByRole("button", { name: "Create link" }).click()]);
      await page.getByText(note).waitFor();
      expect(await draftKeys(page)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
