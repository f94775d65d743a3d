import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { contentRequests } from "@/db/schema";
import { action as requestsApi, loader as myRequestsApi } from "~/routes/api.v1.requests";
import { loader as myRequestsPage } from "~/routes/_app.requests._index";
import { RequestUpdate, createRequest, listMyRequests, listRequests, updateRequest } from "~/modules/feedback/requests.server";
import { unreadReplyCount } from "~/modules/feedback/ratings.server";
import { cookieFor, createTeam, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function people() {
  const team = await createTeam(app);
  const seller = await createUser(app, { role: "seller", teamId: team.id });
  const marketer = sessionUser(await createUser(app, { role: "marketer" }));
  return { team, seller, sellerUser: sessionUser(seller), marketer };
}

describe("POST /api/v1/requests", () => {
  it("creates a request with status new and remembers the normalised search", async () => {
    const { seller, sellerUser, team } = await people();
    const cookie = await cookieFor(app, seller.id);
    const res = (await requestsApi(
      routeArgs(
        app,
        request("/api/v1/requests", {
          method: "POST",
          cookie,
          json: { text: "A battle card against Northwind", query: "  Northwind  BATTLE card!" },
        }),
      ) as never,
    )) as Response;
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body.request).toMatchObject({ text: "A battle card against Northwind", query: "Northwind  BATTLE card!", status: "new" });
    const all = await listRequests(app.db, { user: { ...sellerUser, role: "marketer" } });
    const stored = all.find((r) => r.id === body.request.id)!;
    expect(stored.team).toBe(team.name);
    const mine = (await (await myRequestsApi(routeArgs(app, request("/api/v1/requests", { cookie })) as never)).json()) as any;
    expect(mine.requests.map((r: any) => r.id)).toEqual([body.request.id]);
  });

  it("stores a request re-sent by the offline outbox once, keyed by its client id", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    const id = "5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b";
    const send = (c: string) =>
      requestsApi(
        routeArgs(
          app,
          request("/api/v1/requests", { method: "POST", cookie: c, json: { id, text: "Objection handling for security" } }),
        ) as never,
      ) as Promise<Response>;
    const first = await send(cookie);
    const again = await send(cookie);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(((await again.json()) as any).request.id).toBe(id);
    const mine = (await (await myRequestsApi(routeArgs(app, request("/api/v1/requests", { cookie })) as never)).json()) as any;
    expect(mine.requests.length).toBe(1);
    const intruder = await people();
    expect((await send(await cookieFor(app, intruder.seller.id))).status).toBe(409);
  });

  it("answers a re-sent 50th request as stored, and refuses the 51st with 409, not a retry-later 429", async () => {
    const { seller, sellerUser } = await people();
    const cookie = await cookieFor(app, seller.id);
    for (let n = 1; n < 50; n++) await createRequest(app.db, { user: sellerUser, input: { text: `Request ${n}`, query: null } });
    const send = (json: object) =>
      requestsApi(routeArgs(app, request("/api/v1/requests", { method: "POST", cookie, json })) as never) as Promise<Response>;
    const fiftieth = { id: "0f7e3c1a-9b2d-4c6e-8f0a-1b2c3d4e5f60", text: "Request 50" };
    expect((await send(fiftieth)).status).toBe(201);
    // Its answer was lost on the way back: the outbox sends it again.
    const again = await send(fiftieth);
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).request).toMatchObject({ id: fiftieth.id, text: "Request 50" });
    const refused = await send({ id: "0f7e3c1a-9b2d-4c6e-8f0a-1b2c3d4e5f61", text: "Request 51" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).error.message).toMatch(/50 open requests/);
  });

  it("answers an empty or oversized request with 400", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    for (const json of [{}, { text: " " }, { text: "x".repeat(1001) }]) {
      const res = (await requestsApi(routeArgs(app, request("/api/v1/requests", { method: "POST", cookie, json })) as never)) as Response;
      expect(res.status).toBe(400);
    }
  });
});

