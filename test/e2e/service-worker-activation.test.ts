// The service worker takes control of the page without waiting for the network. Fetch events wait while
// a worker activates, so an activation that waited for its outbox flush would hold every request of a
// seller on bad signal until the flush's requests gave up. Here the worker's requests to /api/v1/me
// (where every flush starts) are held, unanswered, until the page is controlled.
import { expect, it } from "vitest";
import type { Route } from "playwright-core";
import { describeBrowser, launch, signIn } from "../setup/browser";

describeBrowser("service worker activation", () => {
  it("controls the page while the worker's outbox flush still waits on the network", async () => {
    const browser = await launch();
    const held: Route[] = [];
    try {
      await browser.context.route("**/api/v1/me", (route) => (route.request().serviceWorker() ? held.push(route) : route.continue()));
      const page = await browser.context.newPage();
      await signIn(page, "seller@demo.test");
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
      expect(held.length, "the worker's flush asked who is signed in, and is still waiting").toBeGreaterThan(0);
      // Still served through the worker while its flush waits: the shell answers.
      await page.reload();
      await page.getByRole("navigation").first().waitFor();
    } finally {
      await Promise.all(held.map((route) => route.continue().catch(() => undefined)));
      await browser.close();
    }
  });
});
