// The server uses a patched @remix-run/router that caches ranked route branches (decision 013).
// These tests hold the patched matcher to the unpatched one on the app's real route table: the
// ESM build of the same router version is untouched by the patch and serves as the reference.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Route = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Route[] };
type Match = { params: Record<string, string | undefined>; pathname: string; pathnameBase: string; route: Route };
type MatchRoutes = (routes: Route[], location: string, basename?: string) => Match[] | null;

const patched: { matchRoutes: MatchRoutes } = require("@remix-run/router");
let reference: { matchRoutes: MatchRoutes };
let manifest: Record<string, { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean }>;

/** The nested route tree Remix builds from the manifest; a new copy on every call, as each render does. */
function routeTree(parentId?: string): Route[] {
  return Object.values(manifest)
    .filter((r) => r.parentId === parentId)
    .map((r) => ({ id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive, children: routeTree(r.id) }));
}

const shape = (matches: Match[] | null) =>
  matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null;

/** URLs for every route (params filled in), plus near misses a router must not confuse. */
function samplePaths(): string[] {
  const full = (id: string): string => {
    const r = manifest[id];
    const own = r.path ?? "";
    return r.parentId ? `${full(r.parentId)}/${own}` : own;
  };
  const paths = new Set<string>([
    "/",
    "",
    "//",
    "//items/x",
    "/items//x",
    "/Home",
    "/nope",
    "/items",
    "/items/",
    "/ITEMS/abc",
    "/items/a%20b",
    "/items/a/b/c",
    "/api/v1/",
    "/api/v1/x/y",
  ]);
  for (const id of Object.keys(manifest)) {
    const pattern = full(id).replace(/\/+/g, "/");
    const filled = pattern.replace(/:[\w-]+/g, "f69282be-5539-43a6-bbbe-c7834339c117").replace(/\*$/, "deep/er");
    for (const p of [filled, `${filled}/`, filled.toUpperCase(), `${filled}/extra`, `/${filled}`])
      paths.add(p.startsWith("/") ? p : `/${p}`);
  }
  return [...paths];
}

beforeAll(async () => {
  // @ts-expect-error -- the package's ESM file has no type declarations of its own path
  reference = await import("@remix-run/router/dist/router.js");
  const { readConfig } = require("@remix-run/dev/dist/config.js") as { readConfig(root: string): Promise<{ routes: typeof manifest }> };
  manifest = (await readConfig(process.cwd())).routes;
});

describe("the patched route matcher", () => {
  it("is installed (postinstall applied patches/)", () => {
    expect(readFileSync(require.resolve("@remix-run/router"), "utf8")).toContain("Fieldkit patch");
  });

  it("matches exactly like the unpatched router for every route, on one table and on per-render copies", () => {
    const stable = routeTree();
    const paths = samplePaths();
    expect(paths.length).toBeGreaterThan(Object.keys(manifest).length);
    for (const round of [1, 2]) {
      for (const path of paths) {
        const expected = shape(reference.matchRoutes(routeTree(), path));
        expect(shape(patched.matchRoutes(stable, path)), `${path} (round ${round}, same table)`).toEqual(expected);
        expect(shape(patched.matchRoutes(routeTree(), path)), `${path} (round ${round}, fresh copy)`).toEqual(expected);
      }
    }
  });

  it("returns the route objects of the table it was given, not of a cached copy", () => {
    const first = routeTree();
    const second = routeTree();
    const path = "/items/f69282be-5539-43a6-bbbe-c7834339c117";
    patched.matchRoutes(first, path);
    const matches = patched.matchRoutes(second, path)!;
    const owned = new Set<Route>();
    const collect = (list: Route[]) => list.forEach((r) => (owned.add(r), collect(r.children ?? [])));
    collect(second);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) expect(owned.has(m.route)).toBe(true);
  });

  it("tells apart tables of different shapes", () => {
    const a: Route[] = [{ id: "root", path: "", children: [{ id: "a", path: "x/:id" }] }];
    const b: Route[] = [
      {
        id: "root",
        path: "",
        children: [
          { id: "b", path: "x/new" },
          { id: "a", path: "x/:id" },
        ],
      },
    ];
    expect(shape(patched.matchRoutes(a, "/x/new"))?.at(-1)?.id).toBe("a");
    expect(shape(patched.matchRoutes(b, "/x/new"))?.at(-1)?.id).toBe("b");
    expect(shape(patched.matchRoutes(b, "/x/new"))).toEqual(shape(reference.matchRoutes(b, "/x/new")));
  });
});
