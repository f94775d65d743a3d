// The HTTP server: static files, security headers, and the Remix request handler with our context.
import { createServer, type Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { AppContext } from "../app/modules/context.server";

export const BUILD_PATH = path.resolve("build/index.js");

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild;
}

export function createHttpApp(ctx: AppContext, build: ServerBuild) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });

  // Fingerprinted Remix assets never change; everything else in public/ is revalidated.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  app.use(
    express.static("public", {
      maxAge: "1h",
      index: false,
      setHeaders: (res, file) => {
        // NOTE: the service worker must be revalidated on every load, or updates never reach devices.
        if (file.endsWith(`${path.sep}sw.js`)) res.setHeader("Cache-Control", "no-cache");
      },
    }),
  );

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: ctx.env.NODE_ENV === "production" ? "production" : "development",
      getLoadContext: () => ({ app: ctx }),
    }),
  );
  return app;
}

export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.keepAliveTimeout = 65_000;
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
