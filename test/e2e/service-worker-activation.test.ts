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

  it("stores the seller's tabs for offline use two requests at a time, leaving the other connections to the seller's taps", async () => {
    const browser = await launch();
    let open = 0;
    let most = 0;
    const stored = new Set<string>();
    try {
      const tabs = /^\/(home|search|saved|me)(\.data)?$/;
      await browser.context.route(
        (url) => tabs.test(url.pathname),
        async (route) => {
          if (!route.request().serviceWorker()) return route.continue();
          most = Math.max(most, ++open);
          try {
            // Slow enough that requests sent together would overlap here.
            await new Promise((resolve) => setTimeout(resolve, 150));
            await route.fulfill({ response: await route.fetch() });
            stored.add(new URL(route.request().url()).pathname);
          } finally {
            open--;
          }
        },
      );
      const page = await browser.context.newPage();
      await signIn(page, "seller@demo.test");
      // Stored after sign-in; asked again (as a new build's first page asks) once the page is still, so
      // that no request of the page's own, passed on by the worker, is counted with them.
      await expect.poll(() => stored.size, { timeout: 30_000 }).toBe(8);
      stored.clear();
      most = 0;
      await page.evaluate(async () => (await navigator.serviceWorker.ready).active!.postMessage({ type: "CACHE_SHELL" }));
      await expect.poll(() => stored.size, { timeout: 30_000 }).toBe(8);
      expect(most).toBe(2);
    } finally {
      // The worker may still be storing (a third run, from the page's own start): its requests end with the browser.
      await browser.context.unrouteAll({ behavior: "ignoreErrors" });
      await browser.close();
    }
  });
});
