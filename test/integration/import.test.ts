// Bulk import: manifest and front matter, per-file results, and idempotent re-runs (content hash).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFolder, manifestRows, parseFrontMatter } from "~/modules/library/import.server";
import { makeImage, makePdf, makeXlsx } from "@/content/demo/files";
import { itemAudiences, itemTags, itemVersions, items, tags } from "@/db/schema";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { withPublishing } from "../setup/publishing";
import type { SessionUser } from "~/modules/auth/session.server";
import { runTempDir } from "../setup/tmp";

let app: TestApp;
let admin: SessionUser;
let folder: string;
let teamName: string;

beforeAll(async () => {
  app = await createTestApp();
  withPublishing(app);
  const u = await createUser(app, { role: "admin" });
  admin = { id: u.id, email: u.email, name: u.name, role: "admin", teamId: null, leadsTeamIds: [] };
  teamName = (await createTeam(app)).name;
  await app.db.insert(tags).values({ facet: "product", value: "atlas", label: "Atlas" });
  folder = runTempDir("fieldkit-import-");
  writeFileSync(path.join(folder, "deck.pdf"), await makePdf(["Atlas overview\nWhy now"]));
  writeFileSync(path.join(folder, "roi.xlsx"), makeXlsx([{ name: "ROI", rows: [["Seats", 50]] }]));
  writeFileSync(path.join(folder, "photo.jpg"), await makeImage("Store", { format: "jpeg", width: 600, height: 400 }));
  writeFileSync(path.join(folder, "notes.txt"), "not a supported type");
  writeFileSync(
    path.join(folder, "manifest.csv"),
    [
      "file,title,summary,type,tags,audiences,expires",
      `deck.pdf,"Atlas overview, 2026",The first-meeting deck,deck,product:atlas,${teamName},2030-01-31`,
      "roi.xlsx,ROI calculator,,spreadsheet,,,",
      "photo.jpg,,,,,,",
      "notes.txt,Notes,,,,,",
      "../outside.pdf,Escape,,,,,",
      "missing.pdf,Missing,,,,,",
    ].join("\n"),
  );
  writeFileSync(
    path.join(folder, "objections.md"),
    "---\ntitle: Pricing objections\ntype: objection_handling\ntags: [product:atlas]\n---\n## Too expensive\nShow the ROI calculator.\n",
  );
});
afterAll(() => app.close());

describe("bulk import", () => {
  it("imports manifest rows and Markdown, reporting each file's result", async () => {
    const progress: number[] = [];
    const outcomes = await importFolder(app, admin, folder, { onProgress: (done) => progress.push(done) });
    const byFile = Object.fromEntries(outcomes.map((o) => [o.file, o]));
    expect(byFile["deck.pdf"].status).toBe("created");
    expect(byFile["roi.xlsx"].status).toBe("created");
    expect(byFile["photo.jpg"].status).toBe("created");
    expect(byFile["objections.md"].status).toBe("created");
    expect(byFile["notes.txt"]).toMatchObject({ status: "failed", reason: "Not a supported file type." });
    expect(byFile["../outside.pdf"]).toMatchObject({ status: "failed", reason: expect.stringMatching(/inside the import folder/) });
    expect(byFile["missing.pdf"]).toMatchObject({ status: "failed", reason: "File not found in the folder." });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const deckId = (byFile["deck.pdf"] as { itemId: string }).itemId;
    const [deck] = await app.db.select().from(items).where(eq(items.id, deckId));
    expect(deck).toMatchObject({ title: "Atlas overview, 2026", type: "deck", summary: "The first-meeting deck", status: "draft" });
    expect(deck.expiresAt?.toISOString().slice(0, 10)).toBe("2030-01-31");
    expect(await app.db.select().from(itemTags).where(eq(itemTags.itemId, deckId))).toHaveLength(1);
    expect(await app.db.select().from(itemAudiences).where(eq(itemAudiences.itemId, deckId))).toHaveLength(1);
    const mdId = (byFile["objections.md"] as { itemId: string }).itemId;
    const [md] = await app.db.select().from(items).where(eq(items.id, mdId));
    expect(md).toMatchObject({ title: "Pricing objections", type: "objection_handling" });
  });

  it("creates nothing new when run again", async () => {
    const before = (await app.db.select({ id: items.id }).from(items)).length;
    const outcomes = await importFolder(app, admin, folder);
    expect(outcomes.filter((o) => o.status === "created")).toEqual([]);
    expect(
      outcomes
        .filter((o) => o.status === "skipped")
        .map((o) => o.file)
        .sort(),
    ).toEqual(["deck.pdf", "objections.md", "photo.jpg", "roi.xlsx"]);
    expect((await app.db.select({ id: items.id }).from(items)).length).toBe(before);
  });

  it("publishes at once with publish: true, recording the import in the history", async () => {
    const other = runTempDir("fieldkit-import-");
    writeFileSync(path.join(other, "fresh.pdf"), await makePdf(["Fresh\ncontent to publish"]));
    const [outcome] = await importFolder(app, admin, other, { publish: true });
    expect(outcome.status).toBe("created");
    const [item] = await app.db
      .select()
      .from(items)
      .where(eq(items.id, (outcome as { itemId: string }).itemId));
    expect(item.status).toBe("published");
  });

  it("keeps a listed Markdown file's front matter out of its body, and says when a created item could not be published", async () => {
    const other = runTempDir("fieldkit-import-");
    writeFileSync(
      path.join(other, "pitch.md"),
      "---\ntitle: Elevator pitch\nsummary: Thirty seconds\n---\nWe save sellers an hour a day.\n",
    );
    writeFileSync(path.join(other, "old.pdf"), await makePdf(["Old price list\n2024"]));
    writeFileSync(
      path.join(other, "manifest.csv"),
      ["file,title,type,expires", "pitch.md,,talk_track,", "old.pdf,Old prices,,2024-06-30"].join("\n"),
    );
    const outcomes = await importFolder(app, admin, other, { publish: true });
    const byFile = Object.fromEntries(outcomes.map((o) => [o.file, o]));
    const [pitch] = await app.db
      .select({ title: items.title, summary: items.summary, status: items.status })
      .from(items)
      .where(eq(items.id, (byFile["pitch.md"] as { itemId: string }).itemId));
    expect(pitch).toEqual({ title: "Elevator pitch", summary: "Thirty seconds", status: "published" });
    const [version] = await app.db
      .select({ bodyMd: itemVersions.bodyMd })
      .from(itemVersions)
      .where(eq(itemVersions.itemId, (byFile["pitch.md"] as { itemId: string }).itemId));
    expect(version.bodyMd).toBe("We save sellers an hour a day.\n");
    // Created with an expiry already past: there, in review, and the outcome says why it is not published.
    expect(byFile["old.pdf"]).toMatchObject({ status: "created", problem: expect.stringMatching(/^Created but not published: .*expiry/) });
  });
});

