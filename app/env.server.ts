// Configuration is parsed once, here, with an error that names the bad variable.
// Nothing else reads process.env; factories receive what they need from this object.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import os from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    DATA_DIR: z.string().trim().min(1).default("./.data"),
    STORAGE_DIR: optionalString,
    MEILI_HOST: optionalString.pipe(z.url({ message: "must be an http(s) URL" }).optional()),
    MEILI_KEY: optionalString,
    SESSION_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).default("127.0.0.1"),
    MAX_UPLOAD_MB: z.coerce.number().positive().max(10_240).default(200),
    DEMO_SEED: optionalString.pipe(z.enum(["true", "false"]).optional()),
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    FILE_WORKERS: z.coerce.number().int().min(1).max(32).optional(),
    FILE_WORKER_MEMORY_MB: z.coerce.number().int().min(256).max(16_384).default(1024),
    JOB_LEASE_SECONDS: z.coerce.number().int().min(3).max(3_600).default(90),
    REQUEST_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
    UPLOAD_STALL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    MAIL_FROM: optionalString,
    PUBLIC_URL: optionalString.pipe(z.url({ message: "must be the http(s) address people use to reach Fieldkit" }).optional()),
    OIDC_ISSUER: optionalString.pipe(z.url({ message: "must be the provider's issuer URL" }).optional()),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: optionalString,
    OIDC_SCOPES: optionalString,
    OIDC_ROLE_CLAIM: optionalString,
    OIDC_TEAM_CLAIM: optionalString,
    OIDC_ROLE_MAP: optionalString.pipe(
      z
        .string()
        .regex(
          /^\s*[^=;]+=(seller|marketer|manager|admin)\s*(;\s*[^=;]+=(seller|marketer|manager|admin)\s*)*;?$/,
          "must look like `Sales=seller;Marketing=marketer`",
        )
        .optional(),
    ),
    OIDC_UNMAPPED: optionalString.pipe(z.enum(["seller", "refuse"]).optional()),
    OIDC_ALLOW_HTTP: optionalString.pipe(z.enum(["true", "false"]).optional()),
    SSO_ONLY: optionalString.pipe(z.enum(["true", "false"]).optional()),
    VAPID_PUBLIC_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{86,88}=*$/, "must be the base64url public key (65 bytes) that web-push generates")
        .optional(),
    ),
    VAPID_PRIVATE_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{42,44}=*$/, "must be the base64url private key (32 bytes) that web-push generates")
        .optional(),
    ),
    PUSH_SERVICE_HOSTS: optionalString.pipe(
      z
        .string()
        .regex(/^[a-z0-9.-]+(\s*,\s*[a-z0-9.-]+)*$/i, "must be host names separated by commas, e.g. push.example.com")
        .optional(),
    ),
    VAPID_SUBJECT: optionalString.pipe(
      z
        .string()
        .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "must be a mailto: address or an https:// URL")
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when NODE_ENV=production" });
    }
    if (env.MEILI_KEY && !env.MEILI_HOST) {
      ctx.addIssue({ code: "custom", path: ["MEILI_HOST"], message: "is required when MEILI_KEY is set" });
    }
    // NOTE: embedded PGlite lives inside one process; only a real server can be shared by workers.
    if (env.WEB_CONCURRENCY > 1 && !env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["WEB_CONCURRENCY"],
        message: "above 1 needs DATABASE_URL (the embedded database serves one process)",
      });
    }
    const oidcSet = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcSet > 0 && oidcSet < 3) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).find((k) => !env[k])!;
      ctx.addIssue({ code: "custom", path: [missing], message: "is required when any OIDC_ variable is set" });
    }
    if (!!env.VAPID_PUBLIC_KEY !== !!env.VAPID_PRIVATE_KEY) {
      ctx.addIssue({
        code: "custom",
        path: [env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY"],
        message: "is required when the other VAPID key is set",
      });
    }
    if (env.SSO_ONLY === "true" && !env.OIDC_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["SSO_ONLY"], message: "needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" });
    }
    // NOTE: plain-http issuers exist only in tests and labs; tokens over http can be read on the wire.
    if (env.OIDC_ALLOW_HTTP === "true" && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["OIDC_ALLOW_HTTP"], message: "is not allowed when NODE_ENV=production" });
    }
  });

export type Env = {
  NODE_ENV: "development" | "production" | "test";
  DATABASE_URL?: string;
  DATA_DIR: string;
  STORAGE_DIR: string;
  MEILI_HOST?: string;
  MEILI_KEY?: string;
  SESSION_SECRET: string;
  PORT: number;
  HOST: string;
  MAX_UPLOAD_MB: number;
  /** Server processes sharing the port (node:cluster); 1 = no cluster. */
  WEB_CONCURRENCY: number;
  /** Worker processes that parse and draw uploaded files in the background (per server process). */
  FILE_WORKERS: number;
  /** Memory cap of each file worker (private resident memory); past it the worker is killed. */
  FILE_WORKER_MEMORY_MB: number;
  /** How long a claimed job is held before another process may take it over (renewed while it runs). */
  JOB_LEASE_SECONDS: number;
  /** Longest a page or API call may wait for its first byte before a 503 (uploads exempt). */
  REQUEST_DEADLINE_SECONDS: number;
  /** Longest an upload's body may stop arriving before it is answered 408 and its connection closed. */
  UPLOAD_STALL_SECONDS: number;
  /** Whether the demo library and demo accounts are seeded on first start. */
  demoSeed: boolean;
  /** SMTP server for outgoing mail; unset → the local outbox admins read in the app. */
  SMTP_URL?: string;
  MAIL_FROM: string;
  /** The address people use to reach Fieldkit, for links in mail and the SSO callback. */
  PUBLIC_URL: string;
  /** OpenID Connect single sign-on, when configured. */
  oidc?: OidcSettings;
  /** Passwords are turned off for everyone but admins (their break-glass accounts). */
  ssoOnly: boolean;
  /** Web Push identity: from VAPID_* or generated once into DATA_DIR. */
  vapid: { publicKey: string; privateKey: string; subject: string };
  /** Push services a browser's subscription may name, beyond the browsers' own (PUSH_SERVICE_HOSTS). */
  pushServiceHosts: string[];
};