describe("handling requests", () => {
  it("needs the answering item before a request can be done, then links it for the requester", async () => {
    const { sellerUser, marketer } = await people();
    const created = await createRequest(app.db, { user: sellerUser, input: { text: "ROI calculator for retail", query: null } });
    await expect(
      updateRequest(app.db, { user: marketer, id: created.id, input: { status: "done", answerItemId: null, reply: null } }),
    ).rejects.toMatchObject({ status: 422 });
    await updateRequest(app.db, {
      user: marketer,
      id: created.id,
      input: { status: "planned", answerItemId: null, reply: "On our list for May." },
    });
    const item = await createItem(app, { title: "Retail ROI calculator" });
    const done = await updateRequest(app.db, {
      user: marketer,
      id: created.id,
      input: { status: "done", answerItemId: `http://fieldkit.test/items/${item.id}`, reply: null },
    });
    expect(done.closedAt).toBeInstanceOf(Date);
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(1);
    const [mine] = await listMyRequests(app.db, { user: sellerUser });
    expect(mine).toMatchObject({ status: "done", answer: { id: item.id, title: "Retail ROI calculator" } });
    expect(mine.replies.map((r) => r.body)).toEqual(["On our list for May."]);
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(0);
  });

  it("dates a request's close by the status it reached: declined, then done later, closed when done", async () => {
    const { sellerUser, marketer } = await people();
    const item = await createItem(app);
    const created = await createRequest(app.db, { user: sellerUser, input: { text: "Retail case study", query: null } });
    const on = (day: string) => new Date(`2025-0${day}T10:00:00Z`);
    const move = (status: "declined" | "done" | "planned", now: Date, reply: string | null = null) =>
      updateRequest(app.db, { user: marketer, id: created.id, input: { status, answerItemId: item.id, reply }, now });
    expect((await move("declined", on("1-02"))).closedAt).toEqual(on("1-02"));
    expect((await move("declined", on("1-05"), "Still no.")).closedAt).toEqual(on("1-02"));
    expect((await move("done", on("3-01"))).closedAt).toEqual(on("3-01"));
    // A reply on a done request leaves its date alone; reopened, it is open again.
    expect((await move("done", on("3-04"), "Here it is.")).closedAt).toEqual(on("3-01"));
    expect((await move("planned", on("3-05"))).closedAt).toBeNull();
  });

  it("does not link an answering item the requester may not open", async () => {
    const { sellerUser, marketer } = await people();
    const other = await createTeam(app);
    const hidden = await createItem(app, { audiences: [other.id] });
    const created = await createRequest(app.db, { user: sellerUser, input: { text: "EMEA pricing", query: null } });
    await updateRequest(app.db, { user: marketer, id: created.id, input: { status: "done", answerItemId: hidden.id, reply: null } });
    const [mine] = await listMyRequests(app.db, { user: sellerUser });
    expect(mine).toMatchObject({ status: "done", answer: null });
  });

  it("unlinks a wrong answering item when its field is emptied, and keeps the link when the field is not sent", async () => {
    const { sellerUser, marketer } = await people();
    const wrong = await createItem(app, { title: "The wrong deck" });
    const created = await createRequest(app.db, { user: sellerUser, input: { text: "Retail pricing", query: null } });
    const update = (form: Record<string, string>) =>
      updateRequest(app.db, { user: marketer, id: created.id, input: RequestUpdate.parse({ ...form, reply: "" }) });
    await update({ status: "done", answerItemId: wrong.id });
    expect((await update({ status: "planned" })).answerItemId).toBe(wrong.id);
    expect((await update({ status: "planned", answerItemId: "" })).answerItemId).toBeNull();
    const [mine] = await listMyRequests(app.db, { user: sellerUser });
    expect(mine).toMatchObject({ status: "planned", answer: null });
    // Done still needs an item: emptying the field and marking it done is refused, not done with nothing.
    await expect(update({ status: "done", answerItemId: "" })).rejects.toMatchObject({ status: 422 });
  });

  it("refuses an unknown answering item with 422 and sellers' updates with 403", async () => {
    const { sellerUser, marketer } = await people();
    const created = await createRequest(app.db, { user: sellerUser, input: { text: "Case study", query: null } });
    await expect(
      updateRequest(app.db, {
        user: marketer,
        id: created.id,
        input: { status: "done", answerItemId: "00000000-0000-4000-8000-000000000000", reply: null },
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      updateRequest(app.db, { user: sellerUser, id: created.id, input: { status: "declined", answerItemId: null, reply: null } }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(listRequests(app.db, { user: sellerUser })).rejects.toMatchObject({ status: 403 });
  });
});

describe("My requests, a page at a time", () => {
  it("finds a seller's requests by what was asked and by status, 20 a page, newest or oldest first, and reads every reply", async () => {
    const { seller, sellerUser, marketer } = await people();
    const cookie = await cookieFor(app, seller.id);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const at = new Date(Date.UTC(2026, 0, 1 + i));
      const text = i === 7 ? "Northwind battle card" : `Request number ${i}`;
      ids.push((await createRequest(app.db, { user: sellerUser, input: { text, query: i === 12 ? "healthcare ROI" : null }, now: at })).id);
      await app.db.update(contentRequests).set({ createdAt: at }).where(eq(contentRequests.id, ids[i]));
    }
    await app.db
      .update(contentRequests)
      .set({ status: "done" })
      .where(inArray(contentRequests.id, ids.slice(0, 5)));
    await app.db
      .update(contentRequests)
      .set({ status: "declined" })
      .where(inArray(contentRequests.id, ids.slice(5, 7)));
    // A reply on the newest request, which is on the first page.
    await updateRequest(app.db, { user: marketer, id: ids[24], input: { status: "planned", answerItemId: null, reply: "On our list." } });
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(1);
    type Page = { rows: { id: string; text: string; status: string }[]; total: number; page: number; pages: number };
    const load = async (qs = "") => (await myRequestsPage(routeArgs(app, request(`/requests${qs}`, { cookie })) as never)) as Page;

    const second = await load("?page=2");
    // Looking at any page reads every reply, as the whole list did.
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(0);
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(0, 5).reverse());
    const first = await load();
    expect({ total: first.total, pages: first.pages, shown: first.rows.length }).toEqual({ total: 25, pages: 2, shown: 20 });
    expect(first.rows[0].id).toBe(ids[24]);
    expect((await load("?sort=oldest")).rows[0].id).toBe(ids[0]);

    expect((await load("?q=northwind")).rows.map((r) => r.text)).toEqual(["Northwind battle card"]);
    // The search it started from counts too.
    expect((await load("?q=healthcare")).rows.map((r) => r.id)).toEqual([ids[12]]);
    expect((await load("?show=done")).total).toBe(5);
    expect((await load("?show=declined")).total).toBe(2);
    expect((await load("?show=open")).total).toBe(18);
    expect((await load("?show=planned")).rows.map((r) => r.id)).toEqual([ids[24]]);
    expect((await load(`?q=${encodeURIComponent("%")}`)).total).toBe(0);
    // Nonsense is no filter.
    expect((await load("?show=everything&sort=random()&page=-4")).total).toBe(25);

    // Someone else's requests are never listed.
    const other = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
    const theirs = (await myRequestsPage(routeArgs(app, request("/requests?q=request", { cookie: other })) as never)) as Page;
    expect(theirs.total).toBe(0);
  });
});
