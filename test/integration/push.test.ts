// Web Push, sending side, against a real HTTP endpoint standing in for the push service: web-push posts
// the encrypted payload there with VAPID auth, which we check (the JWT's signature with the public key,
// its audience and subject). A subscription the service calls gone (410) is deleted and the notification
// is mailed instead; subscribing and unsubscribing are audited. The service worker's renewal of a
// subscription the browser replaced runs against the real API, and the next push reaches the new one.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { Agent, createServer, type Server } from "node:https";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { auditLog, items, mailMessages, notificationSettings, pushSubscriptions, sessions, users } from "@/db/schema";
import { createMailTransport, mailJobHandlers } from "~/modules/mail/mail.server";
import { notificationJobHandlers } from "~/modules/notifications/jobs.server";
import { sessionUserById } from "~/modules/auth/session.server";
import { notify } from "~/modules/notifications/notify.server";
import { updateUser } from "~/modules/people/users.server";
import { subscribePush } from "~/modules/notifications/push.server";
import { action as pushApi, loader as pushInfo } from "~/routes/api.v1.me.push-subscriptions";
import { action as logout } from "~/routes/logout";
import { registerPushHandlers, type PushScope, type PushSubscriptionChangeEvent } from "~/sw/push";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem } from "../setup/feedback";
import { runTempDir } from "../setup/tmp";

type Received = { path: string; headers: IncomingHttpHeaders; body: Buffer };
let app: TestApp;
let server: Server;
let base: string;
let runner: JobRunner;
const received: Received[] = [];
/** Path → status the fake push service answers. */
const answers = new Map<string, number>();

