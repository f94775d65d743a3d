// Slow senders at the HTTP edge, in process (the real server's upload path is in e2e/hostile-uploads).
// Node's own defaults cut every request off after 5 minutes, a 200 MB upload on a slow uplink included;
// Fieldkit lifts that limit and holds each request to something narrower instead.
import { connect, type Socket } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { AppContext } from "~/modules/context.server";
import { unavailableGate } from "@/server/availability";
import { listen } from "@/server/http";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** An app behind the edge's gate whose one route reads the whole body before answering. */
async function gatedApp() {
  let readerLetGo: (how: string) => void = () => {};
  const bodyReader = new Promise<string>((resolve) => (readerLetGo = resolve));
  const ctx = { env: { REQUEST_DEADLINE_SECONDS: 1, UPLOAD_STALL_SECONDS: 1 }, dbHandle: { availability: { down: false } } };
  const app = express();
  app.use(unavailableGate(ctx as unknown as AppContext));
  app.post("/api/v1/events", (req, res) => {
    let size = 0;
    req.on("data", (c: Buffer) => (size += c.length));
    req.on("end", () => res.json({ size }));
    req.on("error", (error) => readerLetGo(`error: ${error.message}`));
  });
  server = await listen(app, 0, "127.0.0.1");
  return { port: (server.address() as { port: number }).port, bodyReader };
}

/** Sends the head and then one body byte every `everyMs`, never finishing; resolves with what came back and when. */
function trickle(port: number, everyMs: number) {
  return new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
    const started = performance.now();
    const socket: Socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
    const timer = setInterval(() => socket.writable && socket.write("["), everyMs);
    socket.on("data", (c) => (answer += c));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
  });
}

describe("slow senders", () => {
  it("sets no limit on a request's whole time, and one minute on its headers", async () => {
    // Waiting out Node's 5-minute default in a test is not an option: the settings themselves are checked.
    server = await listen(express(), 0, "127.0.0.1");
    expect(server.requestTimeout).toBe(0);
    expect(server.headersTimeout).toBe(60_000);
  });

  it("answers a body that trickles in past the deadline with a 503, closes its connection and ends the body for its reader", async () => {
    const { port, bodyReader } = await gatedApp();
    const { answer, closedAfterMs } = await trickle(port, 200);
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"code":"unavailable"');
    // Closed at the deadline (1 s), not when the body would have ended (~200 s at this pace).
    expect(closedAfterMs).toBeLessThan(10_000);
    // And the handler still reading it is let go too, instead of waiting for the rest for ever.
    const outcome = await Promise.race([bodyReader, new Promise((resolve) => setTimeout(() => resolve("still waiting"), 3_000))]);
    expect(outcome).toMatch(/^error: /);
  });
});
