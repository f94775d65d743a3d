// The service worker takes control of the page without waiting for the network. Fetch events wait while
// a worker activates, so an activation that waited for its outbox flush would hold every request of a
// seller on bad signal until the flush's requests gave up. Here the worker's requests to /api/v1/me
// (where every flush starts) are held, unanswered, until the page is controlled. Storing the tabs for offline
// use goes two requests at a time, and a request that never answers does not hold the worker's install.
import { expect, it } from "vitest";
import type { Route } from "playwright-core";
import { baseURL, describeBrowser, launch, signIn } from "../setup/browser";
import { startHoldingProxy } from "../setup/holding-proxy";

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

  it("installs, and stores the other tabs, while one tab's request never answers", async () => {
    // Through a proxy that holds the Saved page's requests, as a connection that stalls on bad signal does.
    const network = await startHoldingProxy(baseURL);
    const release = network.hold("/saved");
    const browser = await launch({ baseURL: network.url });
    try {
      const page = await browser.context.newPage();
      await signIn(page, "seller@demo.test");
      // Installing waits for the tabs to be stored: a stalled request held the worker's install for good.
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 50_000 });
      // The signed-in page's own run comes after the install's (signed out, it kept nothing), and stores the
      // rest past the stalled one.
      const stored = () =>
        page.evaluate(async () => {
          const cache = await caches.open("fieldkit-pages-v1");
          return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => p !== "/__manifest");
        });
      await expect
        .poll(async () => (await stored()).sort(), { timeout: 20_000 })
        .toEqual(["/home", "/home.data", "/me", "/me.data", "/saved.data", "/search", "/search.data"]);
    } finally {
      release();
      await browser.close();
      await network.close();
    }
  });
});
