// What the service worker makes of a push payload: our own links only, something shown whatever arrives.
import { expect, it } from "vitest";
import { readPushMessage } from "~/sw/push";

const ORIGIN = "https://fieldkit.example.test";
const data = (value: unknown) => ({ json: () => (typeof value === "string" ? JSON.parse(value) : value), text: () => String(value) });

it("keeps the title, body and a link on our origin", () => {
  expect(
    readPushMessage(data({ title: "Dana opened your share", body: "Just now", url: `${ORIGIN}/shares/1`, tag: "fk-1" }), ORIGIN),
  ).toEqual({
    title: "Dana opened your share",
    body: "Just now",
    url: `${ORIGIN}/shares/1`,
    tag: "fk-1",
  });
});

it("sends a link to another origin, or none, to the notifications list", () => {
  expect(readPushMessage(data({ title: "x", url: "https://evil.example/phish" }), ORIGIN).url).toBe(`${ORIGIN}/notifications`);
  expect(readPushMessage(data({ title: "x", url: "//evil.example/phish" }), ORIGIN).url).toBe(`${ORIGIN}/notifications`);
  expect(readPushMessage(data({ title: "x" }), ORIGIN).url).toBe(`${ORIGIN}/notifications`);
});

it("shows something for a payload that is not JSON, or no payload", () => {
  expect(readPushMessage(data("not json {"), ORIGIN)).toMatchObject({ title: "Fieldkit", body: "not json {" });
  expect(readPushMessage(null, ORIGIN)).toMatchObject({ title: "Fieldkit", body: "", url: `${ORIGIN}/notifications` });
});
