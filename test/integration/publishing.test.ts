// Publishing through the JSON API, against a real database: every file type, every bad input the
// issue lists, versions, and the audience rule on items, files and previews.
import { existsSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as createApi } from "~/routes/api.v1.items";
import { loader as itemApi, action as patchApi } from "~/routes/api.v1.items.$id";
import { action as versionsApi } from "~/routes/api.v1.items.$id.versions";
import { action as transitionApi } from "~/routes/api.v1.items.$id.transition";
import { loader as fileApi } from "~/routes/api.v1.items.$id.file";
import { loader as previewApi } from "~/routes/api.v1.items.$id.previews.$n";
import { makeDocx, makeImage, makeMp4Header, makePdf, makePptx, makeXlsx } from "@/content/demo/files";
import { itemPages, itemVersions, items, jobs, searchOutbox, tags } from "@/db/schema";
import { createTeam, createTestApp, createUser, cookieFor, request, routeArgs, testEnv, type TestApp } from "../setup/app";
import { makeBombPng, makeLockedPdf, multipartRequest, withPublishing, type UploadFile } from "../setup/publishing";
import { BUDGET_MS, queueProcessing } from "@/content/pipeline";

let app: TestApp;
let pub: ReturnType<typeof withPublishing>;
let marketer: string;
let reviewer: string;

beforeAll(async () => {
  app = await createTestApp({ env: testEnv({ MAX_UPLOAD_MB: "1" }) });
  pub = withPublishing(app);
  const m = await createUser(app, { role: "marketer" });
  marketer = await cookieFor(app, m.id);
  reviewer = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
  await app.db.insert(tags).values([
    { facet: "product", value: "atlas", label: "Atlas" },
    { facet: "stage", value: "discovery", label: "Discovery" },
  ]);
});
afterAll(() => app.close());

const call = (fn: (args: never) => Promise<Response>, req: Request, params: Record<string, string> = {}) =>
  fn(routeArgs(app, req, params) as never);

async function upload(files: UploadFile[], fields: Record<string, string | string[]> = {}, cookie = marketer) {
  return call(createApi, multipartRequest("/api/v1/items", { cookie, files, fields }));
}
async function uploadOne(file: UploadFile, fields: Record<string, string | string[]> = {}) {
  const res = await upload([file], fields);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as any;
}
/** The item once its processing ran: a damaged file is named at upload when the look at it is quick, else by its job. */
async function uploadedAndProcessed(file: UploadFile) {
  const created = await uploadOne(file);
  await pub.jobs.runUntilIdle();
  return (await (await getItem(created.id)).json()) as any;
}
const getItem = async (id: string, cookie = marketer) => call(itemApi, request(`/api/v1/items/${id}`, { cookie }), { id });
const transition = (id: string, json: unknown, cookie = marketer) =>
  call(transitionApi, request(`/api/v1/items/${id}/transition`, { method: "POST", json, cookie }), { id });
const preview = (id: string, n: number, cookie = marketer, query = "") =>
  call(previewApi, request(`/api/v1/items/${id}/previews/${n}${query}`, { cookie }), { id, n: String(n) });
const file = (id: string, cookie = marketer, query = "") => call(fileApi, request(`/api/v1/items/${id}/file${query}`, { cookie }), { id });
const tempFiles = () => {
  const dir = path.join(app.env.STORAGE_DIR, "tmp");
  return existsSync(dir) ? readdirSync(dir) : [];
};

