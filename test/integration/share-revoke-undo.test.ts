// Undoing a revoke: a seller who revoked a buyer link by mistake reopens it from the share's page, for a
// few minutes; after that, and for anyone else at any time, the link stays closed.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { action as sharePage, loader as sharePageData } from "~/routes/_app.shares.$id";
import { loader as buyerPage } from "~/routes/s.$token";
import { createShare, restoreShare, revokeShare, UNDO_REVOKE_MINUTES } from "~/modules/shares/shares.server";
import { auditLog, items, itemVersions } from "@/db/schema";
import { cookieFor, createTestApp, createUser, request, respond, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";

let app: TestApp;
let seller: ReturnType<typeof sessionUser>;
let sellerCookie: string;
let itemId: string;

beforeAll(async () => {
  app = await createTestApp();
  const u = await createUser(app);
  seller = sessionUser(u);
  sellerCookie = await cookieFor(app, u.id);
  const [item] = await app.db
    .insert(items)
    .values({ type: "one_pager", title: "Undo one-pager", status: "published", publishedAt: new Date(Date.now() - 86_400_000) })
    .returning();
  await app.db.insert(itemVersions).values({ itemId: item.id, number: 1 });
  itemId = item.id;
});
afterAll(() => app.close());

const context = () => ({ app: { ...app, clientAddress: "10.9.0.1" }, cspNonce: "test-nonce" });
/** The page's form post: a redirect when it worked, the page's error otherwise. */
const post = async (shareId: string, intent: string, cookie = sellerCookie) =>
  (await respond(() =>
    sharePage({
      request: request(`/shares/${shareId}`, { cookie, form: { intent } }),
      params: { id: shareId },
      context: context(),
    } as never),
  )) as Response & { data?: { formError: string }; init?: { status: number } };
const buyerStatus = async (token: string) =>
  ((await respond(() => buyerPage({ request: request(`/s/${token}`), params: { token }, context: context() } as never))) as Response)
    .status;
/** Whether the share's page offers Undo for its revoke. */
const undoOffered = async (shareId: string) =>
  (
    (await respond(() =>
      sharePageData({
        request: request(`/shares/${shareId}`, { cookie: sellerCookie }),
        params: { id: shareId },
        context: context(),
      } as never),
    )) as { undoRevoke: boolean }
  ).undoRevoke;
const newShare = async () => (await createShare(app, { user: seller, input: { itemIds: [itemId] } })).share;

it("reopens a link revoked a moment ago from the share's page, and audits both", async () => {
  const share = await newShare();
  const revoked = await post(share.id, "revoke");
  expect(revoked.status).toBe(302);
  expect(await buyerStatus(share.token)).toBe(404);
  // The page offers Undo right after the revoke.
  expect(await undoOffered(share.id)).toBe(true);

  const restored = await post(share.id, "restore");
  expect(restored.status).toBe(302);
  expect(decodeURIComponent(restored.headers.get("location")!)).toContain("Revoke undone");
  expect(await buyerStatus(share.token)).toBe(200);
  // Twice is fine: a retried request never errors.
  expect((await post(share.id, "restore")).status).toBe(302);
  const audit = await app.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, share.id));
  expect(audit.map((a) => a.action).sort()).toEqual(["share.created", "share.restored", "share.revoked"]);
});

it(`keeps a link closed once it was revoked more than ${UNDO_REVOKE_MINUTES} minutes ago, and says what to do`, async () => {
  const share = await newShare();
  const revokedAt = new Date(Date.now() - (UNDO_REVOKE_MINUTES * 60_000 + 1_000));
  await revokeShare(app.db, { user: seller, id: share.id, now: revokedAt });
  expect(await undoOffered(share.id)).toBe(false);
  await expect(restoreShare(app.db, { user: seller, id: share.id })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/stays closed\. Create a new share/),
  });
  const page = await post(share.id, "restore");
  expect(page.init?.status).toBe(409);
  expect(page.data?.formError).toMatch(/more than 10 minutes ago/);
  expect(await buyerStatus(share.token)).toBe(404);
});

it("lets nobody else reopen a seller's link, another seller or a marketer", async () => {
  const share = await newShare();
  await revokeShare(app.db, { user: seller, id: share.id });
  for (const role of ["seller", "marketer"] as const) {
    const other = await createUser(app, { role });
    expect((await post(share.id, "restore", await cookieFor(app, other.id))).status).toBe(404);
  }
  expect(await buyerStatus(share.token)).toBe(404);
});
