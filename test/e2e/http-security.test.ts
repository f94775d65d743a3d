// Headers and cross-site protections, checked over real HTTP against the running server.
import { expect, it } from "vitest";
import { baseURL, describeBrowser, launch } from "../setup/browser";

describeBrowser("HTTP security", () => {
  it("sends a strict CSP with a per-request nonce that Remix's scripts carry", async () => {
    const a = await fetch(`${baseURL}/login`);
    const b = await fetch(`${baseURL}/login`);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval");
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(b.headers.get("content-security-policy")).not.toContain(nonce);
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("compresses pages and scripts for clients that accept gzip, but never a byte range", async () => {
    const page = await fetch(`${baseURL}/login`, { headers: { "Accept-Encoding": "gzip" } });
    expect(page.headers.get("content-encoding")).toBe("gzip");
    expect(await page.text()).toContain("<html");
    const script = await fetch(`${baseURL}/sw.js`, { headers: { "Accept-Encoding": "gzip" } });
    expect(script.headers.get("content-encoding")).toBe("gzip");
    const ranged = await fetch(`${baseURL}/sw.js`, { headers: { "Accept-Encoding": "gzip", Range: "bytes=0-9" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-encoding")).toBeNull();
    expect((await ranged.arrayBuffer()).byteLength).toBe(10);
  });

  it("refuses a cross-site form post but accepts a same-origin one", async () => {
    const body = new URLSearchParams({ email: "seller@demo.test", password: "fieldkit-demo" });
    const evil = await fetch(`${baseURL}/login`, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { Origin: "https://evil.test", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(evil.status).toBe(403);
    const fetchSite = await fetch(`${baseURL}/login`, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { "Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(fetchSite.status).toBe(403);
    const own = await fetch(`${baseURL}/login`, {
      method: "POST",
      body,
      redirect: "manual",
      headers: { Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(own.status).toBe(302);
  });

  it("runs the app in Chromium without a single CSP violation", async () => {
    const browser = await launch();
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (/Content.Security.Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto("/login");
    await page.getByLabel("Email").fill("seller@demo.test");
    await page.getByLabel("Password").fill("fieldkit-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: /Hi / }).waitFor();
    // Client-side navigation proves hydration ran under the policy.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Me\b/ }).click(); // "Me, 1 new reply" while a reply is unread
    await page.getByRole("button", { name: "Sign out on all devices" }).waitFor();
    expect(violations).toEqual([]);
    await browser.close();
  });
});
