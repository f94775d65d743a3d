// The API's JSON bodies: a NUL, or half of a surrogate pair, anywhere in a string or a key is a 400 saying
// so, however deep the body nests (app/modules/api.server.ts).
import { describe, expect, it } from "vitest";
import { SURROGATE_MESSAGE, readJson } from "~/modules/api.server";
import { AppError, NUL_MESSAGE } from "~/modules/errors.server";

const post = (body: string) =>
  new Request("http://x.test/api/v1/requests", { method: "POST", headers: { "Content-Type": "application/json" }, body });
const refusal = (body: string) =>
  readJson(post(body)).then(
    () => null,
    (error: unknown) => (error instanceof AppError ? [error.status, error.message] : error),
  );

describe("reading a JSON body", () => {
  it("refuses a NUL in a string or a key, at any depth, with a 400 that says so", async () => {
    const deep = 200_000;
    for (const body of [
      JSON.stringify({ text: "a\u0000b" }),
      JSON.stringify([{ props: { ["k\u0000"]: 1 } }]),
      `${"[".repeat(deep)}"\\u0000"${"]".repeat(deep)}`,
    ]) {
      expect(await refusal(body), body.slice(0, 40)).toEqual([400, NUL_MESSAGE]);
    }
  });

  it("takes text that only looks like a NUL, and deep bodies without one", async () => {
    expect(await readJson(post(JSON.stringify({ text: "\\u0000 typed out" })))).toEqual({ text: "\\u0000 typed out" });
    const deep = `${"[".repeat(100_000)}"\\\\u0000"${"]".repeat(100_000)}`;
    expect(await refusal(deep)).toBeNull();
  });

  it("refuses half of a surrogate pair with a 400 that says so, and takes both halves or a raw emoji", async () => {
    // Found by test/integration/hostile-actions.test.ts: a transition comment of "\ud800" reached the
    // audit log's jsonb on PostgreSQL, which refused it, and the API answered 500.
    for (const body of ['{"comment":"\\ud800"}', '{"comment":"a\\udc00b"}', '[{"props":{"\\ud83d":1}}]', '{"c":"\\ude00\\ud83d"}']) {
      expect(await refusal(body), body).toEqual([400, SURROGATE_MESSAGE]);
    }
    expect(await readJson(post('{"comment":"\\ud83d\\ude00 and 😀"}'))).toEqual({ comment: "😀 and 😀" });
    expect(await readJson(post(JSON.stringify({ text: "\\ud800 typed out" })))).toEqual({ text: "\\ud800 typed out" });
  });
});
