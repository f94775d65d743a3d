// The API's JSON bodies: a NUL anywhere in a string or a key is a 400 saying so, however deep the body
// nests (app/modules/api.server.ts).
import { describe, expect, it } from "vitest";
import { readJson } from "~/modules/api.server";
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
});