beforeAll(async () => {
  app = await createTestApp();
  // web-push speaks https only: the stand-in push service gets a certificate of its own, trusted by the sender's agent.
  const dir = runTempDir("fieldkit-push-");
  const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const tls = { key: readFileSync(key), cert: readFileSync(cert) };
  server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(answers.get(req.url ?? "") ?? 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mail = createMailTransport({ from: "Fieldkit <noreply@fieldkit.test>" });
  runner = createJobRunner({
    db: app.db,
    handlers: {
      ...mailJobHandlers(app.db, mail),
      ...notificationJobHandlers(app.db, {
        publicUrl: "http://fieldkit.test",
        vapid: app.env.vapid,
        pushAgent: new Agent({ ca: tls.cert }),
      }),
    },
    log: () => {},
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await app.close();
});

/** What a browser's PushManager hands out: its P-256 public key and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

/**
 * The browser's side of Web Push encryption (RFC 8291, one aes128gcm record of RFC 8188): what the
 * payload says, read as the browser reads it, with the keys it subscribed with.
 */
function decryptPush(body: Buffer, browser: ECDH, auth: Buffer): unknown {
  const salt = body.subarray(0, 16);
  const keyLength = body.readUInt8(20);
  const serverKey = body.subarray(21, 21 + keyLength);
  const secret = browser.computeSecret(serverKey);
  const info = (label: string) => Buffer.from(`Content-Encoding: ${label}\0`);
  const ikm = Buffer.from(
    hkdfSync("sha256", secret, auth, Buffer.concat([Buffer.from("WebPush: info\0"), browser.getPublicKey(), serverKey]), 32),
  );
  const key = Buffer.from(hkdfSync("sha256", ikm, salt, info("aes128gcm"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, info("nonce"), 12));
  const record = body.subarray(21 + keyLength);
  const decipher = createDecipheriv("aes-128-gcm", key, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 2, then any zero padding.
  return JSON.parse(padded.subarray(0, padded.lastIndexOf(2)).toString("utf8"));
}

function checkVapid(headers: IncomingHttpHeaders, audience: string) {
  const m = /^vapid t=([^,]+), k=(.+)$/.exec(String(headers.authorization));
  expect(m, String(headers.authorization)).not.toBeNull();
  const [, jwt, k] = m!;
  expect(k).toBe(app.env.vapid.publicKey);
  const [h, p, s] = jwt.split(".");
  expect(JSON.parse(Buffer.from(h, "base64url").toString())).toMatchObject({ alg: "ES256", typ: "JWT" });
  const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as { aud: string; sub: string; exp: number };
  expect(claims.aud).toBe(audience);
  expect(claims.sub).toBe(app.env.vapid.subject);
  expect(claims.exp * 1000).toBeGreaterThan(Date.now());
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  });
  expect(verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))).toBe(true);
}

describe("Web Push", () => {
  it("subscribes through the API (audited), then pushes each in-app notification, encrypted, with VAPID auth", async () => {
    const seller = await createUser(app);
    const cookie = await cookieFor(app, seller.id);
    const info = (await (await pushInfo(routeArgs(app, request("/api/v1/me/push-subscriptions", { cookie })) as never)).json()) as {
      publicKey: string;
      enabled: boolean;
    };
    expect(info).toMatchObject({ publicKey: app.env.vapid.publicKey, enabled: false });
    const endpoint = `${base}/push/${seller.id}`;
    const res = (await pushApi(
      routeArgs(
        app,
        request("/api/v1/me/push-subscriptions", { method: "POST", cookie, json: { endpoint, expirationTime: null, keys: browserKeys() } }),
      ) as never,
    )) as Response;
    expect(res.status).toBe(201);
    const audit = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, seller.id), eq(auditLog.action, "push.subscribed")));
    expect(audit).toHaveLength(1);

    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/x" });
    await runner.runUntilIdle();
    const got = received.filter((r) => r.path === `/push/${seller.id}`);
    expect(got).toHaveLength(1);
    expect(got[0].headers["content-encoding"]).toBe("aes128gcm");
    expect(Number(got[0].headers.ttl)).toBeGreaterThan(0);
    // Encrypted: the title is not readable on the wire.
    expect(got[0].body.length).toBeGreaterThan(100);
    expect(got[0].body.toString("latin1")).not.toContain("Dana");
    checkVapid(got[0].headers, base);

    const off = (await pushApi(
      routeArgs(app, request("/api/v1/me/push-subscriptions", { method: "DELETE", cookie, json: { endpoint } })) as never,
    )) as Response;
    expect(off.status).toBe(200);
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(false);
    expect(
      await app.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.actorId, seller.id), eq(auditLog.action, "push.unsubscribed"))),
    ).toHaveLength(1);
  });

  it("pushes a notification as it may be seen when it is sent: without the title of an item its person can no longer open", async () => {
    const seller = await createUser(app);
    const item = await createItem(app, { title: "Falcon pricing" });
    const browser = createECDH("prime256v1");
    browser.generateKeys();
    const auth = randomBytes(16);
    await subscribePush(app.db, {
      user: seller,
      pushServiceHosts: app.env.pushServiceHosts,
      input: {
        endpoint: `${base}/push/hidden-${seller.id}`,
        keys: { p256dh: browser.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      },
    });
    const payloads = async () => {
      await runner.runUntilIdle();
      return received.filter((r) => r.path === `/push/hidden-${seller.id}`).map((r) => decryptPush(r.body, browser, auth));
    };
    await notify(app.db, { to: seller.id, kind: "saved_item_updated", title: "“Falcon pricing” v2", url: `/items/${item.id}` });
    expect(await payloads()).toEqual([
      expect.objectContaining({ title: "“Falcon pricing” v2", url: `http://fieldkit.test/items/${item.id}` }),
    ]);

    // Queued while the item was open to them, sent after it went back to draft (a job waits, and retries).
    await notify(app.db, { to: seller.id, kind: "saved_item_updated", title: "“Falcon pricing” v3", url: `/items/${item.id}` });
    await app.db.update(items).set({ status: "draft" }).where(eq(items.id, item.id));
    const [, hidden] = await payloads();
    expect(hidden).toMatchObject({
      title: "An item you used has a new version, but you can no longer open it",
      body: "",
      url: "http://fieldkit.test/notifications",
    });
    expect(JSON.stringify(hidden)).not.toContain("Falcon");
  });

  it("deletes a subscription the push service calls gone (410) and mails the notification instead", async () => {
    const seller = await createUser(app);
    const endpoint = `${base}/gone/${seller.id}`;
    answers.set(`/gone/${seller.id}`, 410);
    await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: { endpoint, keys: browserKeys() } });
    // share_opened is not mailed by default: push was the only way besides the app.
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Sam opened your share", url: "/shares/y" });
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path === `/gone/${seller.id}`)).toHaveLength(1);
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toEqual([]);
    const mails = await app.db.select().from(mailMessages).where(eq(mailMessages.to, seller.email));
    expect(mails.map((m) => m.subject)).toEqual(["Sam opened your share"]);
    expect(mails[0].text).toContain("http://fieldkit.test/shares/y");
    // That was the last browser: push is off now, so the next "no mail" notification stays in the app.
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(false);
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Sam opened it again", url: "/shares/y" });
    await runner.runUntilIdle();
    expect((await app.db.select().from(mailMessages).where(eq(mailMessages.to, seller.email))).map((m) => m.subject)).toEqual([
      "Sam opened your share",
    ]);
  });

  it("sends nothing to the browsers of someone deactivated after the push was queued", async () => {
    const seller = await createUser(app);
    await subscribePush(app.db, {
      user: seller,
      pushServiceHosts: app.env.pushServiceHosts,
      input: { endpoint: `${base}/left/${seller.id}`, keys: browserKeys() },
    });
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Lee opened your share", url: "/shares/z" });
    await app.db.update(users).set({ active: false }).where(eq(users.id, seller.id));
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path === `/left/${seller.id}`)).toEqual([]);
    expect(await app.db.select().from(mailMessages).where(eq(mailMessages.to, seller.email))).toEqual([]);
  });

  it("retries when the push service fails otherwise, keeping the subscription", async () => {
    const seller = await createUser(app);
    answers.set(`/down/${seller.id}`, 503);
    await subscribePush(app.db, {
      user: seller,
      pushServiceHosts: app.env.pushServiceHosts,
      input: { endpoint: `${base}/down/${seller.id}`, keys: browserKeys() },
    });
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Kim opened your share" });
    await runner.runOnce();
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path === `/down/${seller.id}`)).toHaveLength(1);
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toHaveLength(1);
    expect(await app.db.select().from(mailMessages).where(eq(mailMessages.to, seller.email))).toEqual([]);
  });

  it("forgets the signing-out browser's subscription with its session, and pushes nothing to it afterwards", async () => {
    const seller = await createUser(app);
    const [tablet, phone] = [`${base}/tablet/${seller.id}`, `${base}/phone/${seller.id}`];
    for (const endpoint of [tablet, phone])
      await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: { endpoint, keys: browserKeys() } });
    // Another person's browser named in the form (a forged one) is not this session's to forget.
    const other = await createUser(app);
    await subscribePush(app.db, {
      user: other,
      pushServiceHosts: app.env.pushServiceHosts,
      input: { endpoint: `${base}/other/${other.id}`, keys: browserKeys() },
    });
    const cookie = await cookieFor(app, seller.id);
    await logout(routeArgs(app, request("/logout", { cookie, form: { pushEndpoint: tablet } })) as never);
    await logout(
      routeArgs(
        app,
        request("/logout", { cookie: await cookieFor(app, seller.id), form: { pushEndpoint: `${base}/other/${other.id}` } }),
      ) as never,
    );

    expect((await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).map((s) => s.endpoint)).toEqual([
      phone,
    ]);
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, other.id))).toHaveLength(1);
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/t" });
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path === `/tablet/${seller.id}`)).toEqual([]);
    expect(received.filter((r) => r.path === `/phone/${seller.id}`)).toHaveLength(1);
    // The phone still takes them: push stays on.
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(true);
  });

  it("turns push off when the signing-out browser was the person's last", async () => {
    const seller = await createUser(app);
    const endpoint = `${base}/only/${seller.id}`;
    await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: { endpoint, keys: browserKeys() } });
    await logout(
      routeArgs(app, request("/logout", { cookie: await cookieFor(app, seller.id), form: { pushEndpoint: endpoint } })) as never,
    );
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toEqual([]);
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(false);
  });

  it("forgets every browser of the person on a sign-out everywhere, and pushes nothing afterwards", async () => {
    const seller = await createUser(app);
    for (const device of ["tablet", "phone"])
      await subscribePush(app.db, {
        user: seller,
        pushServiceHosts: app.env.pushServiceHosts,
        input: { endpoint: `${base}/everywhere-${device}/${seller.id}`, keys: browserKeys() },
      });
    const cookie = await cookieFor(app, seller.id);
    await logout(routeArgs(app, request("/logout", { cookie, form: { everywhere: "true" } })) as never);

    expect(await app.db.select().from(sessions).where(eq(sessions.userId, seller.id))).toEqual([]);
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toEqual([]);
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(false);
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/e" });
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path.endsWith(`/${seller.id}`))).toEqual([]);
  });

  it("forgets every browser of someone deactivated, with their sessions", async () => {
    const seller = await createUser(app);
    await subscribePush(app.db, {
      user: seller,
      pushServiceHosts: app.env.pushServiceHosts,
      input: { endpoint: `${base}/deactivated/${seller.id}`, keys: browserKeys() },
    });
    const admin = (await sessionUserById(app.db, (await createUser(app, { role: "admin" })).id))!;
    await updateUser(app.db, { actor: admin, input: { userId: seller.id, active: false } });
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toEqual([]);
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
    expect(settings.pushEnabled).toBe(false);
  });

  it("refuses a plain-http endpoint and a malformed subscription with 400", async () => {
    const seller = await createUser(app);
    await expect(
      subscribePush(app.db, {
        user: seller,
        pushServiceHosts: app.env.pushServiceHosts,
        input: { endpoint: "http://127.0.0.1:9/x", keys: browserKeys() },
      }),
    ).rejects.toThrow(/https/);
    const cookie = await cookieFor(app, seller.id);
    for (const json of [
      { endpoint: "not a url", keys: browserKeys() },
      { endpoint: `${base}/y`, keys: { p256dh: "short", auth: "x" } },
      {},
    ]) {
      const res = (await pushApi(
        routeArgs(app, request("/api/v1/me/push-subscriptions", { method: "POST", cookie, json })) as never,
      )) as Response;
      expect(res.status).toBe(400);
    }
  });

  it("refuses an endpoint that is not a push service's, so no one can make the server call hosts inside the network", async () => {
    const seller = await createUser(app);
    const cookie = await cookieFor(app, seller.id);
    for (const endpoint of ["https://10.0.0.1/x", "https://intranet.corp.example:8443/admin", "https://fcm.googleapis.com.evil.test/x"]) {
      const res = (await pushApi(
        routeArgs(
          app,
          request("/api/v1/me/push-subscriptions", { method: "POST", cookie, json: { endpoint, keys: browserKeys() } }),
        ) as never,
      )) as Response;
      expect([endpoint, res.status, ((await res.json()) as any).error.message]).toEqual([
        endpoint,
        400,
        expect.stringContaining("push service"),
      ]);
    }
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id))).toEqual([]);
    // The browsers' own services are taken (the address is only stored here, nothing is sent).
    await subscribePush(app.db, {
      user: seller,
      pushServiceHosts: [],
      input: { endpoint: `https://fcm.googleapis.com/fcm/send/${seller.id}`, keys: browserKeys() },
    });
    await app.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, seller.id));
  });

  it("turns push off for the previous person when their last browser moves to someone else's account", async () => {
    const [first, second] = [await createUser(app), await createUser(app)];
    const endpoint = `${base}/shared-tablet/${first.id}`;
    for (const user of [first, second])
      await subscribePush(app.db, { user, pushServiceHosts: app.env.pushServiceHosts, input: { endpoint, keys: browserKeys() } });
    const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, first.id));
    expect(settings.pushEnabled).toBe(false);
    expect((await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint))).map((r) => r.userId)).toEqual([
      second.id,
    ]);
    // So a notification of the first is not mailed as a fallback for a browser that is no longer theirs.
    await notify(app.db, { to: first.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/t" });
    await runner.runUntilIdle();
    expect(await app.db.select().from(mailMessages).where(eq(mailMessages.to, first.email))).toEqual([]);
  });

  it("says whether the caller's push goes to a browser's endpoint: not after the push service called it gone, nor another person's", async () => {
    const [seller, other] = [await createUser(app), await createUser(app)];
    const cookie = await cookieFor(app, seller.id);
    const [held, gone, theirs] = [`${base}/held/${seller.id}`, `${base}/gone-check/${seller.id}`, `${base}/theirs/${other.id}`];
    answers.set(`/gone-check/${seller.id}`, 410);
    for (const endpoint of [held, gone])
      await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: { endpoint, keys: browserKeys() } });
    await subscribePush(app.db, {
      user: other,
      pushServiceHosts: app.env.pushServiceHosts,
      input: { endpoint: theirs, keys: browserKeys() },
    });
    const thisDevice = async (endpoint?: string) => {
      const query = endpoint === undefined ? "" : `?${new URLSearchParams({ endpoint })}`;
      const res = (await pushInfo(routeArgs(app, request(`/api/v1/me/push-subscriptions${query}`, { cookie })) as never)) as Response;
      return [res.status, ((await res.json()) as { thisDevice?: boolean }).thisDevice];
    };
    expect(await thisDevice(gone)).toEqual([200, true]);
    await notify(app.db, { to: seller.id, kind: "share_opened", title: "Kai opened your share", url: "/shares/c" });
    await runner.runUntilIdle();
    expect(received.filter((r) => r.path === `/gone-check/${seller.id}`)).toHaveLength(1);
    expect([await thisDevice(held), await thisDevice(gone), await thisDevice(theirs), await thisDevice()]).toEqual([
      [200, true],
      [200, false],
      [200, false],
      [200, undefined],
    ]);
    expect((await thisDevice("x".repeat(2_001)))[0]).toBe(400);
  });

  describe("a subscription the browser replaced (the service worker's pushsubscriptionchange)", () => {
    /** A browser's push subscription: its keys, as PushManager.subscribe() would hand them out, and the private half to read pushes. */
    function browserSubscription(endpoint: string) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") };
      const subscription = { endpoint, options: { applicationServerKey: null }, toJSON: () => ({ endpoint, expirationTime: null, keys }) };
      return { ecdh, auth, keys, subscription: subscription as unknown as PushSubscription };
    }

    /**
     * The worker as app/sw/push.ts sees it: its fetch reaches the real API routes with `cookie` (none: signed
     * out), and its push service hands out `next`. `change` fires the event and waits for what it started.
     */
    function worker(cookie: string | null, next: PushSubscription) {
      const listeners = new Map<string, (event: unknown) => void>();
      const subscribed: PushSubscriptionOptionsInit[] = [];
      const scope = {
        location: new URL("http://localhost/sw.js"),
        registration: {
          showNotification: async () => {},
          pushManager: {
            getSubscription: async () => null,
            subscribe: async (options: PushSubscriptionOptionsInit) => (subscribed.push(options), next),
          },
        },
        clients: { matchAll: async () => [], openWindow: async () => null },
        fetch: async (input: string, init: RequestInit = {}) => {
          const req = request(input, { ...init, ...(cookie ? { cookie } : {}) });
          return (await respond(() => (req.method === "GET" ? pushInfo : pushApi)(routeArgs(app, req) as never))) as Response;
        },
        addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
      };
      registerPushHandlers(scope as unknown as PushScope);
      return {
        subscribed,
        change: async (event: Pick<PushSubscriptionChangeEvent, "oldSubscription" | "newSubscription">) => {
          const work: Promise<unknown>[] = [];
          listeners.get("pushsubscriptionchange")?.({ ...event, waitUntil: (p: Promise<unknown>) => work.push(p) });
          await Promise.all(work);
        },
      };
    }

    const endpointsOf = async (userId: string) =>
      (await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId))).map((s) => s.endpoint);

    it("subscribes again with the server's key, hands the server the new subscription, forgets the old, and the next push reaches it", async () => {
      const seller = await createUser(app);
      const old = browserSubscription(`${base}/expiring/${seller.id}`);
      await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: old.subscription.toJSON() });
      const renewed = browserSubscription(`${base}/renewed/${seller.id}`);
      const sw = worker(await cookieFor(app, seller.id), renewed.subscription);

      await sw.change({ oldSubscription: old.subscription, newSubscription: null });
      expect(
        sw.subscribed.map((o) => [o.userVisibleOnly, Buffer.from(o.applicationServerKey as Uint8Array).toString("base64url")]),
      ).toEqual([[true, app.env.vapid.publicKey]]);
      expect(await endpointsOf(seller.id)).toEqual([renewed.subscription.endpoint]);

      await notify(app.db, { to: seller.id, kind: "share_opened", title: "Ana opened your share", url: "/shares/r" });
      await runner.runUntilIdle();
      const got = received.filter((r) => r.path === `/renewed/${seller.id}`);
      expect(got.map((r) => decryptPush(r.body, renewed.ecdh, renewed.auth))).toEqual([
        expect.objectContaining({ title: "Ana opened your share", url: "http://fieldkit.test/shares/r" }),
      ]);
      expect(received.filter((r) => r.path === `/expiring/${seller.id}`)).toEqual([]);
      const [settings] = await app.db.select().from(notificationSettings).where(eq(notificationSettings.userId, seller.id));
      expect(settings.pushEnabled).toBe(true);
    });

    it("does nothing when no one is signed in on the browser", async () => {
      const seller = await createUser(app);
      const old = browserSubscription(`${base}/left-behind/${seller.id}`);
      await subscribePush(app.db, { user: seller, pushServiceHosts: app.env.pushServiceHosts, input: old.subscription.toJSON() });
      const sw = worker(null, browserSubscription(`${base}/nobodys/${seller.id}`).subscription);
      await sw.change({ oldSubscription: old.subscription, newSubscription: null });
      expect(sw.subscribed).toEqual([]);
      expect(await endpointsOf(seller.id)).toEqual([old.subscription.endpoint]);
    });
  });
});
