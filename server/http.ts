// The HTTP server: static files, security headers, and the Remix request handler with our context.
import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { AppContext } from "~/modules/context.server";
import { nulInAddressReply, wantsJson } from "~/modules/errors.server";
import { unavailableGate } from "./availability";
import { BUILD_PATH } from "./build";

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild;
}

export function createHttpApp(ctx: AppContext, build: ServerBuild) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use(slowAnswerLog());

  app.use((req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });

  // Before anything reads a filter: PostgreSQL cannot hold a NUL in text, so a query carrying one failed
  // deep inside whichever page or API call it reached.
  app.use((req, res, next) => {
    const refusal = nulInAddressReply(req.originalUrl, wantsJson(req.path, req.get("accept")));
    if (!refusal) return next();
    res.status(refusal.status).set(refusal.headers).send(refusal.body);
  });

  app.use((req, res, next) => {
    const refusal = crossSiteRefusal(req);
    if (!refusal) return next();
    res.status(403).json({ error: { code: "forbidden", message: refusal } });
  });

  // Phones on slow networks: gzip pages, JSON and assets. A byte-range answer (video seeking,
  // resumed downloads) must stay byte-exact, so ranged requests are never compressed.
  app.use(compression({ filter: (req, res) => !req.headers.range && compression.filter(req, res) }));

  // Fingerprinted Remix assets never change; everything else in public/ is revalidated.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  // Only paths that look like files reach the disk: a stat per page request costs real throughput.
  const publicFiles = express.static("public", {
    maxAge: "1h",
    index: false,
    setHeaders: (res, file) => {
      // NOTE: the service worker must be revalidated on every load, or updates never reach devices.
      if (file.endsWith(`${path.sep}sw.js`)) res.setHeader("Cache-Control", "no-cache");
    },
  });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) && !req.path.startsWith("/api/") ? publicFiles(req, res, next) : next()));

  // 503 at once while the database is down, and a deadline for every request (server/availability.ts).
  app.use(unavailableGate(ctx));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: ctx.env.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({
        app: {
          ...ctx,
          requestCache: new Map(),
          clientAddress: req.ip,
          // Single-fetch data requests end in .data; anything else here renders a document.
          documentMarkup: req.path.endsWith(".data") ? undefined : new Map(),
        },
        cspNonce: res.locals.cspNonce as string,
      }),
    }),
  );
  return app;
}

/** Past this, a request's wait for its first byte is logged: a phone's worker gives up on the network at 3 s. */
export const SLOW_ANSWER_MS = 2_000;

/**
 * One line per request the server took long to start answering (method, path, milliseconds, status): what
 * an operator needs to tell a slow server from a slow network, and what a failed browser test needs to
 * tell its own flake from the app's (the e2e setup prints these lines).
 * NOTE: the first byte, not the whole answer: a download on a slow link is the link's time, and so is an
 * upload's body, answered only once it has all arrived (uploads are left out).
 */
export function slowAnswerLog(thresholdMs = SLOW_ANSWER_MS, log: (line: string) => void = console.error): express.RequestHandler {
  return (req, res, next) => {
    if (/^multipart\//i.test(req.get("content-type") ?? "")) return next();
    const started = performance.now();
    const writeHead = res.writeHead;
    res.writeHead = function (this: express.Response, ...args: Parameters<typeof writeHead>) {
      const ms = Math.round(performance.now() - started);
      if (ms > thresholdMs) log(`slow answer: ${req.method} ${req.path} ${ms} ms ${args[0]}`);
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  };
}

export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // No limit on a request's whole time (Node's default cuts any request off at 5 minutes, a large upload
    // on a slow uplink included): uploads are held to silence instead, everything else to the deadline
    // (server/availability.ts). A client still sending its headers after a minute is let go.
    const server = createServer({ requestTimeout: 0, headersTimeout: 60_000 }, app);
    server.keepAliveTimeout = 65_000;
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Strict by default: only our own scripts (plus Remix's inline ones, by nonce), no framing, no plugins. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React's style attributes are inline styles; no inline <style> or scripts are needed otherwise.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Video links play in the host's own player: only these two (app/components/video-embed.ts, decision 006).
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
  ].join("; ");
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated mutations: a browser always sends Origin (or Sec-Fetch-Site)
 * on a cross-site POST, so a mutation whose origin is not ours is refused. Bearer-token requests
 * carry no ambient credentials and are exempt.
 */
export function crossSiteRefusal(req: express.Request): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  if (/^Bearer\s/i.test(req.get("authorization") ?? "")) return null;
  const site = req.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return "Cross-site requests are not allowed.";
  const origin = req.get("origin");
  if (origin && origin !== "null") {
    const own = `${req.protocol}://${req.get("host")}`;
    if (origin !== own) return "Cross-site requests are not allowed.";
  } else if (origin === "null") {
    return "Cross-site requests are not allowed.";
  }
  return null;
}
