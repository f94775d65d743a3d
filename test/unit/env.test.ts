import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "~/env.server";
import { runTempDir } from "../setup/tmp";

const tmp = () => runTempDir("fieldkit-env-");

describe("loadEnv", () => {
  it("uses the embedded defaults when nothing is set", () => {
    const dir = tmp();
    const env = loadEnv({ DATA_DIR: dir });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.STORAGE_DIR).toBe(path.join(dir, "files"));
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.MAX_UPLOAD_MB).toBe(200);
    expect(env.REQUEST_DEADLINE_SECONDS).toBe(15);
    expect(env.UPLOAD_STALL_SECONDS).toBe(60);
    expect(env.demoSeed).toBe(true);
  });

  it("generates a session secret once and reuses it", () => {
    const dir = tmp();
    const first = loadEnv({ DATA_DIR: dir }).SESSION_SECRET;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadEnv({ DATA_DIR: dir }).SESSION_SECRET).toBe(first);
    expect(readFileSync(path.join(dir, "session-secret"), "utf8")).toBe(first);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ MEILI_HOST: "not a url" }, "MEILI_HOST"],
    [{ MAX_UPLOAD_MB: "-5" }, "MAX_UPLOAD_MB"],
    [{ REQUEST_DEADLINE_SECONDS: "0" }, "REQUEST_DEADLINE_SECONDS"],
    [{ UPLOAD_STALL_SECONDS: "0" }, "UPLOAD_STALL_SECONDS"],
    [{ NODE_ENV: "production" }, "SESSION_SECRET"],
    [{ MEILI_KEY: "k" }, "MEILI_HOST"],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET"],
    [{ WEB_CONCURRENCY: "2" }, "WEB_CONCURRENCY"],
    [{ WEB_CONCURRENCY: "0", DATABASE_URL: "postgres://h/db" }, "WEB_CONCURRENCY"],
    [{ SMTP_URL: "http://mail.example.test" }, "SMTP_URL"],
    [{ PUBLIC_URL: "not a url" }, "PUBLIC_URL"],
    [{ OIDC_ISSUER: "https://id.example.test" }, "OIDC_CLIENT_ID"],
    [{ OIDC_ISSUER: "https://id.example.test", OIDC_CLIENT_ID: "fk" }, "OIDC_CLIENT_SECRET"],
    [{ SSO_ONLY: "true" }, "SSO_ONLY"],
    [{ OIDC_ROLE_MAP: "Sales=wizard" }, "OIDC_ROLE_MAP"],
    [{ OIDC_UNMAPPED: "maybe" }, "OIDC_UNMAPPED"],
    [{ NODE_ENV: "production", SESSION_SECRET: "0123456789abcdef0123", OIDC_ALLOW_HTTP: "true" }, "OIDC_ALLOW_HTTP"],
    [{ VAPID_PUBLIC_KEY: "B" + "a".repeat(86) }, "VAPID_PRIVATE_KEY"],
    [{ VAPID_PUBLIC_KEY: "not-a-key", VAPID_PRIVATE_KEY: "a".repeat(43) }, "VAPID_PUBLIC_KEY"],
    [{ VAPID_SUBJECT: "http://example.test" }, "VAPID_SUBJECT"],
  ])("names the bad variable in %o", (vars, name) => {
    expect(() => loadEnv({ DATA_DIR: tmp(), ...vars })).toThrowError(EnvError);
    try {
      loadEnv({ DATA_DIR: tmp(), ...vars });
    } catch (error) {
      expect((error as EnvError).message).toContain(name);
    }
  });

  it("generates a VAPID key pair once into the data dir (or takes it from the environment) that web-push accepts", async () => {
    const dir = tmp();
    const first = loadEnv({ DATA_DIR: dir, MAIL_FROM: "Fieldkit <push@example.test>" }).vapid;
    expect(first.subject).toBe("mailto:push@example.test");
    expect(loadEnv({ DATA_DIR: dir }).vapid.publicKey).toBe(first.publicKey);
    const webpush = (await import("web-push")).default;
    expect(() => webpush.setVapidDetails(first.subject, first.publicKey, first.privateKey)).not.toThrow();
    const given = webpush.generateVAPIDKeys();
    const env = loadEnv({
      DATA_DIR: tmp(),
      VAPID_PUBLIC_KEY: given.publicKey,
      VAPID_PRIVATE_KEY: given.privateKey,
      VAPID_SUBJECT: "https://fieldkit.example.test",
    });
    expect(env.vapid).toEqual({ ...given, subject: "https://fieldkit.example.test" });
  });

  it("runs one process by default and several on PostgreSQL when asked", () => {
    expect(loadEnv({ DATA_DIR: tmp() }).WEB_CONCURRENCY).toBe(1);
    expect(loadEnv({ DATA_DIR: tmp(), DATABASE_URL: "postgres://h/db", WEB_CONCURRENCY: "4" }).WEB_CONCURRENCY).toBe(4);
  });

  it("never seeds demo accounts in production", () => {
    const env = loadEnv({ DATA_DIR: tmp(), NODE_ENV: "production", SESSION_SECRET: "x".repeat(32) });
    expect(env.demoSeed).toBe(false);
  });
});

describe("mail and single sign-on settings", () => {
  it("defaults to the local outbox and a public URL from HOST and PORT", () => {
    const env = loadEnv({ DATA_DIR: tmp(), PORT: "4000" });
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.MAIL_FROM).toBe("Fieldkit <fieldkit@localhost>");
    expect(env.PUBLIC_URL).toBe("http://127.0.0.1:4000");
    expect(env.oidc).toBeUndefined();
    expect(env.ssoOnly).toBe(false);
  });

  it("reads OIDC settings with a role map and the unmapped rule", () => {
    const env = loadEnv({
      DATA_DIR: tmp(),
      PUBLIC_URL: "https://fieldkit.example.test/",
      OIDC_ISSUER: "https://id.example.test",
      OIDC_CLIENT_ID: "fk",
      OIDC_CLIENT_SECRET: "secret",
      OIDC_ROLE_MAP: "Sales=seller; Marketing=marketer",
      OIDC_UNMAPPED: "refuse",
      SSO_ONLY: "true",
    });
    expect(env.PUBLIC_URL).toBe("https://fieldkit.example.test");
    expect(env.oidc).toMatchObject({
      issuer: "https://id.example.test",
      roleClaim: "fieldkit_role",
      teamClaim: "fieldkit_team",
      unmapped: "refuse",
      roleMap: { Sales: "seller", Marketing: "marketer" },
    });
    expect(env.ssoOnly).toBe(true);
  });
});
