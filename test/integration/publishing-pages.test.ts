// The marketer's pages without JavaScript: plain multipart upload, workflow buttons, the edit form's
// conflict handling, messaging preview, and the item page's data for sellers versus marketers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as uploadAction, loader as uploadLoader } from "~/routes/_app.publish._index";
import { action as messageAction } from "~/routes/_app.publish.message";
import { action as previewAction } from "~/routes/_app.publish.preview";
import { action as itemAction, loader as itemLoader } from "~/routes/_app.items.$id";
import { action as editAction } from "~/routes/_app.items.$id_.edit";
import { loader as libraryLoader } from "~/routes/_app.library";
import { makePdf } from "@/content/demo/files";
import { createTestApp, createUser, cookieFor, request, respond, routeArgs, type TestApp } from "../setup/app";
import { multipartRequest, withPublishing } from "../setup/publishing";

let app: TestApp;
let publishing: ReturnType<typeof withPublishing>;
let marketer: string;
let reviewer: string;
let seller: string;

beforeAll(async () => {
  app = await createTestApp();
  publishing = withPublishing(app);
  marketer = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
  reviewer = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
  seller = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
});
afterAll(() => app.close());

const run = (fn: (a: never) => unknown, req: Request, params: Record<string, string> = {}) =>
  respond(() => fn(routeArgs(app, req, params) as never)) as Promise<any>;

async function uploadViaForm() {
  const res = await run(
    uploadAction,
    multipartRequest("/publish", { cookie: marketer, files: [{ filename: "guide.pdf", bytes: await makePdf(["Guide\ntext"]) }] }),
  );
  return res.results[0].itemId as string;
}

describe("pages without JavaScript", () => {
  it("uploads through the plain multipart form and lists the per-file result", async () => {
    const res = await run(
      uploadAction,
      multipartRequest("/publish", {
        cookie: marketer,
        files: [
          { filename: "guide.pdf", bytes: await makePdf(["Guide\ntext"]) },
          { filename: "junk.bin", bytes: new Uint8Array([1, 2, 3, 4]) },
        ],
      }),
    );
    expect(res.results).toEqual([
      expect.objectContaining({ filename: "guide.pdf", ok: true, problem: null }),
      expect.objectContaining({ filename: "junk.bin", ok: false, message: expect.stringMatching(/not a supported file/) }),
    ]);
  });

  it("keeps the publish pages away from sellers", async () => {
    const res = await run(uploadLoader, request("/publish", { cookie: seller }));
    expect(res.status).toBe(403);
  });

  it("moves an item through review with the item page's buttons", async () => {
    const id = await uploadViaForm();
    const submit = await run(itemAction, request(`/items/${id}`, { cookie: marketer, form: { intent: "transition", to: "in_review" } }), {
      id,
    });
    expect(submit.status).toBe(302);
    const view = await run(itemLoader, request(`/items/${id}`, { cookie: reviewer }), { id });
    expect(view.moves.map((m: { to: string }) => m.to)).toEqual(["published", "draft", "archived"]);
    const authorView = await run(itemLoader, request(`/items/${id}`, { cookie: marketer }), { id });
    expect(authorView.moves.map((m: { label: string }) => m.label)).toEqual(["Withdraw from review", "Archive"]);
    const publish = await run(
      itemAction,
      request(`/items/${id}`, { cookie: reviewer, form: { intent: "transition", to: "published", publishAt: "" } }),
      { id },
    );
    expect(publish.headers.get("Location")).toMatch(/notice=Moved%20to%20published/);
  });

  it("shows a workflow refusal on the item page instead of failing", async () => {
    const id = await uploadViaForm();
    const res = await run(itemAction, request(`/items/${id}`, { cookie: marketer, form: { intent: "transition", to: "published" } }), {
      id,
    });
    expect(res.init.status).toBe(409);
    expect(res.data.formError).toMatch(/Submit it for review first/);
  });

  it("gives sellers the item without versions, history or workflow", async () => {
    const id = await uploadViaForm();
    await run(itemAction, request(`/items/${id}`, { cookie: marketer, form: { intent: "transition", to: "in_review" } }), { id });
    await run(itemAction, request(`/items/${id}`, { cookie: reviewer, form: { intent: "transition", to: "published" } }), { id });
    const view = await run(itemLoader, request(`/items/${id}`, { cookie: seller }), { id });
    expect(view.desk).toBe(false);
    expect(view.moves).toEqual([]);
    expect(view.history).toEqual([]);
    expect(view.versions).toEqual([]);
    expect(view.current.filename).toBe("guide.pdf");
  });

  it("keeps the editor's values and shows the other person's on a conflicting save", async () => {
    const id = await uploadViaForm();
    const first = await run(
      editAction,
      request(`/items/${id}/edit`, { cookie: reviewer, form: { revision: "1", title: "Theirs", summary: "", type: "document" } }),
      { id },
    );
    expect(first.status).toBe(302);
    const second = await run(
      editAction,
      request(`/items/${id}/edit`, { cookie: marketer, form: { revision: "1", title: "Mine", summary: "", type: "document" } }),
      { id },
    );
    expect(second.init.status).toBe(409);
    expect(second.data.values.title).toBe("Mine");
    expect(second.data.conflict).toMatchObject({ title: "Theirs", revision: 2 });
    const retry = await run(
      editAction,
      request(`/items/${id}/edit`, { cookie: marketer, form: { revision: "2", title: "Mine", summary: "", type: "document" } }),
      { id },
    );
    expect(retry.status).toBe(302);
  });

  it("creates messaging from the form and shows field errors for a missing body", async () => {
    const bad = await run(
      messageAction,
      request("/publish/message", { cookie: marketer, form: { type: "battle_card", title: "Vs rival", body: "" } }),
    );
    expect(bad.init.status).toBe(400);
    expect(bad.data.fields.body).toMatch(/Write the message/);
    const ok = await run(
      messageAction,
      request("/publish/message", { cookie: marketer, form: { type: "battle_card", title: "Vs rival", body: "## Win\n- offline" } }),
    );
    expect(ok.headers.get("Location")).toMatch(/^\/items\//);
  });

  it("previews Markdown with the same sanitiser", async () => {
    const res = await run(previewAction, request("/publish/preview", { cookie: marketer, form: { body: "**hi** <script>x</script>" } }));
    expect(res.html).toBe("<p><strong>hi</strong> </p>\n");
  });

  it("shows marketers blocked drafts in the library's trust lists", async () => {
    const res = await run(
      uploadAction,
      multipartRequest("/publish", {
        cookie: marketer,
        files: [{ filename: "broken.pdf", bytes: new Uint8Array(Buffer.from("%PDF-1.4 garbage")) }],
      }),
    );
    // On a busy machine the upload's quick look can run out of time and accept the file unchecked; its
    // processing job then finds the damage and blocks the draft, as in production.
    await publishing.jobs.runUntilIdle();
    const view = await run(libraryLoader, request("/library?needs=blocked", { cookie: marketer }));
    expect(view.attention.blocked).toBeGreaterThan(0);
    expect(view.rows.map((p: { id: string }) => p.id)).toContain(res.results[0].itemId);
  });
});
