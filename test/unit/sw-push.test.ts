// What the service worker makes of a push payload (our own links only, something shown whatever arrives), and
// the sign-out it sends with this browser's push endpoint.
import { describe, expect, it } from "vitest";
import { readPushMessage, withPushEndpoint } from "~/sw/push";

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

describe("the sign-out the worker sends with this browser's push endpoint", () => {
  const endpoint = "https://push.example.test/send/abc";
  const signOut = (body?: string, type?: string) =>
    new Request(`${ORIGIN}/logout`, { method: "POST", body, headers: type ? { "Content-Type": type } : {} });

  it("keeps the form's fields and adds the endpoint, for the server to forget this browser", async () => {
    const sent = await withPushEndpoint(signOut("everywhere=true", "application/x-www-form-urlencoded"), endpoint);
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe(`${ORIGIN}/logout`);
    expect(sent.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...new URLSearchParams(await sent.text())]).toEqual([
      ["everywhere", "true"],
      ["pushEndpoint", endpoint],
    ]);
  });

  it("adds it to a form without fields, and to a multipart one", async () => {
    expect(await (await withPushEndpoint(signOut(), endpoint)).text()).toBe(new URLSearchParams({ pushEndpoint: endpoint }).toString());
    const form = new FormData();
    form.set("everywhere", "true");
    form.set("pushEndpoint", "https://forged.example.test/x");
    const multipart = new Request(`${ORIGIN}/logout.data`, { method: "POST", body: form });
    expect(Object.fromEntries(new URLSearchParams(await (await withPushEndpoint(multipart, endpoint)).text()))).toEqual({
      everywhere: "true",
      pushEndpoint: endpoint,
    });
  });

  it("sends a body that is not a form as it was", async () => {
    const json = signOut('{"x":1}', "application/json");
    expect(await (await withPushEndpoint(json, endpoint)).text()).toBe('{"x":1}');
  });
});
