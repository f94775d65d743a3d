import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../../server/env";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "fieldkit-env-"));

describe("loadEnv", () => {
  it("uses the embedded defaults when nothing is set", () => {
    const dir = tmp();
    const env = loadEnv({ DATA_DIR: dir });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.STORAGE_DIR).toBe(path.join(dir, "files"));
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.MAX_UPLOAD_MB).toBe(200);
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
    [{ NODE_ENV: "production" }, "SESSION_SECRET"],
    [{ MEILI_KEY: "k" }, "MEILI_HOST"],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET"],
    [{ WEB_CONCURRENCY: "2" }, "WEB_CONCURRENCY"],
    [{ WEB_CONCURRENCY: "0", DATABASE_URL: "postgres://h/db" }, "WEB_CONCURRENCY"],
  ])("names the bad variable in %o", (vars, name) => {
    expect(() => loadEnv({ DATA_DIR: tmp(), ...vars })).toThrowError(EnvError);
    try {
      loadEnv({ DATA_DIR: tmp(), ...vars });
    } catch (error) {
      expect((error as EnvError).message).toContain(name);
    }
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
