import { afterAll, beforeAll, expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, signIn, type BrowserContext } from "../setup/browser";

describeBrowser("signing in on a phone", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  const homes = [
    ["seller@demo.test", "/home", "Hi Sam"],
    ["marketer@demo.test", "/library", "Library"],
    ["manager@demo.test", "/insights", "Insights"],
    ["admin@demo.test", "/admin", "People and teams"],
  ] as const;

  for (const [email, home, heading] of homes) {
    it(`lands ${email} on ${home}`, async () => {
      await context.clearCookies();
      const page = await context.newPage();
      await signIn(page, email);
      expect(new URL(page.url()).pathname).toBe(home);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      await expectNoAxeViolations(page, `${home} on a phone`);
      if (email === "seller@demo.test") {
        // Sellers get the thumb-sized bottom tab bar.
        const tabs = page.getByRole("navigation", { name: "Main" });
        // "Me" may carry an unread-replies badge ("Me2") when other tests replied to this seller.
        const labels = await tabs.getByRole("link").allTextContents();
        expect(labels.map((l) => l.replace(/\d+$/, ""))).toEqual(["Home", "Search", "Saved", "Me"]);
        const box = await tabs.boundingBox();
        expect(box!.y + box!.height).toBeGreaterThan(800);
        await tabs.getByRole("link", { name: /^Me/ }).click();
        // Apart, so a failure says whether the tap navigated at all or Me's page did not show.
        await page.waitForURL((url) => url.pathname === "/me");
        await page.getByRole("button", { name: "Sign out on all devices" }).waitFor();
        await expectNoAxeViolations(page, "Me on a phone");
      }
      await page.close();
    });
  }

  it("shows a generic error for a wrong password and stays on the sign-in page", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto("/login");
    await expectNoAxeViolations(page, "the sign-in page");
    await page.getByLabel("Email").fill("seller@demo.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("Email or password is incorrect");
    expect(new URL(page.url()).pathname).toBe("/login");
    await expectNoAxeViolations(page, "the sign-in page with an error");
    await page.close();
  });

  it("shows the seller a 403 page on admin screens", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    const res = await page.goto("/admin");
    expect(res?.status()).toBe(403);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain("Not available for your role");
    await expectNoAxeViolations(page, "the 403 page");
    await page.close();
  });

  it("shows a 404 page for addresses that lead nowhere: in the shell when signed in, alone when not", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await signIn(page, "seller@demo.test");
    for (const [address, where, sentence] of [
      ["/no-such-page", "at an unknown address", "There's no page at this address."],
      ["/items/00000000-0000-4000-8000-000000000000", "for an unknown item", "This item doesn't exist"],
    ]) {
      const res = await page.goto(address);
      expect(res?.status()).toBe(404);
      await page.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
      await page.getByText(sentence).waitFor();
      // One main landmark, the shell's, and the navigation to go on from.
      expect(await page.getByRole("main").count()).toBe(1);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).waitFor();
      await expectNoAxeViolations(page, `the 404 page ${where}`);
    }
    // Signed out (a buyer's mistyped link, say), the page stands alone: no sign-in asked for, no navigation.
    await context.clearCookies();
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    expect(new URL(page.url()).pathname).toBe("/no-such-page");
    await page.getByText("There's no page at this address.").waitFor();
    expect(await page.getByRole("navigation").count()).toBe(0);
    expect(await page.getByRole("main").count()).toBe(1);
    await expectNoAxeViolations(page, "the 404 page signed out");
    await page.close();
  });
});

describeBrowser("desk homes at desk size", () => {
  it("lands marketer, manager and admin on a home without accessibility violations", async () => {
    const desk = await launch({ viewport: { width: 1280, height: 900 } });
    try {
      for (const [email, heading] of [
        ["marketer@demo.test", "Library"],
        ["manager@demo.test", "Insights"],
        ["admin@demo.test", "People and teams"],
      ]) {
        await desk.context.clearCookies();
        const page = await desk.context.newPage();
        await signIn(page, email);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await expectNoAxeViolations(page, `${heading} at desk size`);
        await page.close();
      }
    } finally {
      await desk.close();
    }
  });
});

describeBrowser("signing in over the API", () => {
  it("signs every demo account in with POST /api/v1/session and GET /api/v1/me answers", async () => {
    const { baseURL } = await import("../setup/browser");
    for (const [email, role] of [
      ["seller@demo.test", "seller"],
      ["marketer@demo.test", "marketer"],
      ["manager@demo.test", "manager"],
      ["admin@demo.test", "admin"],
    ]) {
      const res = await fetch(`${baseURL}/api/v1/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: baseURL },
        body: JSON.stringify({ email, password: "fieldkit-demo" }),
      });
      expect(res.status).toBe(200);
      const cookie = res.headers.get("set-cookie")!.split(";")[0];
      const me = (await (await fetch(`${baseURL}/api/v1/me`, { headers: { cookie } })).json()) as { user: { role: string } };
      expect(me.user.role).toBe(role);
      const admin = await fetch(`${baseURL}/api/v1/users`, { headers: { cookie } });
      expect(admin.status).toBe(role === "admin" ? 200 : 403);
    }
  });
});
