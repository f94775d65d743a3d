// Card thumbnails for the seller pages: the newest version's page-1 preview (or the image itself), none
// for items without previews, and only items in the viewer's audience.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemVersions } from "@/db/schema";
import { listItemCards, thumbnailsFor } from "~/modules/library/cards.server";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const preview = (n: number) => ({ n, widths: [{ width: 400, height: 300, key: `k-${n}` }] });

describe("item cards", () => {
  it("gives the newest version's first page, the image itself, or nothing, and hides items outside the audience", async () => {
    const team = await createTeam(app);
    const other = await createTeam(app);
    const seller = sessionUser(await createUser(app, { role: "seller", teamId: team.id }));
    const deck = await createItem(app, { versions: 2 });
    // Only the newest version counts: v1 had pages, v2 (current) is an image.
    await app.db
      .update(itemVersions)
      .set({ previews: [preview(1), preview(2)] })
      .where(eq(itemVersions.id, deck.versions[0].id));
    await app.db
      .update(itemVersions)
      .set({ previews: [preview(0)] })
      .where(eq(itemVersions.id, deck.versions[1].id));
    const doc = await createItem(app);
    await app.db
      .update(itemVersions)
      .set({ previews: [preview(1), preview(2)] })
      .where(eq(itemVersions.id, doc.versions[0].id));
    const plain = await createItem(app);
    const hidden = await createItem(app, { audiences: [other.id] });
    await app.db
      .update(itemVersions)
      .set({ previews: [preview(1)] })
      .where(eq(itemVersions.id, hidden.versions[0].id));

    const thumbs = await thumbnailsFor(app.db, { user: seller, ids: [deck.id, doc.id, plain.id, hidden.id] });
    expect(Object.fromEntries(thumbs)).toEqual({ [deck.id]: 0, [doc.id]: 1, [plain.id]: null });

    const cards = await listItemCards(app.db, { user: seller, limit: 200 });
    const byId = new Map(cards.map((c) => [c.id, c]));
    expect(byId.get(doc.id)).toMatchObject({ title: doc.title, thumb: 1 });
    expect(byId.get(plain.id)?.thumb).toBeNull();
    expect(byId.has(hidden.id)).toBe(false);
  });
});
