// Issue #14: what the browser downloads carries no database, ORM or server code. The e2e setup has just
// built the app; every script under public/build (the entry, the root, each seller and desk route, the
// shared chunks) is read and searched for markers that only server code contains.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BUILD = "public/build";
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".js") ? [full] : [];
  });

/** Strings only server code has: drizzle's entity symbols, the database drivers, Node built-ins. */
const SERVER_MARKERS = [
  { name: "drizzle-orm", pattern: /drizzle:(Name|Columns|BaseName|IsAlias|ExtraConfig)/ },
  { name: "the PGlite driver", pattern: /PGlite|pglite/ },
  { name: "postgres.js", pattern: /postgres\.js|PostgresError/ },
  { name: "a Node built-in module", pattern: /["']node:(fs|crypto|path|child_process|stream)["']/ },
  { name: "the file pipeline", pattern: /pdfjs-dist|sharp/ },
  { name: "nodemailer", pattern: /nodemailer/ },
  // Not server-only, but ~95 KB gzip that no page needs in the browser: it slipped into every page once
  // through a shared module and nearly doubled the scripts a phone downloads.
  { name: "zod", pattern: /ZodError|\$ZodType/ },
  // Charts are drawn on the server (decision 029): Plot's stylesheet variable and linkedom's symbols.
  { name: "Observable Plot", pattern: /--plot-background/ },
  { name: "the linkedom DOM shim", pattern: /Symbol\(["']DOMParser["']\)/ },
];

describe("client bundles", () => {
  const scripts = files(BUILD);
  const routeChunks = scripts.filter((f) => f.includes(`${path.sep}routes${path.sep}`));

  it("were built for the seller and desk pages", () => {
    for (const route of [
      "_app.home",
      "_app.search._index",
      "_app.saved",
      "_app.items.$id",
      "_app.library",
      "_app.insights._index",
      "_app.feedback",
      "_app.admin._index",
    ]) {
      expect(
        routeChunks.some((f) => path.basename(f).startsWith(`${route}-`)),
        route,
      ).toBe(true);
    }
  });

  it.each(SERVER_MARKERS)("carry no $name", ({ pattern }) => {
    const offenders = scripts.filter((f) => pattern.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