export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button says "Sign in with {name}". */
  name: string;
  scopes: string;
  roleClaim: string;
  teamClaim: string;
  /** Claim value → role; without a map, a claim value equal to a role name is that role. */
  roleMap: Record<string, "seller" | "marketer" | "manager" | "admin">;
  /** What happens to someone whose claims name no role: a seller with no team, or refused. */
  unmapped: "seller" | "refuse";
  allowHttp: boolean;
};

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"} ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    NODE_ENV: e.NODE_ENV,
    DATABASE_URL: e.DATABASE_URL,
    DATA_DIR: dataDir,
    STORAGE_DIR: path.resolve(e.STORAGE_DIR ?? path.join(dataDir, "files")),
    MEILI_HOST: e.MEILI_HOST,
    MEILI_KEY: e.MEILI_KEY,
    SESSION_SECRET: e.SESSION_SECRET ?? localSessionSecret(dataDir),
    PORT: e.PORT,
    HOST: e.HOST,
    MAX_UPLOAD_MB: e.MAX_UPLOAD_MB,
    WEB_CONCURRENCY: e.WEB_CONCURRENCY,
    // One core stays with requests and the database.
    FILE_WORKERS: e.FILE_WORKERS ?? Math.max(1, Math.min(4, os.cpus().length - 1)),
    FILE_WORKER_MEMORY_MB: e.FILE_WORKER_MEMORY_MB,
    JOB_LEASE_SECONDS: e.JOB_LEASE_SECONDS,
    REQUEST_DEADLINE_SECONDS: e.REQUEST_DEADLINE_SECONDS,
    UPLOAD_STALL_SECONDS: e.UPLOAD_STALL_SECONDS,
    demoSeed: e.NODE_ENV !== "production" && e.DEMO_SEED !== "false",
    SMTP_URL: e.SMTP_URL,
    MAIL_FROM: e.MAIL_FROM ?? "Fieldkit <fieldkit@localhost>",
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://${publicHost(e.HOST)}:${e.PORT}`).replace(/\/+$/, ""),
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            name: e.OIDC_NAME ?? "single sign-on",
            scopes: e.OIDC_SCOPES ?? "openid email profile",
            roleClaim: e.OIDC_ROLE_CLAIM ?? "fieldkit_role",
            teamClaim: e.OIDC_TEAM_CLAIM ?? "fieldkit_team",
            roleMap: parseRoleMap(e.OIDC_ROLE_MAP),
            unmapped: e.OIDC_UNMAPPED ?? "seller",
            allowHttp: e.OIDC_ALLOW_HTTP === "true",
          }
        : undefined,
    ssoOnly: e.SSO_ONLY === "true",
    pushServiceHosts: (e.PUSH_SERVICE_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    vapid: {
      ...(e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
        : localVapidKeys(dataDir)),
      subject: e.VAPID_SUBJECT ?? `mailto:${/<([^>]+)>/.exec(e.MAIL_FROM ?? "")?.[1] ?? e.MAIL_FROM ?? "fieldkit@localhost"}`,
    },
  };
}

const publicHost = (host: string) => (host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host);

function parseRoleMap(value: string | undefined): OidcSettings["roleMap"] {
  // No prototype: a group named "__proto__" or "constructor" is a key like any other.
  const map: OidcSettings["roleMap"] = Object.create(null);
  for (const pair of (value ?? "").split(";")) {
    const [claim, role] = pair.split("=").map((s) => s.trim());
    if (claim && role) map[claim] = role as OidcSettings["roleMap"][string];
  }
  return map;
}

/**
 * A VAPID key pair (P-256, base64url as web-push expects) generated once and kept in DATA_DIR: browsers'
 * subscriptions are bound to the public key, so a new key would silently cut every subscriber off.
 */
function localVapidKeys(dataDir: string): { publicKey: string; privateKey: string } {
  const file = path.join(dataDir, "vapid-keys.json");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const pub = publicKey.export({ format: "jwk" });
    const keys = {
      publicKey: Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]).toString(
        "base64url",
      ),
      privateKey: privateKey.export({ format: "jwk" }).d!,
    };
    try {
      // NOTE: "wx": two processes starting at once (cluster workers) keep whichever key was written first.
      writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const stored = JSON.parse(readFileSync(file, "utf8")) as { publicKey: string; privateKey: string };
  return { publicKey: stored.publicKey, privateKey: stored.privateKey };
}

/** Outside production a secret is generated once and kept in DATA_DIR, so sessions survive restarts. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