async function publish(id: string) {
  expect((await transition(id, { to: "in_review" })).status).toBe(200);
  const res = await transition(id, { to: "published" }, reviewer);
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("file types (decided by bytes)", () => {
  it("turns a PDF into a draft document with text per page and page previews", async () => {
    const bytes = await makePdf(["Pricing\nAtlas costs less than you think", "Security\nEncrypted at rest with AES-256"]);
    const item = await uploadOne({ filename: "atlas-pricing.pdf", bytes }, { tags: ["product:atlas"] });
    expect(item).toMatchObject({ type: "document", status: "draft", title: "Atlas Pricing" });
    expect(item.versions).toHaveLength(1);
    expect(item.tags.map((t: any) => t.value)).toEqual(["atlas"]);
    await pub.jobs.runUntilIdle();
    const pages = await app.db.select().from(itemPages).where(eq(itemPages.versionId, item.currentVersion.id)).orderBy(itemPages.page);
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
    expect(pages[1].text).toContain("AES-256");
    const after = (await (await getItem(item.id)).json()) as any;
    expect(after.currentVersion).toMatchObject({ pageCount: 2, previewStatus: "ready" });
    expect(after.currentVersion.previews.map((p: any) => p.n)).toEqual([1, 2]);
    expect(after.currentVersion.placeholder).toMatch(/^data:image\/webp;base64,/);
    const img = await preview(item.id, 2, marketer, "?w=640");
    expect(img.headers.get("Content-Type")).toBe("image/webp");
    const bytes640 = Buffer.from(await img.arrayBuffer());
    expect((await sharp(bytes640).metadata()).width).toBe(640);
    // Text was drawn: a blank white page would have no dark pixels.
    expect((await sharp(bytes640).stats()).channels[0].min).toBeLessThan(100);
  });

  it("reads slide text from a PPTX and files it as a deck", async () => {
    const item = await uploadOne({ filename: "deck.pptx", bytes: makePptx(["Why now\nTeams lose hours", "Proof\n23 percent faster"]) });
    expect(item.type).toBe("deck");
    await pub.jobs.runUntilIdle();
    const [v] = await app.db.select().from(itemVersions).where(eq(itemVersions.id, item.currentVersion.id));
    expect(v).toMatchObject({ pageCount: 2, mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation" });
    expect(v.text).toContain("23 percent faster");
  });

  it("reads paragraph text from a DOCX", async () => {
    const item = await uploadOne({ filename: "case.docx", bytes: makeDocx(["Case study", "Visit preparation fell by 40 percent & more"]) });
    expect(item.type).toBe("document");
    await pub.jobs.runUntilIdle();
    const [v] = await app.db.select().from(itemVersions).where(eq(itemVersions.id, item.currentVersion.id));
    expect(v.text).toContain("Visit preparation fell by 40 percent & more");
  });

  it("reads cell text from an XLSX and files it as a spreadsheet", async () => {
    const item = await uploadOne({
      filename: "roi.xlsx",
      bytes: makeXlsx([
        {
          name: "ROI",
          rows: [
            ["Seats", 50],
            ["Payback months", 4],
          ],
        },
      ]),
    });
    expect(item.type).toBe("spreadsheet");
    await pub.jobs.runUntilIdle();
    const [v] = await app.db.select().from(itemVersions).where(eq(itemVersions.id, item.currentVersion.id));
    expect(v.text).toContain("Payback months\t4");
  });

  for (const format of ["png", "jpeg", "webp", "gif"] as const) {
    it(`makes 320/640/1280 px WebP previews from a ${format.toUpperCase()} image`, async () => {
      const bytes = await makeImage("Diagram", { format, width: 1600, height: 900 });
      const item = await uploadOne({ filename: `diagram.${format}`, bytes });
      expect(item.type).toBe("image");
      await pub.jobs.runUntilIdle();
      const after = (await (await getItem(item.id)).json()) as any;
      expect(after.currentVersion.previews).toEqual([
        expect.objectContaining({
          n: 0,
          widths: [
            { width: 320, height: 180 },
            { width: 640, height: 360 },
            { width: 1280, height: 720 },
          ],
        }),
      ]);
    });
  }

  it("applies EXIF orientation and strips metadata from photo previews", async () => {
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#336699" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Artist: "Someone's phone" } })
      .toBuffer();
    const item = await uploadOne({ filename: "photo.jpg", bytes: photo });
    await pub.jobs.runUntilIdle();
    const res = await preview(item.id, 0, marketer, "?w=640");
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([640, 960]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it("accepts an MP4 upload as a video without previews", async () => {
    const item = await uploadOne({ filename: "demo.mp4", bytes: makeMp4Header() });
    expect(item.type).toBe("video");
    expect(item.currentVersion.mime).toBe("video/mp4");
  });

  it("serves byte ranges of an uploaded video so players can seek", async () => {
    const bytes = new Uint8Array([...makeMp4Header(), ...new Uint8Array(5000).map((_, i) => i % 251)]);
    const item = await uploadOne({ filename: "seek.mp4", bytes });
    const ranged = (range: string, extra: Record<string, string> = {}) =>
      call(fileApi, request(`/api/v1/items/${item.id}/file`, { cookie: marketer, headers: { Range: range, ...extra } }), { id: item.id });

    const middle = await ranged("bytes=100-199");
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(bytes.slice(100, 200));

    const tail = await ranged("bytes=-10");
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-10));

    const open = await ranged(`bytes=${bytes.length - 5}-`);
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(bytes.slice(-5));

    const past = await ranged(`bytes=${bytes.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${bytes.length}`);

    const whole = await file(item.id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect((await whole.arrayBuffer()).byteLength).toBe(bytes.length);

    // If-Range naming another version: the client's copy is stale, so it gets the whole file.
    const stale = await ranged("bytes=0-9", { "If-Range": '"not-this-version"' });
    expect(stale.status).toBe(200);
  });

  it("creates a video item from an https link", async () => {
    const res = await call(
      createApi,
      request("/api/v1/items", { cookie: marketer, json: { type: "video", title: "Demo", videoUrl: "https://video.example.com/x" } }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ type: "video", videoUrl: "https://video.example.com/x", status: "draft" });
  });

  it("renders messaging Markdown as sanitised HTML", async () => {
    const body =
      '## Opening\n<script>alert(1)</script>\n\n<a href="https://x.test" onclick="steal()">x</a> [bad](javascript:alert(1)) **bold**';
    const res = await call(createApi, request("/api/v1/items", { cookie: marketer, json: { type: "talk_track", title: "Opening", body } }));
    expect(res.status).toBe(201);
    const item = (await res.json()) as any;
    expect(item.html).toContain("<h2>Opening</h2>");
    expect(item.html).toContain("<strong>bold</strong>");
    expect(item.html).not.toMatch(/<script|onclick|javascript:/i);
    expect(item.html).toContain('rel="noopener noreferrer nofollow"');
  });

  it("goes by the bytes, not the name: a PDF called photo.png is a document", async () => {
    const item = await uploadOne({ filename: "photo.png", bytes: await makePdf(["Really a PDF\ntext"]), type: "image/png" });
    expect(item.type).toBe("document");
    expect(item.currentVersion.mime).toBe("application/pdf");
  });

  it("creates one item per file when several are uploaded at once", async () => {
    const res = await upload([
      { filename: "a.pdf", bytes: await makePdf(["A\none"]) },
      { filename: "b.png", bytes: await makeImage("B", { width: 400, height: 300 }) },
    ]);
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body.items.map((i: any) => i.title)).toEqual(["A", "B"]);
    expect(body.failed).toEqual([]);
  });
});

describe("bad input", () => {
  it("refuses an unsupported type with 415 and creates nothing", async () => {
    const before = (await app.db.select({ id: items.id }).from(items)).length;
    const res = await upload([{ filename: "invoice.pdf", bytes: new Uint8Array(Buffer.from("MZ\x90\x00 this is a windows executable")) }]);
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).error.message).toMatch(/not a supported file/);
    expect((await app.db.select({ id: items.id }).from(items)).length).toBe(before);
    expect(tempFiles()).toEqual([]);
  });

  it("refuses a ZIP that is not an Office document with 415", async () => {
    const { zipSync, strToU8 } = await import("fflate");
    const res = await upload([{ filename: "notes.docx", bytes: zipSync({ "notes.txt": strToU8("hello") }) }]);
    expect(res.status).toBe(415);
  });

  it("stops reading a file over MAX_UPLOAD_MB with 413 instead of buffering it", async () => {
    const total = 50 * 1024 * 1024;
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    const boundary = "----fieldkit-test";
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
    );
    let sentHead = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(head);
          return;
        }
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const req = new Request("http://localhost/api/v1/items", {
      method: "POST",
      body,
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, Cookie: marketer },
      duplex: "half",
    } as RequestInit);
    const res = await call(createApi, req);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.message).toMatch(/larger than the 1 MB limit/);
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    expect(tempFiles()).toEqual([]);
  });

  it("refuses an empty file with 422", async () => {
    const res = await upload([{ filename: "empty.pdf", bytes: new Uint8Array(0) }]);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.message).toMatch(/empty/);
  });

  it("keeps a corrupt PDF as a draft with a readable problem that blocks review", async () => {
    const item = await uploadedAndProcessed({ filename: "broken.pdf", bytes: new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj garbage")) });
    expect(item.status).toBe("draft");
    expect(item.problem).toMatch(/damaged/);
    expect(item.currentVersion.previewStatus).toBe("failed");
    const res = await transition(item.id, { to: "in_review" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.message).toMatch(/damaged/);
  });

  it("blocks approval of a file found unreadable only after it was submitted", async () => {
    // The look at the upload ran out of time on a busy server: accepted unchecked, processed later.
    const created = await uploadOne({ filename: "late.pdf", bytes: await makeLockedPdf() });
    const [version] = await app.db.select().from(itemVersions).where(eq(itemVersions.itemId, created.id));
    await app.db.update(items).set({ problem: null }).where(eq(items.id, created.id));
    await app.db.update(itemVersions).set({ previewStatus: "pending", previewProblem: null }).where(eq(itemVersions.id, version.id));
    await queueProcessing(app.db, version.id);
    expect((await transition(created.id, { to: "in_review" })).status).toBe(200);
    await pub.jobs.runUntilIdle();
    const res = await transition(created.id, { to: "published" }, reviewer);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.message).toMatch(/password-protected/);
  });

  it("keeps a password-protected PDF as a draft and says so", async () => {
    const item = await uploadedAndProcessed({ filename: "locked.pdf", bytes: await makeLockedPdf() });
    expect(item.problem).toMatch(/password-protected/);
    expect(item.status).toBe("draft");
  });

  it("refuses a decompression-bomb image before decoding it", async () => {
    const bomb = makeBombPng();
    expect(bomb.byteLength).toBeLessThan(1024);
    const res = await upload([{ filename: "bomb.png", bytes: bomb }]);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.message).toMatch(/100000×100000 pixels/);
  });

  it("keeps only the base name of a file name with path characters", async () => {
    const item = await uploadOne({ filename: "..\\..\\secret\\../q3<plan>.pdf", bytes: await makePdf(["Plan\nq3"]) });
    expect(item.currentVersion.filename).toBe("q3plan.pdf");
    const res = await file(item.id);
    expect(res.headers.get("Content-Disposition")).toBe(`inline; filename="q3plan.pdf"; filename*=UTF-8''q3plan.pdf`);
  });

  it("leaves no item and no temp file when an upload is cut off mid-way", async () => {
    const before = (await app.db.select({ id: items.id }).from(items)).length;
    const boundary = "----cut";
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 partial`,
          ),
        );
        controller.error(new Error("connection reset"));
      },
    });
    const req = new Request("http://localhost/api/v1/items", {
      method: "POST",
      body,
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, Cookie: marketer },
      duplex: "half",
    } as RequestInit);
    const res = await call(createApi, req);
    expect(res.status).toBe(400);
    expect((await app.db.select({ id: items.id }).from(items)).length).toBe(before);
    expect(tempFiles()).toEqual([]);
  });

  it("removes temp files left by a server killed mid-upload when storage starts", async () => {
    const dir = path.join(app.env.STORAGE_DIR, "tmp");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "killed-upload.part"), "half a file");
    expect(await pub.storage.cleanTemp()).toBe(1);
    expect(tempFiles()).toEqual([]);
  });

  it("answers a stale revision with 409 carrying the other marketer's values", async () => {
    const item = await uploadOne({ filename: "edit.pdf", bytes: await makePdf(["Edit\nme"]) });
    const patch = (json: unknown, cookie: string) =>
      call(patchApi, request(`/api/v1/items/${item.id}`, { method: "PATCH", json, cookie }), { id: item.id });
    const first = await patch({ revision: item.revision, title: "Reviewer's title" }, reviewer);
    expect(first.status).toBe(200);
    const second = await patch({ revision: item.revision, title: "My title" }, marketer);
    expect(second.status).toBe(409);
    const body = (await second.json()) as any;
    expect(body.error.message).toMatch(/saved changes to this item while you were editing/);
    expect(body.error.details.current).toMatchObject({
      title: "Reviewer's title",
      revision: item.revision + 1,
      updatedBy: { name: "Test marketer" },
    });
    const [stored] = await app.db.select().from(items).where(eq(items.id, item.id));
    expect(stored.title).toBe("Reviewer's title");
  });

  it("answers unknown tags with 422 naming them", async () => {
    const res = await upload([{ filename: "t.pdf", bytes: await makePdf(["T\nt"]) }], { tags: ["product:nope"] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.message).toContain("product:nope");
  });

  it("forbids sellers and managers from creating items", async () => {
    for (const role of ["seller", "manager"] as const) {
      const cookie = await cookieFor(app, (await createUser(app, { role })).id);
      const res = await upload([{ filename: "x.pdf", bytes: await makePdf(["X\nx"]) }], {}, cookie);
      expect(res.status).toBe(403);
    }
  });
});

describe("versions", () => {
  it("serves sellers the latest version and keeps earlier ones for marketers", async () => {
    const item = await uploadOne({ filename: "v1.pdf", bytes: await makePdf(["Version one\nold text"]) });
    await pub.jobs.runUntilIdle();
    await publish(item.id);
    const v2 = await call(
      versionsApi,
      multipartRequest(`/api/v1/items/${item.id}/versions`, {
        cookie: marketer,
        files: [{ filename: "v2.pdf", bytes: await makePdf(["Version two\nnew text"]) }],
        fields: { changelog: "Updated prices" },
      }),
      { id: item.id },
    );
    expect(v2.status).toBe(201);
    const body = (await v2.json()) as any;
    expect(body.versions.map((v: any) => [v.number, v.changelog])).toEqual([
      [2, "Updated prices"],
      [1, "First version"],
    ]);
    expect(body.versions[1].id).toBe(item.currentVersion.id);
    await pub.jobs.runUntilIdle();

    const seller = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
    const latest = await file(item.id, seller);
    expect(latest.headers.get("Content-Disposition")).toContain("v2.pdf");
    expect((await file(item.id, seller, "?version=1")).status).toBe(404);
    const old = await file(item.id, marketer, "?version=1");
    expect(old.status).toBe(200);
    expect(old.headers.get("Content-Disposition")).toContain("v1.pdf");
    const sellerView = (await (await getItem(item.id, seller)).json()) as any;
    expect(sellerView.versions.map((v: any) => v.number)).toEqual([2]);
  });

  it("has browsers check the current version's file and pages each time, so a new version shows at once", async () => {
    const item = await uploadOne({ filename: "price.pdf", bytes: await makePdf(["Price list\n100 EUR"]) });
    await pub.jobs.runUntilIdle();
    const before = { file: await file(item.id), page: await preview(item.id, 1) };
    for (const res of Object.values(before)) {
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("private, no-cache");
    }
    // Unchanged: the browser's copy is confirmed without the bytes.
    const again = await call(
      fileApi,
      request(`/api/v1/items/${item.id}/file`, { cookie: marketer, headers: { "If-None-Match": before.file.headers.get("ETag")! } }),
      { id: item.id },
    );
    expect(again.status).toBe(304);
    await call(
      versionsApi,
      multipartRequest(`/api/v1/items/${item.id}/versions`, {
        cookie: marketer,
        files: [{ filename: "price.pdf", bytes: await makePdf(["Price list\n90 EUR"]) }],
        fields: { changelog: "New price" },
      }),
      { id: item.id },
    );
    await pub.jobs.runUntilIdle();
    // The same URLs now answer the new version, and the old copy's tag no longer matches.
    const stale = await call(
      fileApi,
      request(`/api/v1/items/${item.id}/file`, { cookie: marketer, headers: { "If-None-Match": before.file.headers.get("ETag")! } }),
      { id: item.id },
    );
    expect(stale.status).toBe(200);
    expect((await preview(item.id, 1)).headers.get("ETag")).not.toBe(before.page.headers.get("ETag"));
    // A URL naming its version never changes: kept for a day.
    expect((await file(item.id, marketer, "?version=1")).headers.get("Cache-Control")).toBe("private, max-age=86400");
    expect((await preview(item.id, 1, marketer, "?version=1")).headers.get("Cache-Control")).toBe("private, max-age=86400");
  });

  it("refuses a damaged replacement of a published item even when the look at it takes longer than an upload's usual wait", async () => {
    const item = await uploadOne({ filename: "steady.pdf", bytes: await makePdf(["Steady\nworking version"]) });
    await pub.jobs.runUntilIdle();
    await publish(item.id);
    // A busy server: every look at a file starts after the wait a new draft gets (the look itself is real).
    const files = app.services.files!;
    const run = files.run.bind(files);
    const slow = BUDGET_MS.inspectWait + BUDGET_MS.inspectQueue + 300;
    files.run = (async (task: string, ...rest: unknown[]) => {
      if (task === "inspect") await new Promise((resolve) => setTimeout(resolve, slow));
      return (run as (...a: unknown[]) => Promise<unknown>)(task, ...rest);
    }) as typeof files.run;
    try {
      const res = await call(
        versionsApi,
        multipartRequest(`/api/v1/items/${item.id}/versions`, {
          cookie: marketer,
          files: [{ filename: "broken.pdf", bytes: new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj garbage")) }],
          fields: { changelog: "Oops" },
        }),
        { id: item.id },
      );
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).error.message).toMatch(/broken\.pdf: .*damaged/);
    } finally {
      files.run = run;
    }
    await pub.jobs.runUntilIdle();
    const seller = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
    const served = await file(item.id, seller);
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Disposition")).toContain("steady.pdf");
    expect(await app.db.select().from(itemVersions).where(eq(itemVersions.itemId, item.id))).toHaveLength(1);
  });

  it("numbers two versions uploaded at the same moment one after the other, both stored", async () => {
    const item = await uploadOne({ filename: "race.pdf", bytes: await makePdf(["Race\nv1"]) });
    const upload = async (text: string) =>
      call(
        versionsApi,
        multipartRequest(`/api/v1/items/${item.id}/versions`, {
          cookie: marketer,
          files: [{ filename: "race.pdf", bytes: await makePdf([text]) }],
          fields: { changelog: text },
        }),
        { id: item.id },
      );
    const answers = await Promise.all([upload("Race\nfrom Ana"), upload("Race\nfrom Ben")]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const numbers = (await app.db.select({ n: itemVersions.number }).from(itemVersions).where(eq(itemVersions.itemId, item.id))).map(
      (v) => v.n,
    );
    expect(numbers.sort()).toEqual([1, 2, 3]);
    await pub.jobs.runUntilIdle();
  });

  it("refuses a new version identical to the current one with 409", async () => {
    const bytes = await makePdf(["Same\nbytes"]);
    const item = await uploadOne({ filename: "same.pdf", bytes });
    const res = await call(
      versionsApi,
      multipartRequest(`/api/v1/items/${item.id}/versions`, {
        cookie: marketer,
        files: [{ filename: "same.pdf", bytes }],
        fields: { changelog: "again" },
      }),
      { id: item.id },
    );
    expect(res.status).toBe(409);
  });

  it("stores identical uploads once", async () => {
    const bytes = await makePdf(["Shared\nbytes once"]);
    const a = await uploadOne({ filename: "one.pdf", bytes });
    const b = await uploadOne({ filename: "two.pdf", bytes });
    const [va] = await app.db.select().from(itemVersions).where(eq(itemVersions.itemId, a.id));
    const [vb] = await app.db.select().from(itemVersions).where(eq(itemVersions.itemId, b.id));
    expect(va.fileKey).toBe(vb.fileKey);
    expect(existsSync(pub.storage.localPath(va.fileKey!))).toBe(true);
  });
});

describe("audience", () => {
  it("answers a seller outside the audience with 404 for the item, its file and its previews", async () => {
    const east = await createTeam(app);
    const west = await createTeam(app);
    const img = await uploadOne(
      { filename: "west.png", bytes: await makeImage("West only", { width: 800, height: 600 }) },
      { audiences: [west.id] },
    );
    await pub.jobs.runUntilIdle();
    await publish(img.id);
    const outsider = await cookieFor(app, (await createUser(app, { role: "seller", teamId: east.id })).id);
    const insider = await cookieFor(app, (await createUser(app, { role: "seller", teamId: west.id })).id);
    expect((await getItem(img.id, outsider)).status).toBe(404);
    expect((await file(img.id, outsider)).status).toBe(404);
    expect((await preview(img.id, 0, outsider)).status).toBe(404);
    expect((await getItem(img.id, insider)).status).toBe(200);
    expect((await file(img.id, insider)).status).toBe(200);
    expect((await preview(img.id, 0, insider)).status).toBe(200);
  });

  it("hides drafts from sellers", async () => {
    const item = await uploadOne({ filename: "draft.pdf", bytes: await makePdf(["Draft\nnot yet"]) });
    const seller = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
    expect((await getItem(item.id, seller)).status).toBe(404);
  });
});

describe("background work", () => {
  it("leaves the item usable with previews marked unavailable when processing fails for good", async () => {
    const item = await uploadOne({ filename: "gone.pdf", bytes: await makePdf(["Gone\nsoon"]) });
    const [v] = await app.db.select().from(itemVersions).where(eq(itemVersions.itemId, item.id));
    const { rm } = await import("node:fs/promises");
    await rm(pub.storage.localPath(v.fileKey!));
    await app.db.update(jobs).set({ maxAttempts: 1 }).where(eq(jobs.kind, "extract_version"));
    await pub.jobs.runUntilIdle();
    const after = (await (await getItem(item.id)).json()) as any;
    expect(after.currentVersion.previewStatus).toBe("failed");
    expect(after.status).toBe("draft");
    const [job] = await app.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, "extract_version"), eq(jobs.payload, { versionId: v.id })));
    expect(job.failedAt).not.toBeNull();
    expect(job.lastError).toMatch(/ENOENT/);
  });

  it("picks up a job whose worker died (expired lock) after a restart", async () => {
    const item = await uploadOne({ filename: "restart.pdf", bytes: await makePdf(["Restart\nsurvives"]) });
    await app.db
      .update(jobs)
      .set({ attempts: 1, lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(jobs.payload, { versionId: item.currentVersion.id }));
    const { jobs: freshRunner } = withPublishing(app);
    await freshRunner.runUntilIdle();
    const pages = await app.db.select().from(itemPages).where(eq(itemPages.versionId, item.currentVersion.id));
    expect(pages[0].text).toContain("survives");
  });

  it("queues a search sync when extraction finishes", async () => {
    const item = await uploadOne({ filename: "search.pdf", bytes: await makePdf(["Search\nfindable"]) });
    await app.db.delete(searchOutbox).where(eq(searchOutbox.itemId, item.id));
    await pub.jobs.runUntilIdle();
    expect((await app.db.select().from(searchOutbox).where(eq(searchOutbox.itemId, item.id))).length).toBeGreaterThan(0);
  });

  it("renders the first pages eagerly and the rest in a later job", async () => {
    await pub.jobs.runUntilIdle();
    const item = await uploadOne({
      filename: "long.pdf",
      bytes: await makePdf(Array.from({ length: 5 }, (_, i) => `Page ${i + 1}\ntext`)),
    });
    await pub.jobs.runOnce(); // extraction
    await pub.jobs.runOnce(); // pages 1–3
    const [mid] = await app.db.select().from(itemVersions).where(eq(itemVersions.id, item.currentVersion.id));
    expect(mid.previews.map((p) => p.n)).toEqual([1, 2, 3]);
    expect(mid.previewStatus).toBe("pending");
    await pub.jobs.runUntilIdle();
    const [done] = await app.db.select().from(itemVersions).where(eq(itemVersions.id, item.currentVersion.id));
    expect(done.previews.map((p) => p.n)).toEqual([1, 2, 3, 4, 5]);
    expect(done.previewStatus).toBe("ready");
  });
});
