// Upload defaults from the file (issue #17): the document's own title or a title-cased name, and a
// PDF with slide-shaped pages as a deck; whatever the marketer typed wins. Real worker processes.
import { eq } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as createApi } from "~/routes/api.v1.items";
import { loader as itemApi } from "~/routes/api.v1.items.$id";
import { action as versionsApi } from "~/routes/api.v1.items.$id.versions";
import { makePdf, makePptx } from "@/content/demo/files";
import { items } from "@/db/schema";
import { createTestApp, createUser, cookieFor, request, routeArgs, type TestApp } from "../setup/app";
import { multipartRequest, withPublishing, type UploadFile } from "../setup/publishing";

let app: TestApp;
let pub: ReturnType<typeof withPublishing>;
let marketer: string;

beforeAll(async () => {
  app = await createTestApp();
  pub = withPublishing(app);
  marketer = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
});
afterAll(() => app.close());

/** A PDF of `pages` pages of the given size in points, with an Info Title when given. */
async function pdfOfSize(size: [number, number], pages: number, title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title !== undefined) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) doc.addPage(size).drawText(`Slide ${n}`, { x: 40, y: size[1] - 60, size: 24, font });
  return doc.save();
}

async function uploadOne(file: UploadFile, fields: Record<string, string> = {}) {
  const res = await routeArgsCall(multipartRequest("/api/v1/items", { cookie: marketer, files: [file], fields }));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; title: string; type: string };
}
const routeArgsCall = (req: Request) => createApi(routeArgs(app, req) as never);
/** The item as the API shows it once its jobs (extraction, previews) ran. */
async function afterProcessing(id: string) {
  await pub.jobs.runUntilIdle();
  const res = await itemApi(routeArgs(app, request(`/api/v1/items/${id}`, { cookie: marketer }), { id }) as never);
  return (await res.json()) as { title: string; type: string };
}

describe("upload defaults", () => {
  it("takes a 16:9 PDF's own title and calls it a deck", async () => {
    const bytes = await pdfOfSize([960, 540], 3, "Zephyr Retail Playbook 2027");
    const created = await uploadOne({ filename: "zephyr-retail-kit.pdf", bytes });
    const item = await afterProcessing(created.id);
    expect(item).toMatchObject({ title: "Zephyr Retail Playbook 2027", type: "deck" });
    const [row] = await app.db.select().from(items).where(eq(items.id, created.id));
    expect(row).toMatchObject({ titleDefault: "file", typeDefault: "shape" });
  });

  it("title-cases the name of an untitled portrait PDF and calls it a document", async () => {
    const bytes = await makePdf(["Pricing\nQ3 list prices"]);
    const created = await uploadOne({ filename: "q3-pricing_sheet.pdf", bytes });
    expect(created.title).toBe("Q3 Pricing Sheet");
    const item = await afterProcessing(created.id);
    expect(item).toMatchObject({ title: "Q3 Pricing Sheet", type: "document" });
  });

  it("ignores a placeholder title and a landscape A4 page", async () => {
    const bytes = await pdfOfSize([842, 595], 2, "Microsoft Word - pricing.docx");
    const item = await afterProcessing((await uploadOne({ filename: "pricing-notes.pdf", bytes })).id);
    expect(item).toMatchObject({ title: "Pricing Notes", type: "document" });
  });

  it("keeps a typed title and a chosen type, even when the file offers others", async () => {
    const bytes = await pdfOfSize([720, 540], 2, "Their Title");
    const created = await uploadOne({ filename: "x.pdf", bytes }, { title: "My Title", type: "one_pager" });
    expect(created).toMatchObject({ title: "My Title", type: "one_pager" });
    expect(await afterProcessing(created.id)).toMatchObject({ title: "My Title", type: "one_pager" });
    const [row] = await app.db.select().from(items).where(eq(items.id, created.id));
    expect(row).toMatchObject({ titleDefault: null, typeDefault: null });
  });

  it("replaces a file-name default after extraction when the look at the upload did not get the title", async () => {
    const bytes = await pdfOfSize([960, 540], 1, "Late Title");
    const created = await uploadOne({ filename: "late-title.pdf", bytes });
    // As if the look had run out of time: the name is the default until extraction reads the file.
    await app.db
      .update(items)
      .set({ title: "Late Title Name", titleDefault: "filename", type: "document", typeDefault: "kind" })
      .where(eq(items.id, created.id));
    const revision = async () => (await app.db.select({ r: items.revision }).from(items).where(eq(items.id, created.id)))[0].r;
    const opened = await revision();
    expect(await afterProcessing(created.id)).toMatchObject({ title: "Late Title", type: "deck" });
    // An edit form opened before, still showing the file-name title, now saves into a 409, not over the title.
    expect(await revision()).toBeGreaterThan(opened);
  });

  it("does not let a first version's late extraction name the item after a second version was uploaded", async () => {
    const created = await uploadOne({ filename: "first-upload.pdf", bytes: await pdfOfSize([960, 540], 1, "The First File's Title") });
    // As if the look had run out of time: the name is the default until extraction reads the file.
    await app.db
      .update(items)
      .set({ title: "First Upload", titleDefault: "filename", type: "document", typeDefault: "kind" })
      .where(eq(items.id, created.id));
    // A different document as version 2 before version 1's job ran.
    const res = await versionsApi(
      routeArgs(
        app,
        multipartRequest(`/api/v1/items/${created.id}/versions`, {
          cookie: marketer,
          files: [{ filename: "second.pdf", bytes: await makePdf(["Second\nAnother document"]) }],
          fields: { changelog: "The right file" },
        }),
        { id: created.id },
      ) as never,
    );
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await afterProcessing(created.id)).toMatchObject({ title: "First Upload", type: "document" });
  });

  it("takes a PowerPoint's core title when it has a real one, and calls it a deck", async () => {
    const titled = makePptx(["Welcome", "Agenda"], { title: "Field Kickoff & Awards 2027" });
    expect(await afterProcessing((await uploadOne({ filename: "kickoff.pptx", bytes: titled })).id)).toMatchObject({
      title: "Field Kickoff & Awards 2027",
      type: "deck",
    });
    const placeholder = makePptx(["Welcome"], { title: "PowerPoint Presentation" });
    expect(await afterProcessing((await uploadOne({ filename: "field-kickoff.pptx", bytes: placeholder })).id)).toMatchObject({
      title: "Field Kickoff",
      type: "deck",
    });
  });
});
