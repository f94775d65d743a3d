// Push that stays working, in Chromium with the built service worker and the real server: a subscription the
// browser replaces (pushsubscriptionchange, which Firefox and Safari fire; Chromium never does, so the test
// fires it in the worker) reaches the server with no page open, and Me says push is on only while the server
// holds this device's endpoint. NOTE: Debian's Chromium has no push service, so the browser's subscription is
// a stand-in (PushManager replaced in the worker or the page), as in push-sign-out.test.ts; the server's side
// is real. The push that then reaches the new subscription is in test/integration/push.test.ts.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, hydrated, launch, signIn, type BrowserContext, type Page } from "../setup/browser";
import { browserKeys, endpointFor, PUSH_SUBSCRIPTIONS_API, subscribe } from "../setup/push-browser";

const API = PUSH_SUBSCRIPTIONS_API;

/** Whether the server sends the signed-in person's push to `endpoint` (the context's cookies, no page needed). */
async function serverHolds(context: BrowserContext, endpoint: string) {
  const res = await context.request.get(`${API}?${new URLSearchParams({ endpoint })}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { thisDevice?: boolean }).thisDevice;
}

async function signedInWithWorker(context: BrowserContext): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await signIn(page, "seller@demo.test");
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
  return page;
}

/**
 * Stands in for the browser's push service in the worker (subscribe() hands out `next`), then fires
 * pushsubscriptionchange there as the browser would after replacing `old`, and waits for what it started.
 */
async function replaceSubscription(context: BrowserContext, old: string, next: string) {
  const worker = context.serviceWorkers().find((w) => new URL(w.url()).pathname === "/sw.js");
  expect(worker, "the service worker").toBeDefined();
  return worker!.evaluate(
    async ({ old, next, keys }) => {
      const scope = self as unknown as { registration: ServiceWorkerRegistration; subscribed?: number };
      scope.subscribed = 0;
      scope.registration.pushManager.subscribe = async () => {
        scope.subscribed!++;
        return { endpoint: next, toJSON: () => ({ endpoint: next, expirationTime: null, keys }) } as unknown as PushSubscription;
      };
      const started: Promise<unknown>[] = [];
      const event = Object.assign(new Event("pushsubscriptionchange"), {
        oldSubscription: { endpoint: old, options: { applicationServerKey: null } },
        newSubscription: null,
        waitUntil: (work: Promise<unknown>) => started.push(work),
      });
      self.dispatchEvent(event);
      return { outcomes: await Promise.all(started), subscribed: scope.subscribed };
    },
    { old, next, keys: browserKeys() },
  );
}

describeBrowser("push subscriptions that stay working", () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launch();
    context = browser.context;
  });
  afterAll(() => browser?.close());

  it("hands the server the subscription the browser replaced, with no page open, and has it forget the old one", async () => {
    const page = await signedInWithWorker(context);
    const [old, next] = [endpointFor("expired"), endpointFor("renewed")];
    await subscribe(page, old);
    await page.close();

    expect(await replaceSubscription(context, old, next)).toEqual({ outcomes: ["renewed"], subscribed: 1 });
    expect([await serverHolds(context, next), await serverHolds(context, old)]).toEqual([true, false]);
  });

  it("renews nothing when no one is signed in on the browser", async () => {
    const page = await signedInWithWorker(context);
    const old = endpointFor("left-behind");
    await subscribe(page, old);
    await page.close();
    const cookies = await context.cookies();
    await context.clearCookies();
    try {
      expect(await replaceSubscription(context, old, endpointFor("nobodys"))).toEqual({ outcomes: ["signed-out"], subscribed: 0 });
    } finally {
      await context.addCookies(cookies);
    }
    expect(await serverHolds(context, old)).toBe(true);
  });

  it("shows push off on Me when the server no longer holds this device's subscription, though the browser still does", async () => {
    // NOTE: a browser of its own: the page's PushManager is a stand-in from the first script on.
    const own = await launch();
    try {
      await own.context.grantPermissions(["notifications"]);
      const endpoint = endpointFor("this-device");
      await own.context.addInitScript((endpoint) => {
        PushManager.prototype.getSubscription = async () => ({ endpoint, unsubscribe: async () => true }) as unknown as PushSubscription;
      }, endpoint);
      const page = await own.context.newPage();
      await signIn(page, "seller@demo.test");
      await subscribe(page, endpoint);
      const toggle = page.getByRole("button", { name: /^Turn (on|off) push on this device$/ });
      const meSays = async () => {
        // A full load each time (not a jump to the same page's #notifications): Me asks again when it opens.
        await page.goto("/me");
        await hydrated(page);
        await toggle.waitFor({ timeout: 15_000 });
        return [await toggle.textContent(), await toggle.getAttribute("aria-pressed")];
      };
      expect(await meSays()).toEqual(["Turn off push on this device", "true"]);

      // The server forgets it, as when the push service answers 410 (the same rows go).
      const status = await page.evaluate(
        async ({ api, endpoint }) =>
          (await fetch(api, { method: "DELETE", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ endpoint }) }))
            .status,
        { api: API, endpoint },
      );
      expect(status).toBe(200);
      expect(await meSays()).toEqual(["Turn on push on this device", "false"]);
      await page.getByText("Push notifications stopped reaching this device.").waitFor();
    } finally {
      await own.close();
    }
  });

  it("counts this device on Me as soon as push is turned on or off here, without a reload", async () => {
    const own = await launch();
    try {
      await own.context.grantPermissions(["notifications"]);
      const endpoint = endpointFor("toggled");
      // The browser's push service, played in the page: nothing subscribed until subscribe() hands one out.
      await own.context.addInitScript(
        ({ endpoint, keys }) => {
          let current: PushSubscription | null = null;
          const sub = {
            endpoint,
            toJSON: () => ({ endpoint, expirationTime: null, keys }),
            unsubscribe: async () => ((current = null), true),
          } as unknown as PushSubscription;
          PushManager.prototype.getSubscription = async () => current;
          PushManager.prototype.subscribe = async () => (current = sub);
        },
        { endpoint, keys: browserKeys() },
      );
      const page = await own.context.newPage();
      await signIn(page, "manager@demo.test");
      await page.goto("/me");
      await hydrated(page);
      // The manager's other browsers, if another test subscribed one: this device adds one to them.
      const devicesSaid = async () =>
        Number(/On for (\d+) devices?\./.exec((await page.locator("#push-title + p").textContent()) ?? "")?.[1] ?? 0);
      const before = await devicesSaid();
      await page.getByRole("button", { name: "Turn on push on this device" }).click();
      await page.getByText("Push notifications are on for this device.").waitFor();
      await expect.poll(devicesSaid).toBe(before + 1);
      await page.getByRole("button", { name: "Turn off push on this device" }).click();
      await page.getByText("Push notifications are off for this device.").waitFor();
      await expect.poll(devicesSaid).toBe(before);
    } finally {
      await own.close();
    }
  });
});
