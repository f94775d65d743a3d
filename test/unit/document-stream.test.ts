// What React writes for a document reaches compression and the socket as one chunk per turn of the
// event loop (app/modules/document-stream.server.ts).
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { coalescePerTurn } from "~/modules/document-stream.server";

function collect(stream: ReturnType<typeof coalescePerTurn>) {
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  const ended = new Promise<void>((resolve) => stream.on("end", resolve));
  return { chunks, ended };
}

describe("a document stream joined per turn", () => {
  it("passes on everything written in one turn as one chunk, and later turns' writes as their own", async () => {
    const stream = coalescePerTurn();
    const { chunks, ended } = collect(stream);
    for (const piece of ["<!DOCTYPE html>", "<html><head>", "</head><body>"]) stream.write(Buffer.from(piece));
    await nextTurn();
    await nextTurn();
    stream.write(Buffer.from("<script>later</script>"));
    await nextTurn();
    await nextTurn();
    stream.write(Buffer.from("</body>"));
    stream.end(Buffer.from("</html>"));
    await ended;
    expect(chunks).toEqual(["<!DOCTYPE html><html><head></head><body>", "<script>later</script>", "</body></html>"]);
  });

  it("keeps every byte of a multi-byte character split across writes", async () => {
    const bytes = Buffer.from("Résumé — 1 €");
    const stream = coalescePerTurn();
    const { chunks, ended } = collect(stream);
    for (let at = 0; at < bytes.length; at += 1) stream.write(bytes.subarray(at, at + 1));
    stream.end();
    await ended;
    expect(chunks.join("")).toBe("Résumé — 1 €");
  });

  it("never emits close, which would make React end a finished stream a second time", async () => {
    const stream = coalescePerTurn();
    let closed = false;
    stream.on("close", () => (closed = true));
    const { ended } = collect(stream);
    stream.end(Buffer.from("done"));
    await ended;
    await nextTurn();
    expect(closed).toBe(false);
  });

  it("drops what is pending when destroyed, and pushes nothing afterwards", async () => {
    const stream = coalescePerTurn();
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => {});
    stream.write(Buffer.from("half a page"));
    stream.destroy();
    await nextTurn();
    await nextTurn();
    expect(chunks).toEqual([]);
  });
});