describe("running an import again", () => {
  it("publishes with publish: true what an earlier run left a draft or in review, and says so", async () => {
    const other = runTempDir("fieldkit-import-");
    writeFileSync(path.join(other, "later.md"), "---\ntitle: Published later\n---\nImported first, approved after.\n");
    writeFileSync(path.join(other, "expired.pdf"), await makePdf(["Refused once\nfor its date"]));
    writeFileSync(path.join(other, "manifest.csv"), ["file,expires", "later.md,", "expired.pdf,2024-06-30"].join("\n"));
    const first = Object.fromEntries((await importFolder(app, admin, other)).map((o) => [o.file, o]));
    expect(first["later.md"].status).toBe("created");
    const refused = Object.fromEntries((await importFolder(app, admin, other, { publish: true })).map((o) => [o.file, o]));
    expect(refused["later.md"]).toMatchObject({ status: "skipped", reason: expect.stringMatching(/; published now$/) });
    expect(refused["expired.pdf"]).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^Imported before but not published: .*expiry/),
    });
    const statusOf = async (file: string) =>
      (
        await app.db
          .select({ status: items.status })
          .from(items)
          .where(eq(items.id, (first[file] as { itemId: string }).itemId))
      )[0].status;
    expect(await statusOf("later.md")).toBe("published");
    // The date fixed by hand (the item waits in review), the next run publishes it.
    await app.db
      .update(items)
      .set({ expiresAt: new Date("2031-01-01T00:00:00Z") })
      .where(eq(items.id, (first["expired.pdf"] as { itemId: string }).itemId));
    const fixed = Object.fromEntries((await importFolder(app, admin, other, { publish: true })).map((o) => [o.file, o]));
    expect(fixed["expired.pdf"]).toMatchObject({ status: "skipped", reason: expect.stringMatching(/; published now$/) });
    expect(await statusOf("expired.pdf")).toBe("published");
    expect(fixed["later.md"]).toMatchObject({ status: "skipped", reason: expect.not.stringMatching(/published now/) });
  });

  it("takes file names with accents as macOS writes them and with a colon, and still refuses a path", async () => {
    const other = runTempDir("fieldkit-import-");
    const decomposed = "Pra\u0308sentation.md";
    writeFileSync(path.join(other, decomposed), "Ein Vortrag.\n");
    writeFileSync(path.join(other, "Q3: Pricing.pdf"), await makePdf(["Q3\nPricing"]));
    writeFileSync(path.join(other, "manifest.csv"), ["file", decomposed, "Q3: Pricing.pdf", "sub/x.pdf", "..\\x.pdf"].join("\n"));
    const byFile = Object.fromEntries((await importFolder(app, admin, other)).map((o) => [o.file, o]));
    expect(byFile[decomposed].status).toBe("created");
    expect(byFile["Q3: Pricing.pdf"].status).toBe("created");
    expect(byFile["sub/x.pdf"]).toMatchObject({ status: "failed", reason: expect.stringMatching(/inside the import folder/) });
    expect(byFile["..\\x.pdf"]).toMatchObject({ status: "failed", reason: expect.stringMatching(/inside the import folder/) });
  });
});

describe("manifest and front matter parsing", () => {
  it("reads quoted CSV fields with commas, quotes and line breaks", () => {
    const rows = manifestRows('file,title,tags\n"a.pdf","Say ""hi"", then\nleave","product:atlas;stage:discovery"\n');
    expect(rows).toEqual([
      {
        file: "a.pdf",
        title: 'Say "hi", then\nleave',
        summary: undefined,
        type: undefined,
        tags: ["product:atlas", "stage:discovery"],
        audiences: [],
        expiresAt: undefined,
        verifyIntervalDays: undefined,
      },
    ]);
  });

  it("reads front matter lists and leaves the body intact", () => {
    const { meta, body } = parseFrontMatter('---\ntitle: "Hello"\ntags: [a:b, c:d]\n---\n# Body\n');
    expect(meta).toEqual({ title: "Hello", tags: ["a:b", "c:d"] });
    expect(body).toBe("# Body\n");
  });
});
