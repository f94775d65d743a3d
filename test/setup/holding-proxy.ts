// A slow network between one browser and the test server: a plain HTTP proxy that holds the requests for
// a path until the test releases them. Playwright's request routing cannot play this part for pages the
// service worker answers: while a route is in place, Chromium hands the worker every request with
// `cache: "reload"`, which the worker rightly never answers from its copy (app/offline/routing.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type HoldingProxy = {
  /** The proxy's origin, for a browser's baseURL: the server sees the proxy's Host, as a browser would send it. */
  url: string;
  /** Holds every request for this path (no query) from now on; the function returned lets them through. */
  hold(path: string): () => void;
  close(): Promise<void>;
};

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const to = new URL(target);
  const held = new Map<string, Promise<void>>();
  const server = http.createServer((req, res) => {
    const gate = held.get(new URL(req.url ?? "/", to).pathname) ?? Promise.resolve();
    void gate.then(() => {
      const upstream = http.request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold(path) {
      let release!: () => void;
      held.set(path, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        held.delete(path);
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
