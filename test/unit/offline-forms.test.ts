import { describe, expect, it } from "vitest";
import { queuedForm } from "~/offline/forms";

const ITEM = "9f0c0000-0000-4000-8000-000000000001";
const form = (fields: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of fields) data.append(k, v);
  return data;
};

describe("forms the outbox stands in for offline", () => {
  it("turns the feedback form into a queued rating with reasons and comment", () => {
    const data = form([
      ["useful", "no"],
      ["reasons", "outdated"],
      ["reasons", "too_long"],
      ["comment", "  Old prices  "],
    ]);
    expect(queuedForm(`/items/${ITEM}/feedback`, "post", data)).toEqual({
      kind: "rating",
      itemId: ITEM,
      useful: false,
      reasons: ["outdated", "too_long"],
      comment: "Old prices",
    });
  });

  it("keeps the version the page showed with a queued rating, and drops one that is not an id", () => {
    const version = "0A1B0000-0000-4000-8000-000000000002";
    const rated = (v: string) =>
      queuedForm(
        `/items/${ITEM}/feedback`,
        "post",
        form([
          ["useful", "yes"],
          ["version", v],
        ]),
      );
    expect(rated(version)).toMatchObject({ versionId: version.toLowerCase() });
    expect(rated("v2")).not.toHaveProperty("versionId");
  });

  it("leaves an incomplete rating to the server, which explains what is missing", () => {
    expect(queuedForm(`/items/${ITEM}/feedback`, "post", form([["comment", "no answer chosen"]]))).toBeNull();
  });

  it("turns a content request into a queued request with its search words", () => {
    expect(
      queuedForm(
        "/requests/new",
        "POST",
        form([
          ["text", "ROI sheet for clinics"],
          ["q", "roi clinic"],
        ]),
      ),
    ).toEqual({
      kind: "request",
      text: "ROI sheet for clinics",
      query: "roi clinic",
    });
  });

  it("never queues other forms or GET submissions", () => {
    expect(queuedForm(`/items/${ITEM}`, "post", form([["intent", "transition"]]))).toBeNull();
    expect(queuedForm("/logout", "post", form([]))).toBeNull();
    expect(queuedForm(`/items/${ITEM}/feedback`, "get", form([["useful", "yes"]]))).toBeNull();
  });
});
