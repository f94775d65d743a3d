// Existence oracles (issue #13, decision 019): an id the caller cannot see must be answered exactly as
// an id that does not exist, on every endpoint that takes one, and delta sync must never name in
// `removed` an item the caller could never have held. Run on every search engine of this run.
import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiToken } from "~/modules/auth/api-tokens.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { catalogDelta } from "~/modules/offline/sync.server";
import type { SyncResponse } from "~/offline/types";
import { events, itemAudiences, itemTombstones, itemUsageDaily, itemVisibility, items, ratings, searchQueries } from "@/db/schema";
import { queueSearchSync } from "@/search/outbox";
import { createSearchService, type SearchService } from "@/search/service";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem, event, sessionUser } from "../setup/feedback";
import { withPublishing } from "../setup/publishing";

const meili = inject("meili");
type EngineCase = { name: string; skipped?: string; make: (app: TestApp) => SearchService };
const engines: EngineCase[] = [
  { name: "postgres", make: (app) => createSearchService({ db: app.db }) },
  "skipped" in meili
    ? { name: "meilisearch", skipped: meili.skipped, make: () => undefined as never }
    : {
        name: "meilisearch",
        make: (app) =>
          createSearchService({
            db: app.db,
            meili: { host: meili.host, key: meili.key, index: `oracles_${randomBytes(4).toString("hex")}` },
          }),
      },
];

const DAY = 86_400_000;
const HIDDEN = ["draft", "inReview", "archived", "otherTeam"] as const;
type Hidden = (typeof HIDDEN)[number];

/** Status, the headers a client could tell apart, and the body with the asked-for id blanked out. */
async function answer(result: unknown, id: string): Promise<unknown> {
  const blank = (s: string) => s.split(id).join("<id>").split(encodeURIComponent(id)).join("<id>");
  if (result instanceof Response) {
    return {
      status: result.status,
      type: result.headers.get("content-type"),
      location: blank(result.headers.get("location") ?? ""),
      retryAfter: result.headers.get("retry-after"),
      body: blank(await result.text()),
    };
  }
  const r = result as { type?: string; data?: unknown; init?: ResponseInit | null } | null;
  if (r && r.type === "DataWithResponseInit") return { status: r.init?.status ?? 200, body: blank(JSON.stringify(r.data)) };
  return { status: 200, body: blank(JSON.stringify(result)) };
}

