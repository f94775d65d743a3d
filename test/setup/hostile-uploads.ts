// Drives the hostile corpus through the real upload API of a running server: one request per file,
// then polling every created item until its processing has settled. Shared by the e2e test (what
// must hold) and the bench (how the server's event loop and health checks fare meanwhile).
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import type { HostileFile } from "./hostile";

export type UploadOutcome = { file: HostileFile; status: number; ms: number; body: any; itemId?: string };

export async function uploadFile(
  baseURL: string,
  cookie: string,
  name: string,
  bytes: Uint8Array,
): Promise<{ status: number; ms: number; body: any }> {
  const form = new FormData();
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }), name);
  const started = performance.now();
  const res = await fetch(`${baseURL}/api/v1/items`, {
    method: "POST",
    body: form,
    headers: { cookie },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // left as text: the caller reports a non-JSON answer
  }
  return { status: res.status, ms: performance.now() - started, body };
}

/**
 * One upload as a slow sender makes it: the multipart body in `pieces`, `gapMs` apart, stopping for good
 * after `sendPieces` of them if given, and then dropping the connection once `dropWhen` resolves if given
 * (a phone losing its signal; answered as status 0). `closed`: the connection was closed.
 */
export function slowUpload(
  baseURL: string,
  cookie: string,
  name: string,
  bytes: Uint8Array,
  {
    pieces,
    gapMs,
    sendPieces = pieces,
    dropWhen,
  }: { pieces: number; gapMs: number; sendPieces?: number; dropWhen?: () => Promise<unknown> },
): Promise<{ status: number; body: any; ms: number; closed: boolean }> {
  const boundary = `fieldkit-${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const size = Math.ceil(body.length / pieces);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      new URL("/api/v1/items", baseURL),
      {
        method: "POST",
        headers: { cookie, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": body.length },
      },
      (res) => {
        answered = true;
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          // Whether the server closed the connection: the socket ends right after the answer or not at all.
          const ms = performance.now() - started;
          const settle = (closed: boolean) => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), ms, closed });
          if (req.socket?.destroyed) return settle(true);
          const timer = setTimeout(() => settle(false), 1_000);
          req.socket?.once("close", () => (clearTimeout(timer), settle(true)));
        });
      },
    );
    // A reset after the answer is what a stalled sender gets; before it, the upload failed.
    req.on("error", (error) => !answered && reject(error));
    let sent = 0;
    const next = () => {
      req.write(body.subarray(sent * size, (sent + 1) * size));
      sent++;
      if (sent === pieces) req.end();
      else if (sent < sendPieces) setTimeout(next, gapMs);
      else if (dropWhen)
        void dropWhen().then(() => {
          answered = true;
          req.destroy();
          resolve({ status: 0, body: null, ms: performance.now() - started, closed: true });
        }, reject);
    };
    next();
  });
}

export async function uploadAll(baseURL: string, cookie: string, corpus: HostileFile[]): Promise<UploadOutcome[]> {
  const outcomes: UploadOutcome[] = [];
  for (const file of corpus) {
    const r = await uploadFile(baseURL, cookie, file.name, file.bytes);
    outcomes.push({ file, ...r, itemId: r.status === 201 ? r.body.id : undefined });
  }
  return outcomes;
}

export type Settled = { previewStatus: string; previewProblem: string | null; problem: string | null; pageCount: number | null };

/** The item's processing state once nothing is pending any more; null while it still is. */
export async function settledState(baseURL: string, cookie: string, itemId: string): Promise<Settled | null> {
  const res = await fetch(`${baseURL}/api/v1/items/${itemId}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET item ${itemId}: ${res.status}`);
  const item = (await res.json()) as any;
  const v = item.currentVersion;
  // A document's text job leaves "pending" for its page renders; "none" right after upload means not yet extracted.
  if (v.previewStatus === "pending") return null;
  return { previewStatus: v.previewStatus, previewProblem: v.previewProblem, problem: item.problem, pageCount: v.pageCount };
}

/** Samples `/healthz` every `everyMs` until stopped; keeps each answer's time and status. */
export function sampleHealth(baseURL: string, everyMs = 50) {
  const samples: { ms: number; status: number | "error" }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(10_000) }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => "error" as const,
      );
      const ms = performance.now() - started;
      samples.push({ ms, status });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - ms)));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

export const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
