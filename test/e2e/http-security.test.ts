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

  it("answers a NUL in an address, a JSON body or a form with a 400 that says so, on every kind of request", async () => {
    const session = await fetch(`${baseURL}/api/v1/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "admin@demo.test", password: "fieldkit-demo" }),
    });
    const cookie = session.headers.get("set-cookie")!.split(";")[0];
    const headers = { cookie, Origin: baseURL };
    // PostgreSQL cannot hold a NUL in text: each of these had reached a query and answered 500.
    for (const path of ["/admin?q=%00", "/admin/audit?actor=a%00b", "/library?q=x%00", "/feedback/requests?q=%00"]) {
      const page = await fetch(`${baseURL}${path}`, { headers });
      expect(page.status, path).toBe(400);
      expect(await page.text(), path).toContain("NUL character");
    }
    const api = await fetch(`${baseURL}/api/v1/users?q=%00`, { headers });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    const json = await fetch(`${baseURL}/api/v1/requests`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ text: "A deck for \u0000 retail" }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(/NUL character/);
    const form = await fetch(`${baseURL}/requests/new`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: "A one-pager for \u0000 healthcare" }),
      redirect: "manual",
    });
    expect(form.status).toBe(400);
    // Ordinary text still goes through.
    const fine = await fetch(`${baseURL}/api/v1/users?q=${encodeURIComponent("%00 as text")}`, { headers });
    expect(fine.status).toBe(200);
  });

  it("refuses an oversized form or JSON body with 413 before reading it, and keeps serving", async () => {
    // Before, the sign-in page read a 300 MB post whole: the server grew by 860 MB for one request.
    const huge = `email=a&password=${"a".repeat(20_000_000)}`;
    const form = await fetch(`${baseURL}/login`, {
      method: "POST",
      body: huge,
      redirect: "manual",
      headers: { Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(413);
    expect(await form.text()).toContain("The request is over 1 MB. Send less at a time.");
    const json = await fetch(`${baseURL}/api/v1/session`, {
      method: "POST",
      body: JSON.stringify({ email: "a@b.test", password: "x".repeat(50_000) }),
      headers: { "Content-Type": "application/json" },
    });
    expect(json.status).toBe(413);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");

    // A sender that never declares a length is cut off once it is over the cap: an answer or a closed
    // connection, never the whole 200 MB read into memory.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 200_000_000) return controller.close();
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024).fill(97));
      },
    });
    const chunked = await fetch(`${baseURL}/login`, {
      method: "POST",
      body: endless,
      duplex: "half",
      redirect: "manual",
      headers: { Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    } as RequestInit).then(
      (res) => res.status,
      () => "closed",
    );
    expect([413, "closed"]).toContain(chunked);
    expect(sent).toBeLessThan(200_000_000);

    expect((await fetch(`${baseURL}/healthz`)).status).toBe(200);
    const fine = await fetch(`${baseURL}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "seller@demo.test", password: "fieldkit-demo" }),
      redirect: "manual",
      headers: { Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(fine.status).toBe(302);
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