for (const engine of engines) {
  const suite = engine.skipped ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${engine.skipped})`, fn) : describe;

  suite(`existence oracles: ${engine.name}`, () => {
    let app: TestApp;
    let seller: SessionUser;
    let westSeller: SessionUser;
    const auth: Record<"cookie" | "bearer", Record<string, string>> = { cookie: {}, bearer: {} };
    const id = {} as Record<Hidden | "open" | "pdf", string>;
    let west: string;
    // Titles of two made-up words each, shared with nothing else, so no engine's typo tolerance or
    // dropped words can match one title from another.
    const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join("");
    const titles = new Map<string, string>();
    const title = (k: string) => titles.get(k) ?? (titles.set(k, `${letters(9)} ${letters(9)}`), titles.get(k)!);

    beforeAll(async () => {
      app = await createTestApp();
      withPublishing(app);
      const search = engine.make(app);
      app.services.search = search;
      await search.bootstrap();
      const east = (await createTeam(app)).id;
      west = (await createTeam(app)).id;
      const sellerRow = await createUser(app, { role: "seller", teamId: east });
      seller = sessionUser(sellerRow);
      westSeller = sessionUser(await createUser(app, { role: "seller", teamId: west }));
      auth.cookie = { cookie: await cookieFor(app, seller.id) };
      // Tokens are the desk roles' (a seller's does not sign in): a manager of the same team sees what the seller sees.
      const manager = sessionUser(await createUser(app, { role: "manager", teamId: east }));
      auth.bearer = { authorization: `Bearer ${(await createApiToken(app.db, { user: manager, input: { name: "oracles" } })).token}` };
      const long = new Date(Date.now() - 10 * DAY);
      id.open = (await createItem(app, { title: title("open"), publishedAt: long })).id;
      id.draft = (await createItem(app, { title: title("draft"), status: "draft" })).id;
      id.inReview = (await createItem(app, { title: title("review"), status: "in_review" })).id;
      // Published for everyone ten days ago and archived two days ago: visible then, hidden now. (The
      // archive is recorded now; its window is moved back to two days ago, as if it had happened then.)
      id.archived = (await createItem(app, { title: title("archived"), publishedAt: long })).id;
      await app.db.update(items).set({ status: "archived", updatedAt: new Date() }).where(eq(items.id, id.archived));
      await app.db
        .update(itemVisibility)
        .set({ toAt: new Date(Date.now() - 2 * DAY) })
        .where(eq(itemVisibility.itemId, id.archived));
      id.otherTeam = (await createItem(app, { title: title("west"), publishedAt: long, audiences: [west] })).id;
      await queueSearchSync(app.db, Object.values(id));
      expect((await search.syncNow()).error).toBeUndefined();
    }, 120_000);
    afterAll(() => app?.close());

    /** Calls a route module as Remix would, with the seller signed in by cookie or API token. */
    async function call(
      file: string,
      kind: "loader" | "action",
      path: string,
      params: Record<string, string>,
      via: "cookie" | "bearer",
      init: { method?: string; json?: unknown; form?: Record<string, string> } = {},
    ) {
      const mod = await import(`../../app/routes/${file}`);
      const req = request(path, {
        method: kind === "loader" ? "GET" : (init.method ?? "POST"),
        json: init.json,
        form: init.form,
        headers: auth[via],
      });
      return respond(() => mod[kind](routeArgs(app, req, params)));
    }

    type Probe = {
      name: string;
      file: string;
      kind: "loader" | "action";
      path: (id: string) => string;
      params?: (id: string) => Record<string, string>;
      init?: { method?: string; json?: unknown; form?: Record<string, string> };
      malformed?: boolean;
      cookieOnly?: boolean;
    };
    const now = () => new Date().toISOString();
    const probes: Probe[] = [
      { name: "GET /api/v1/items/:id", file: "api.v1.items.$id.ts", kind: "loader", path: (i) => `/api/v1/items/${i}`, malformed: true },
      {
        name: "PATCH /api/v1/items/:id",
        file: "api.v1.items.$id.ts",
        kind: "action",
        path: (i) => `/api/v1/items/${i}`,
        init: { method: "PATCH", json: { revision: 1, title: "x" } },
        malformed: true,
      },
      {
        name: "GET /api/v1/items/:id/file",
        file: "api.v1.items.$id.file.ts",
        kind: "loader",
        path: (i) => `/api/v1/items/${i}/file`,
        malformed: true,
      },
      {
        name: "GET /api/v1/items/:id/file?download",
        file: "api.v1.items.$id.file.ts",
        kind: "loader",
        path: (i) => `/api/v1/items/${i}/file?download=1&version=1`,
      },
      {
        name: "GET /api/v1/items/:id/previews/:n",
        file: "api.v1.items.$id.previews.$n.ts",
        kind: "loader",
        path: (i) => `/api/v1/items/${i}/previews/1`,
        params: (i) => ({ id: i, n: "1" }),
        malformed: true,
      },
      {
        name: "PUT /api/v1/items/:id/rating",
        file: "api.v1.items.$id.rating.ts",
        kind: "action",
        path: (i) => `/api/v1/items/${i}/rating`,
        init: { method: "PUT", json: { useful: true, reasons: [], at: now() } },
      },
      {
        name: "POST /api/v1/items/:id/transition",
        file: "api.v1.items.$id.transition.ts",
        kind: "action",
        path: (i) => `/api/v1/items/${i}/transition`,
        init: { json: { to: "published" } },
        malformed: true,
      },
      {
        name: "POST /api/v1/items/:id/versions",
        file: "api.v1.items.$id.versions.ts",
        kind: "action",
        path: (i) => `/api/v1/items/${i}/versions`,
        init: { json: {} },
        malformed: true,
      },
      { name: "GET /items/:id", file: "_app.items.$id.tsx", kind: "loader", path: (i) => `/items/${i}`, cookieOnly: true, malformed: true },
      {
        name: "POST /items/:id (transition)",
        file: "_app.items.$id.tsx",
        kind: "action",
        path: (i) => `/items/${i}`,
        init: { form: { intent: "transition", to: "published" } },
        cookieOnly: true,
        malformed: true,
      },
      {
        name: "POST /items/:id/feedback",
        file: "_app.items.$id.feedback.tsx",
        kind: "action",
        path: (i) => `/items/${i}/feedback`,
        init: { form: { useful: "yes" } },
        cookieOnly: true,
        malformed: true,
      },
      { name: "GET /items/:id/edit", file: "_app.items.$id_.edit.tsx", kind: "loader", path: (i) => `/items/${i}/edit`, cookieOnly: true },
      {
        name: "GET /insights/items/:id",
        file: "_app.insights.items.$id.tsx",
        kind: "loader",
        path: (i) => `/insights/items/${i}`,
        cookieOnly: true,
      },
      {
        name: "GET /insights/items/:id/export",
        file: "_app.insights.items.$id.export.tsx",
        kind: "loader",
        path: (i) => `/insights/items/${i}/export`,
        cookieOnly: true,
      },
    ];

    for (const probe of probes) {
      for (const via of probe.cookieOnly ? (["cookie"] as const) : (["cookie", "bearer"] as const)) {
        it(`${probe.name} (${via}): a hidden id and a random id get identical answers`, async () => {
          const ask = async (target: string) =>
            answer(
              await call(probe.file, probe.kind, probe.path(target), probe.params?.(target) ?? { id: target }, via, probe.init),
              target,
            );
          const random = await ask(randomUUID());
          for (const hidden of HIDDEN) expect({ hidden, answer: await ask(id[hidden]) }).toEqual({ hidden, answer: random });
          // The control: the same call on an item the seller may see is answered differently (or the
          // probe would prove nothing), except where the seller's role is refused before any look-up.
          const open = await ask(id.open);
          if (!["PATCH", "transition", "versions", "edit", "insights"].some((w) => probe.name.includes(w)))
            expect(open).not.toEqual(random);
          if (probe.malformed) expect(await ask("not-a-uuid")).toEqual(random);
        });
      }
    }

    it("stores no rating and no search click for a hidden item", async () => {
      for (const hidden of HIDDEN) {
        await call("api.v1.items.$id.rating.ts", "action", `/api/v1/items/${id[hidden]}/rating`, { id: id[hidden] }, "bearer", {
          method: "PUT",
          json: { useful: true, at: now() },
        });
        const [q] = await app.db
          .insert(searchQueries)
          .values({ userId: seller.id, teamId: seller.teamId, queryNorm: "oracle", resultCount: 1 })
          .returning();
        const go = await call("_app.search.go.tsx", "loader", `/search/go?item=${id[hidden]}&q=oracle&pos=1&qid=${q.id}`, {}, "cookie");
        expect((go as Response).headers.get("location")).toBe(`/items/${id[hidden]}`);
        expect((await app.db.select().from(searchQueries).where(eq(searchQueries.id, q.id)))[0].clickedItemId).toBeNull();
      }
      expect(
        await app.db
          .select()
          .from(ratings)
          .where(
            inArray(
              ratings.itemId,
              HIDDEN.map((h) => id[h]),
            ),
          ),
      ).toEqual([]);
    });

    it("search answers a hidden item's exact title as it answers a title no item has", async () => {
      const ask = async (q: string, via: "cookie" | "bearer") => {
        const res = (await call("api.v1.search.ts", "loader", `/api/v1/search?q=${encodeURIComponent(q)}`, {}, via)) as Response;
        // Echoes of the request and the clock are left out; everything else must match.
        const body = (await res.json()) as { tookMs?: number; q?: string; queryId?: string };
        delete body.tookMs;
        delete body.q;
        delete body.queryId;
        return { status: res.status, body };
      };
      for (const via of ["cookie", "bearer"] as const) {
        const nothing = await ask(title("no item"), via);
        for (const hidden of HIDDEN) {
          const k = { draft: "draft", inReview: "review", archived: "archived", otherTeam: "west" }[hidden];
          expect({ hidden, answer: await ask(title(k), via) }).toEqual({ hidden, answer: nothing });
        }
        expect(await ask(title("open"), via)).not.toEqual(nothing);
      }
    });

    describe("events", () => {
      const post = async (rows: unknown[], via: "cookie" | "bearer") => {
        const res = (await call("api.v1.events.ts", "action", "/api/v1/events", {}, via, { json: rows })) as Response;
        return { status: res.status, body: await res.json() };
      };

      it("answers an event on a hidden item exactly as one on a random id, and counts no usage", async () => {
        for (const via of ["cookie", "bearer"] as const) {
          const at = new Date();
          const random = await post([event("view", randomUUID(), at)], via);
          expect(random.body.rejected).toEqual([{ index: 0, code: "unknown_item", message: expect.any(String) }]);
          for (const hidden of HIDDEN)
            expect({ hidden, answer: await post([event("view", id[hidden], at)], via) }).toEqual({ hidden, answer: random });
          // A whole batch: hidden and random rows are rejected alike, the visible one stored.
          const mixed = await post(
            [event("view", id.draft, at), event("view", randomUUID(), at), event("view", id.open, at), event("share", id.otherTeam, at)],
            via,
          );
          expect(mixed.body).toEqual({
            accepted: 1,
            duplicates: 0,
            clamped: 0,
            rejected: [0, 1, 3].map((index) => ({ index, code: "unknown_item", message: random.body.rejected[0].message })),
          });
        }
        const hiddenIds = HIDDEN.map((h) => id[h]);
        expect(await app.db.select().from(events).where(inArray(events.itemId, hiddenIds))).toEqual([]);
        expect(await app.db.select().from(itemUsageDaily).where(inArray(itemUsageDaily.itemId, hiddenIds))).toEqual([]);
      });

      it("keeps a late offline event from when the item was visible, answered as for an item visible now", async () => {
        // Both items were visible to everyone five days ago; one has been archived since.
        const at = new Date(Date.now() - 5 * DAY);
        const visibleNow = await ingestEvents(app.db, { user: seller, rows: [event("view", id.open, at)] });
        const archivedSince = await ingestEvents(app.db, { user: seller, rows: [event("view", id.archived, at)] });
        expect(archivedSince).toEqual(visibleNow);
        expect(archivedSince.accepted).toBe(1);
        const [usage] = await app.db
          .select()
          .from(itemUsageDaily)
          .where(and(eq(itemUsageDaily.itemId, id.archived), eq(itemUsageDaily.day, at.toISOString().slice(0, 10))));
        expect(usage.views).toBe(1);
      });

      it("rejects as unknown an event dated when the seller could not see the item, whatever it is now", async () => {
        const random = await ingestEvents(app.db, { user: seller, rows: [event("view", randomUUID(), new Date(Date.now() - 20 * DAY))] });
        // Before its publication (ten days ago), and another team's item at any time.
        for (const [itemId, user] of [
          [id.open, seller],
          [id.otherTeam, seller],
          [id.archived, seller],
        ] as const) {
          expect(await ingestEvents(app.db, { user, rows: [event("view", itemId, new Date(Date.now() - 20 * DAY))] })).toEqual(random);
        }
        expect(
          (await ingestEvents(app.db, { user: westSeller, rows: [event("view", id.otherTeam, new Date(Date.now() - 5 * DAY))] })).accepted,
        ).toBe(1);
      });
    });

    describe("delta sync", () => {
      const delta = (user: SessionUser, since?: string) => catalogDelta(app.db, { user, since, settleMs: 0 });
      const touch = (itemId: string, set: Partial<typeof items.$inferInsert> = {}) =>
        app.db
          .update(items)
          .set({ ...set, updatedAt: sql`now()` as unknown as Date })
          .where(eq(items.id, itemId));
      async function allPages(user: SessionUser, since: string): Promise<SyncResponse> {
        let res = await delta(user, since);
        const removed = [...res.removed];
        while (res.more) {
          res = await delta(user, res.cursor);
          removed.push(...res.removed);
        }
        return { ...res, removed };
      }

      it("never names in removed an item the seller never held", async () => {
        const first = await delta(seller);
        const westFirst = await delta(westSeller);
        const never: string[] = [];
        // Published for another team just now, then archived: a tombstone, never the seller's.
        const westNew = await createItem(app, { publishedAt: new Date(), audiences: [west] });
        never.push(westNew.id);
        await touch(westNew.id, { status: "archived" });
        await app.db.insert(itemTombstones).values({ itemId: westNew.id });
        // A draft edited, an in-review item, an old archive, another team's item edited: all changed after the cursor.
        for (const k of ["draft", "inReview", "archived", "otherTeam"] as const) {
          await touch(id[k], { title: `${title(k)} edited` });
          never.push(id[k]);
        }
        await app.db
          .insert(itemTombstones)
          .values({ itemId: id.archived })
          .onConflictDoUpdate({ target: itemTombstones.itemId, set: { at: sql`now()` } });
        // Another team's item that expired after the cursor (expiry does not touch updated_at).
        const westExpiring = await createItem(app, {
          publishedAt: new Date(Date.now() - DAY),
          audiences: [west],
          expiresAt: new Date(Date.now() + 500),
        });
        never.push(westExpiring.id);
        // A draft that was never published, then archived.
        const neverPublished = await createItem(app, { status: "draft" });
        await touch(neverPublished.id, { status: "archived" });
        never.push(neverPublished.id);

        // Controls the seller did hold, or could have: each must be named.
        const held = await createItem(app, { publishedAt: new Date(Date.now() - DAY) });
        const second = await delta(seller, first.cursor); // the seller now holds `held`
        expect(second.items.map((i) => i.id)).toContain(held.id);
        await touch(held.id, { status: "archived" });
        // Published for everyone after the cursor, then given to another team only: the device may have it.
        const briefly = await createItem(app, { publishedAt: new Date() });
        await app.db.transaction(async (tx) => {
          await tx.insert(itemAudiences).values({ itemId: briefly.id, teamId: west });
          await tx
            .update(items)
            .set({ updatedAt: sql`now()` as unknown as Date })
            .where(eq(items.id, briefly.id));
        });

        const later = new Date(Date.now() + 60_000);
        for (const since of [first.cursor, second.cursor]) {
          const res = await catalogDelta(app.db, { user: seller, since, settleMs: 0, now: later });
          for (const n of never) expect(res.removed, `never held: ${n}`).not.toContain(n);
          expect(res.removed).toContain(held.id);
          expect(res.removed).toContain(briefly.id);
        }
        // The other team's seller, who could hold it, is told.
        expect((await allPages(westSeller, westFirst.cursor)).removed).toContain(westNew.id);
      });

      it("pages of a delta never name an item the seller never held", async () => {
        const first = await delta(seller);
        const hidden: string[] = [];
        for (let i = 0; i < 7; i++) {
          const item = await createItem(app, { publishedAt: new Date(), audiences: [west] });
          await touch(item.id, { title: `West ${i}` });
          hidden.push(item.id);
        }
        const mine = await createItem(app, { publishedAt: new Date(Date.now() - DAY) });
        let res = await catalogDelta(app.db, { user: seller, since: first.cursor, settleMs: 0, limit: 2 });
        const removed = [...res.removed];
        const seen = res.items.map((i) => i.id);
        while (res.more) {
          res = await catalogDelta(app.db, { user: seller, since: res.cursor, settleMs: 0, limit: 2 });
          removed.push(...res.removed);
          seen.push(...res.items.map((i) => i.id));
        }
        expect(removed.filter((r) => hidden.includes(r))).toEqual([]);
        expect(seen).toContain(mine.id);
      });
    });
  });
}
