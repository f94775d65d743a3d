// The server's "slow answer" lines (server/http.ts): one per request whose first byte came late, none for a
// quick answer, and none for a download that started at once and took its time (that is the link's).
import type { Server } from "node:http";
import express from "express";
import { afterEach, expect, it } from "vitest";
import { listen, slowAnswerLog } from "@/server/http";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("logs the requests whose first byte came after the threshold, with method, path, time and status", async () => {
  const lines: string[] = [];
  const app = express();
  app.use(slowAnswerLog(100, (line) => lines.push(line)));
  app.get("/quick", (_req, res) => res.send("ok"));
  app.get("/late", async (_req, res) => (await wait(250), res.status(404).send("late")));
  app.get("/trickle", async (_req, res) => {
    res.write("first");
    await wait(250);
    res.end("rest");
  });
  server = await listen(app, 0, "127.0.0.1");
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  for (const path of ["/quick", "/late", "/trickle"]) await (await fetch(base + path)).text();

  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^slow answer: GET \/late (\d+) ms 404$/);
  expect(Number(/(\d+) ms/.exec(lines[0])![1])).toBeGreaterThanOrEqual(240);
});
