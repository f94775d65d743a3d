// Bodies are read with a cap (app/modules/request-body.server.ts): a declared length over it is refused
// before a byte is read, and a body that never says its length is cut off as soon as it goes over.
import { describe, expect, it } from "vitest";
import { readJson } from "~/modules/api.server";
import { AppError } from "~/modules/errors.server";
import { FORM_MAX_BYTES, readBody, readForm } from "~/modules/request-body.server";

/** A body of `total` bytes of "a" that counts how much of it was pulled; it never declares its length. */
function endless(total: number, chunk = 64 * 1024) {
  const pulled = { bytes: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      const n = Math.min(chunk, total - pulled.bytes);
      pulled.bytes += n;
      controller.enqueue(new Uint8Array(n).fill(97));
    },
  });
  return { body, pulled };
}

const post = (body: BodyInit, headers: Record<string, string>) =>
  new Request("http://x.test/login", { method: "POST", body, headers, duplex: "half" } as RequestInit);

const caught = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (error: unknown) => error,
  );

describe("reading a request body with a cap", () => {
  it("refuses a declared length over the cap without reading the body", async () => {
    const { body, pulled } = endless(10_000_000);
    const req = post(body, { "content-type": "application/x-www-form-urlencoded", "content-length": "10000000" });
    const error = await caught(readBody(req, 1_000_000));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(413);
    expect((error as AppError).message).toBe("The request is over 1 MB. Send less at a time.");
    expect(pulled.bytes).toBeLessThanOrEqual(128 * 1024);
  });

  it("stops reading a body without a declared length as soon as it goes over the cap", async () => {
    const { body, pulled } = endless(200_000_000);
    const error = await caught(readBody(post(body, { "content-type": "application/json" }), 20_000));
    expect((error as AppError).status).toBe(413);
    expect((error as AppError).message).toBe("The request is over 20 KB. Send less at a time.");
    // The stream is read ahead by at most a chunk or two; 200 MB would mean it read everything.
    expect(pulled.bytes).toBeLessThan(300_000);
  });

  it("takes a body of exactly the cap, and an empty one", async () => {
    const { body } = endless(50_000, 7_000);
    expect((await readBody(post(body, {}), 50_000)).byteLength).toBe(50_000);
    expect((await readBody(new Request("http://x.test/", { method: "POST" }), 10)).byteLength).toBe(0);
  });

  it("gives a page form's fields, URL-encoded or multipart, keeping UTF-8 and repeated names", async () => {
    const encoded = new URLSearchParams([
      ["ids", "a"],
      ["ids", "b"],
      ["note", "Grüße, 東京 & co"],
    ]);
    const form = await readForm(post(encoded, { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" }));
    expect(form.getAll("ids")).toEqual(["a", "b"]);
    expect(form.get("note")).toBe("Grüße, 東京 & co");

    const multipart = new FormData();
    multipart.set("csv", new File(["email\nana@example.test\n"], "people.csv", { type: "text/csv" }));
    multipart.set("role", "seller");
    const parsed = await readForm(new Request("http://x.test/admin/invitations", { method: "POST", body: multipart }));
    expect(parsed.get("role")).toBe("seller");
    expect(await (parsed.get("csv") as File).text()).toBe("email\nana@example.test\n");
  });

  it("answers a page's oversized or unreadable form with a status response its error boundary can show", async () => {
    const { body } = endless(FORM_MAX_BYTES + 1);
    const tooBig = await caught(readForm(post(body, { "content-type": "application/x-www-form-urlencoded" })));
    expect(tooBig).toBeInstanceOf(Response);
    expect((tooBig as Response).status).toBe(413);
    expect(await (tooBig as Response).text()).toBe("The request is over 1 MB. Send less at a time.");

    const broken = await caught(readForm(post("--x\r\nnot a part", { "content-type": "multipart/form-data; boundary=x" })));
    expect((broken as Response).status).toBe(400);
    const plain = await caught(readForm(post("a=b", { "content-type": "text/plain" })));
    expect((plain as Response).status).toBe(400);
  });

  it("caps the API's JSON bodies the same way, however the length is (not) declared", async () => {
    const { body, pulled } = endless(50_000_000);
    const error = await caught(readJson(post(body, { "content-type": "application/json" }), 10_000));
    expect((error as AppError).status).toBe(413);
    expect(pulled.bytes).toBeLessThan(300_000);
  });
});
