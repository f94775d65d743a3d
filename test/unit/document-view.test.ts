// The item page's inline script that stages its view before hydration: run as a browser would run it
// (a fresh global scope), and held to the same entry the hydrated app stages.
import { webcrypto } from "node:crypto";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { documentViewScript } from "~/components/offline/document-view";
import { EventInput } from "~/modules/usage/event-input.server";
import type { EventBody } from "~/offline/db";
import { eventEntry } from "~/offline/outbox";
import { MAX_STAGED, STAGED_KEY } from "~/offline/staging";

const USER = "11111111-1111-4111-8111-111111111111";
const ITEM = "22222222-2222-4222-8222-222222222222";

/** Runs the script in a scope with only what a page has: localStorage, crypto, navigator. */
function runInPage(script: string, opts: { stored?: string; onLine?: boolean; randomUUID?: boolean; refuseWrites?: boolean } = {}) {
  const map = new Map<string, string>(opts.stored === undefined ? [] : [[STAGED_KEY, opts.stored]]);
  const localStorage = {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (opts.refuseWrites) throw new Error("QuotaExceededError");
      map.set(k, v);
    },
  };
  const crypto = opts.randomUUID === false ? { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) } : webcrypto;
  const page: Record<string, unknown> = { localStorage, crypto, navigator: { onLine: opts.onLine ?? true } };
  page.window = page;
  vm.runInNewContext(script, page);
  const staged = map.has(STAGED_KEY) ? (JSON.parse(map.get(STAGED_KEY)!) as (ReturnType<typeof eventEntry> & { body: EventBody })[]) : [];
  return { staged, mark: page.__fieldkitDocumentView };
}

/** The shape of a value: its keys, recursively, with the type of each leaf. */
const shape = (v: unknown): unknown =>
  v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v;

describe("the item page's document view script", () => {
  it("stages the entry the app's own view effect would stage, and marks the visit as staged", () => {
    const { staged, mark } = runInPage(documentViewScript(USER, ITEM));
    expect(staged).toHaveLength(1);
    const [entry] = staged;
    expect(shape(entry)).toEqual(shape(eventEntry(USER, { type: "view", itemId: ITEM, props: { source: "item_page" } })));
    expect(entry).toMatchObject({ userId: USER, kind: "event", itemId: ITEM, body: { id: entry.id, type: "view", itemId: ITEM } });
    expect(entry.body.at).toBe(entry.at);
    // What the server's ingest accepts.
    expect(EventInput.safeParse(entry.body).success).toBe(true);
    expect(mark).toBe(ITEM);
  });

  it("says 'offline' when the page opened without a network", () => {
    expect(runInPage(documentViewScript(USER, ITEM), { onLine: false }).staged[0].body.props).toEqual({ source: "offline" });
  });

  it("adds to what is already staged, keeps the newest MAX_STAGED, and starts over from unreadable storage", () => {
    const old = Array.from({ length: MAX_STAGED }, (_, i) => ({ id: `old-${i}` }));
    const { staged } = runInPage(documentViewScript(USER, ITEM), { stored: JSON.stringify(old) });
    expect(staged).toHaveLength(MAX_STAGED);
    expect(staged[0]).toEqual({ id: "old-1" });
    expect(staged.at(-1)?.itemId).toBe(ITEM);
    for (const junk of ["{not json", '{"an":"object"}']) {
      expect(runInPage(documentViewScript(USER, ITEM), { stored: junk }).staged).toHaveLength(1);
    }
  });

  it("leaves no mark when it could not stage, so the hydrated effect stages the view instead", () => {
    expect(runInPage(documentViewScript(USER, ITEM), { randomUUID: false })).toEqual({ staged: [], mark: undefined });
    expect(runInPage(documentViewScript(USER, ITEM), { refuseWrites: true })).toEqual({ staged: [], mark: undefined });
  });

  it("cannot be closed early by the ids it is given", () => {
    const script = documentViewScript(`</script><script>alert(1)</script>`, ITEM);
    expect(script).not.toContain("</script>");
    expect(script).toContain("\\u003c/script>");
  });
});
