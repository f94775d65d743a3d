// Browser tests drive Debian's Chromium with playwright-core: a fresh profile each time, a phone viewport.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { describe, expect, inject } from "vitest";
import { CHROMIUM_FLAGS } from "./chromium";

export const PHONE = { width: 390, height: 844 };
export const DEMO_PASSWORD = "fieldkit-demo";

const e2e = inject("e2e");
export const baseURL = "baseURL" in e2e ? e2e.baseURL : "";

/** `describe` when the server and Chromium are up; otherwise skipped, with the reason in the name. */
export const describeBrowser: typeof describe = (
  "skipped" in e2e ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${e2e.skipped})`, fn) : describe
) as typeof describe;

export async function launch(
  options: {
    viewport?: { width: number; height: number };
    userAgent?: string;
    serviceWorkers?: "allow" | "block";
    /** Another way to the server than the suite's (a proxy in front of it). */
    baseURL?: string;
  } = {},
) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "baseURL" in e2e ? e2e.chromium : undefined,
    headless: true,
    viewport: options.viewport ?? PHONE,
    hasTouch: true,
    isMobile: true,
    baseURL: options.baseURL ?? baseURL,
    args: CHROMIUM_FLAGS,
    // "block" for tests that hold requests with page.route: a service worker would answer them unseen.
    serviceWorkers: options.serviceWorkers ?? "allow",
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      // NOTE: retried: Chromium's helpers may still be writing its cache as the directory goes (ENOTEMPTY).
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** The session cookie of an account signed in over the API, for work outside the browser under test. */
export async function apiCookie(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseURL}/api/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status, `signing ${email} in over the API`).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0];
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
}

/**
 * Resolves once a page inside the app's shell has hydrated. The scripts start after the first paint
 * (app/components/scripts-after-paint.tsx), so "load" often comes first; the dark-mode button is
 * enabled by hydration.
 */
export async function hydrated(page: Page) {
  await page.getByRole("button", { name: "Dark mode", disabled: false }).first().waitFor();
}

/** The device's outbox, read straight from IndexedDB. */
export const outboxEntries = <T = { kind: string; failed?: boolean }>(page: Page) =>
  page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open("fieldkit-offline");
        let absent = false;
        // Not made by the app yet: an empty outbox. Creating it here would leave it without stores.
        open.onupgradeneeded = () => ((absent = true), open.transaction!.abort());
        open.onerror = () => (absent ? resolve([]) : reject(open.error));
        open.onsuccess = () => {
          const all = open.result.transaction("outbox").objectStore("outbox").getAll();
          all.onsuccess = () => {
            resolve(all.result);
            open.result.close();
          };
        };
      }),
  ) as Promise<T[]>;

/**
 * One record of the app's offline store on the device (`fieldkit-offline`), or undefined when the store
 * or the record is not there. NOTE: a store not made yet is not made here: created by this read, it
 * would be empty, and the app's own open would then find its version there, run no upgrade and have no
 * object stores.
 */
export const deviceRecord = <T = unknown>(page: Page, store: "catalog" | "saved" | "meta", key: string) =>
  page.evaluate(
    ({ store, key }) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open("fieldkit-offline");
        let absent = false;
        open.onupgradeneeded = () => ((absent = true), open.transaction!.abort());
        open.onerror = () => (absent ? resolve(undefined) : reject(open.error));
        open.onsuccess = () => {
          const get = open.result.transaction(store).objectStore(store).get(key);
          get.onsuccess = () => (open.result.close(), resolve(get.result));
        };
      }),
    { store, key },
  ) as Promise<T | undefined>;

/** Sets an item's expiry date in the catalog on the device, as a sync would (the phone's clock then judges it). */
export const setExpiryOnDevice = (page: Page, itemId: string, expiresAt: string) =>
  page.evaluate(
    ({ itemId, expiresAt }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("fieldkit-offline");
        open.onsuccess = () => {
          const store = open.result.transaction("catalog", "readwrite").objectStore("catalog");
          const get = store.get(itemId);
          get.onsuccess = () => {
            store.put({ ...get.result, expiresAt });
            store.transaction.oncomplete = () => (open.result.close(), resolve());
          };
          store.transaction.onerror = () => reject(store.transaction.error);
        };
      }),
    { itemId, expiresAt },
  );

/** What waits to be sent: the outbox and the actions staged synchronously (app/offline/staging.ts). */
export const outboxSize = async (page: Page) =>
  (await outboxEntries(page)).length +
  (await page.evaluate(() => (JSON.parse(localStorage.getItem("fieldkit:staged-outbox") ?? "[]") as unknown[]).length));

export type { BrowserContext, Page };
