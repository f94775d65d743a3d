// Patched Remix and React Router (decision 022): what a document request builds from the app's route
// table is built once per build, and loaders get the request itself when there is nothing to strip.
// The unpatched ESM build of react-router-dom's server serves as the reference.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Route = { id: string; path?: string; index?: boolean; children?: Route[]; Component?: () => null; loader?: () => null };
type StaticRouter = { routes: Route[]; state: { matches: { route: Route }[] } };
type CreateStaticRouter = (routes: Route[], context: object) => StaticRouter;

const page = () => null;
const routes: Route[] = [
  {
    id: "root",
    path: "",
    Component: page,
    children: [
      { id: "routes/home", path: "home", Component: page, loader: () => null },
      { id: "routes/items.$id", path: "items/:id", Component: page, loader: () => null },
    ],
  },
];
const contextAt = (path: string, ids: string[]) => ({
  location: { pathname: path, search: "", hash: "", state: null, key: "default" },
  matches: ids.map((id) => ({ params: {}, pathname: path, pathnameBase: path, route: { id } })),
  loaderData: {},
  actionData: null,
  errors: null,
  basename: "/",
});
/** Route ids with their paths and whether they carry a component, the way the router sees them. */
const shape = (list: Route[]): unknown =>
  list.map((r) => ({ id: r.id, path: r.path, element: "element" in r, children: r.children ? shape(r.children) : undefined }));

describe("the patched document render", () => {
  it("is installed (postinstall applied patches/)", () => {
    for (const file of [
      "@remix-run/server-runtime/dist/entry.js",
      "@remix-run/server-runtime/dist/data.js",
      "@remix-run/react/dist/server.js",
      "react-router-dom/server.js",
    ]) {
      expect(readFileSync(require.resolve(file), "utf8"), file).toContain("Fieldkit patch");
    }
  });

  it("makes a build's route modules once", () => {
    const { createEntryRouteModules } = require("@remix-run/server-runtime/dist/entry.js");
    const build = { root: { module: { default: page } }, "routes/home": { module: { loader: () => null } } };
    const first = createEntryRouteModules(build);
    expect(first).toEqual({ root: build.root.module, "routes/home": build["routes/home"].module });
    expect(createEntryRouteModules(build)).toBe(first);
    expect(createEntryRouteModules({ ...build })).not.toBe(first);
  });

  it("converts the same routes to data routes once, exactly as the unpatched router does, with each request's matches", async () => {
    const patched: CreateStaticRouter = require("react-router-dom/server.js").createStaticRouter;
    const reference: CreateStaticRouter = (await import("react-router-dom/server.mjs" as string)).createStaticRouter;
    const home = patched(routes, contextAt("/home", ["root", "routes/home"]));
    const item = patched(routes, contextAt("/items/1", ["root", "routes/items.$id"]));
    expect(item.routes).toBe(home.routes);
    expect(shape(home.routes)).toEqual(shape(reference(routes, contextAt("/home", ["root", "routes/home"])).routes));
    // Each request's matches point into the (shared) data routes, not at the plain routes it was given.
    expect(item.state.matches.map((m) => m.route.id)).toEqual(["root", "routes/items.$id"]);
    expect(item.state.matches[1].route).toBe(home.routes[0].children![1]);
    expect(shape(patched([...routes], contextAt("/home", ["root"])).routes)).toEqual(shape(home.routes));
  });

  it("hands loaders the request itself when there is nothing to strip, and a stripped copy when there is", async () => {
    const { callRouteLoader } = require("@remix-run/server-runtime/dist/data.js");
    const seen: Request[] = [];
    const load = (request: Request, singleFetch: boolean) =>
      callRouteLoader({
        loader: (args: { request: Request }) => (seen.push(args.request), null),
        request,
        params: {},
        loadContext: {},
        routeId: "r",
        singleFetch,
      });
    const plain = new Request("http://x.test/items/1?q=deck");
    await load(plain, true);
    await load(plain, false);
    expect(seen[0]).toBe(plain);
    expect(seen[1]).toBe(plain);
    for (const [url, singleFetch, expected] of [
      ["http://x.test/items/1?index&q=deck", true, "http://x.test/items/1?q=deck"],
      ["http://x.test/items/1?_routes=root&q=deck", true, "http://x.test/items/1?q=deck"],
      ["http://x.test/items/1?_data=root&q=deck", false, "http://x.test/items/1?q=deck"],
    ] as const) {
      const request = new Request(url);
      await load(request, singleFetch);
      expect(seen.at(-1)).not.toBe(request);
      expect(seen.at(-1)!.url).toBe(expected);
    }
  });
});
