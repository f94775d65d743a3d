// The baseline for `ssr_item_vs_bare`: a bare Remix app on the same stack (Remix 2 classic compiler,
// React 18, Express + compression + @remix-run/express, production mode, one process), built by the
// bench itself into .cache/. Its one page gets its data from a loader and touches no database; it
// inlines a stylesheet as Fieldkit does, and `?rows=n` grows the page so its HTML can be matched to the
// size of the page it is compared with.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../setup/server-process";

const DIR = path.resolve(".cache/bench-bare-remix");

const FILES: Record<string, string> = {
  // Remix reads the server runtime from the dependencies; the packages themselves are the project's.
  "package.json": JSON.stringify({
    name: "fieldkit-bench-bare-remix",
    private: true,
    type: "module",
    sideEffects: false,
    dependencies: Object.fromEntries(
      ["@remix-run/express", "@remix-run/node", "@remix-run/react", "compression", "express", "isbot", "react", "react-dom"].map((p) => [
        p,
        "*",
      ]),
    ),
  }),
  "remix.config.js": `export default {
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true },
};
`,
  "app/root.tsx": `import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import css from "./css";
export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <style dangerouslySetInnerHTML={{ __html: css }} />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
export default function App() {
  return <Outlet />;
}
`,
  "app/routes/_index.tsx": `import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Bare" }];
export async function loader({ request }: LoaderFunctionArgs) {
  const rows = Math.min(500, Number(new URL(request.url).searchParams.get("rows")) || 0);
  return {
    title: "A bare Remix page",
    summary: "Data from a loader, no database: what the framework itself costs per page.",
    tags: ["Financial services", "CFO", "Negotiation"],
    rows: Array.from({ length: rows }, (_, i) => ({ id: i, title: "Row " + i, text: "Procurement steps banks ask for, and how to shorten them." })),
  };
}
export default function Index() {
  const d = useLoaderData<typeof loader>();
  return (
    <main className="content">
      <article className="item-page">
        <h1>{d.title}</h1>
        <p className="lead">{d.summary}</p>
        <dl className="facts">
          <dt>Tags</dt>
          <dd>{d.tags.map((t) => <span key={t} className="badge tag">{t}</span>)}</dd>
        </dl>
        <ol>
          {d.rows.map((r) => (
            <li key={r.id}>
              <Link to={"/?row=" + r.id}>{r.title}</Link>
              <p className="meta">{r.text}</p>
            </li>
          ))}
        </ol>
      </article>
    </main>
  );
}
`,
  "server.mjs": `import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
const build = await import("./build/index.js");
const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));
const server = app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`,
};

/** Writes and builds the bare app (about 3 s); `css` is the stylesheet it inlines. */
export function buildBareRemix(css: string): void {
  rmSync(DIR, { recursive: true, force: true });
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(DIR, file)), { recursive: true });
    writeFileSync(path.join(DIR, file), text);
  }
  writeFileSync(path.join(DIR, "app/css.ts"), `export default ${JSON.stringify(css)};\n`);
  // NOTE: .cache/ sits inside the repository, so the build resolves Remix, React and Express from the
  // project's own node_modules: the same versions Fieldkit runs on.
  execFileSync(process.execPath, [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: DIR,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
}

export async function startBareRemix(): Promise<{ baseURL: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["server.mjs"], {
    cwd: DIR,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => (c.toString().includes("listening") ? resolve() : undefined));
    child.once("exit", (code) => reject(new Error(`the bare Remix server exited with ${code}`)));
  });
  return {
    baseURL: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The built stylesheet Fieldkit inlines (public/build/_assets/app-*.css), so both pages carry the same CSS. */
export function fieldkitCss(html: string): string {
  const match = html.match(/<style id="app-css">([\s\S]*?)<\/style>/);
  return match ? match[1] : readFileSync("app/styles/app.css", "utf8");
}
