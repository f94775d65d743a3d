// The search routes on a real database: API shape and errors, the page loader, click logging, synonyms.
import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as searchApi } from "~/routes/api.v1.search";
import { loader as searchPage } from "~/routes/_app.search._index";
import { loader as searchGo } from "~/routes/_app.search.go";
import { action as synonymsAction, loader as synonymsLoader } from "~/routes/_app.search.synonyms";
import { searchQueries, searchSynonyms } from "@/db/schema";
import { createPostgresIndex } from "@/search/postgres";
import type { SearchService } from "@/search/service";
import { emptyFacets, type SearchDocument, type SearchRequest } from "@/search/types";
import { createItem } from "../contract/search-fixtures";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const sync = async () => expect((await app.services.search!.syncNow()).error).toBeUndefined();
const call = (fn: (args: never) => unknown, path: string, cookie?: string, init: Parameters<typeof request>[1] = {}) =>
  respond(() => fn(routeArgs(app, request(path, { ...init, cookie })) as never)) as Promise<any>;

async function seller() {
  const team = await createTeam(app);
  const user = await createUser(app, { role: "seller", teamId: team.id });
  return { user, cookie: await cookieFor(app, user.id) };
}

describe("GET /api/v1/search", () => {
  it("returns the contract's shape with highlighted snippets", async () => {
    const { cookie } = await seller();
    const id = await createItem(app.db, { title: "Gazpacho pricing guide", summary: "All about gazpacho pricing." });
    await sync();
    const res: Response = await call(searchApi, "/api/v1/search?q=gazpacho", cookie);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ total: 1, engine: "postgres", hits: [{ id, title: "Gazpacho pricing guide", type: "document" }] });
    expect(body.hits[0].snippet).toContain("<mark>");
    expect(typeof body.tookMs).toBe("number");
    expect(Object.keys(body.facets)).toEqual(["type", "product", "industry", "persona", "stage", "region"]);
  });

  it("answers 401 in the API error shape without a session", async () => {
    const res: Response = await call(searchApi, "/api/v1/search?q=x");
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("answers bad filters with 400 and a message, never 500", async () => {
    const { cookie } = await seller();
    for (const qs of [`q=${"a".repeat(10_000)}`, "q=x&tag=colour:red", "q=x&type=spaceship", "q=x&page=1000000000", "q=x&limit=abc"]) {
      const res: Response = await call(searchApi, `/api/v1/search?${qs}`, cookie);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("bad_request");
      expect(body.error.message.length).toBeGreaterThan(5);
    }
  });
});

describe("the search page", () => {
  it("shows a 400 with the reason inline for bad input", async () => {
    const { cookie } = await seller();
    const res = await call(searchPage, "/search?q=x&tag=colour:red", cookie);
    expect(res.init.status).toBe(400);
    expect(res.data.error).toMatch(/Unknown filter/);
  });

  it("shows a query of punctuation alone as nothing found, and keeps it out of the query log", async () => {
    const { user, cookie } = await seller();
    await createItem(app.db, { title: "Parsnip pricing sheet" });
    await sync();
    const res = await call(searchPage, `/search?${new URLSearchParams({ q: "!!!" })}`, cookie);
    expect(res.data.result).toMatchObject({ q: "!!!", hits: [], total: 0, totalExact: true });
    expect(res.data.result.queryId).toBeUndefined();
    expect(res.data.nextPage).toBeNull();
    expect(await app.db.select().from(searchQueries).where(eq(searchQueries.userId, user.id))).toEqual([]);
  });

  it("links More results only to a page the search accepts, even when the engine counts more", async () => {
    const { cookie } = await seller();
    const real = app.services.search!;
    // An engine reporting more matches than the result window, with a full page wherever asked.
    const counting: SearchService = {
      ...real,
      search: async (r) => ({
        hits: Array.from({ length: r.limit }, (_, i) => ({
          id: randomUUID(),
          type: "document",
          title: `Hit ${r.offset + i}`,
          snippet: "",
        })),
        total: 5_000,
        totalExact: true,
        facets: emptyFacets(),
        engine: "postgres",
        tookMs: 0,
      }),
    };
    app.services.search = counting;
    try {
      expect((await call(searchPage, "/search?q=turnip&page=49&limit=20", cookie)).data.nextPage).toBe(50);
      expect((await call(searchPage, "/search?q=turnip&page=50&limit=20", cookie)).data.nextPage).toBeNull();
      // 1,000 is no multiple of 30: page 34 (offset 990) is the last, and a full one here.
      expect((await call(searchPage, "/search?q=turnip&page=34&limit=30", cookie)).data.nextPage).toBeNull();
      expect((await call(searchPage, "/search?q=turnip&page=35&limit=30", cookie)).init.status).toBe(400);
    } finally {
      app.services.search = real;
    }
  });

  it("sends an anonymous visitor to sign in", async () => {
    const res: Response = await call(searchPage, "/search?q=x");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("query log", () => {
  it("logs one row per search as the seller types, with the user's team and the result count", async () => {
    const { user, cookie } = await seller();
    await createItem(app.db, { title: "Kohlrabi battle card" });
    await sync();
    for (const q of ["koh", "kohl", "kohlrabi"]) await call(searchApi, `/api/v1/search?q=${q}`, cookie);
    const rows = await app.db.select().from(searchQueries).where(eq(searchQueries.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queryNorm: "kohlrabi", resultCount: 1, teamId: user.teamId });
  });

  it("records the clicked item and position, then opens the item at the page", async () => {
    const { user, cookie } = await seller();
    const id = await createItem(app.db, { title: "Rutabaga whitepaper", pages: ["intro", "rutabaga details"] });
    await sync();
    const body = await (await call(searchApi, "/api/v1/search?q=rutabaga", cookie)).json();
    expect(body.hits[0].page).toBe(2);
    const res: Response = await call(searchGo, `/search/go?qid=${body.queryId}&item=${id}&pos=1&page=2`, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/items/${id}?page=2`);
    const [row] = await app.db.select().from(searchQueries).where(eq(searchQueries.userId, user.id)).orderBy(desc(searchQueries.at));
    expect(row).toMatchObject({ clickedItemId: id, clickedPosition: 1 });
  });

  it("counts coming back from a hit, the next page and a filter as the same search, which stays clicked", async () => {
    const { user, cookie } = await seller();
    const id = await createItem(app.db, { title: "Celeriac battle card" });
    await sync();
    const body = await (await call(searchApi, "/api/v1/search?q=celeriac", cookie)).json();
    await call(searchGo, `/search/go?qid=${body.queryId}&item=${id}&pos=1`, cookie);
    for (const again of ["/api/v1/search?q=celeriac", "/api/v1/search?q=celeriac&page=2", "/api/v1/search?q=Celeriac&type=video"]) {
      expect((await (await call(searchApi, again, cookie)).json()).queryId).toBe(body.queryId);
    }
    const rows = await app.db.select().from(searchQueries).where(eq(searchQueries.userId, user.id));
    expect(rows.map((r) => [r.queryNorm, r.clickedItemId])).toEqual([["celeriac", id]]);
  });

  it("does not record a click on someone else's query", async () => {
    const a = await seller();
    const b = await seller();
    const id = await createItem(app.db, { title: "Salsify one-pager" });
    await sync();
    const body = await (await call(searchApi, "/api/v1/search?q=salsify", a.cookie)).json();
    await call(searchGo, `/search/go?qid=${body.queryId}&item=${id}&pos=1`, b.cookie);
    const [row] = await app.db.select().from(searchQueries).where(eq(searchQueries.id, body.queryId));
    expect(row.clickedItemId).toBeNull();
  });

  it("answers an incomplete result link with 400", async () => {
    const { cookie } = await seller();
    const res: Response = await call(searchGo, "/search/go?qid=nope&item=x&pos=0", cookie);
    expect(res.status).toBe(400);
  });
});

describe("synonyms", () => {
  it("lets a marketer add a group that search applies at once", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    const { cookie: sellerCookie } = await seller();
    const id = await createItem(app.db, { title: "Customer acquisition cost explained" });
    await sync();
    const res = await call(synonymsAction, "/search/synonyms", cookie, {
      form: { intent: "add", terms: "CAC, customer acquisition cost" },
    });
    expect(res.done).toMatch(/cac = customer acquisition cost/);
    const body = await (await call(searchApi, "/api/v1/search?q=cac", sellerCookie)).json();
    expect(body.hits.map((h: { id: string }) => h.id)).toContain(id);
  });

  it("refuses a group with fewer than two terms", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    const before = (await app.db.select().from(searchSynonyms)).length;
    const res = await call(synonymsAction, "/search/synonyms", cookie, { form: { intent: "add", terms: "lonely" } });
    expect(res.init.status).toBe(400);
    expect(res.data.formError).toMatch(/at least two terms/);
    expect(await app.db.select().from(searchSynonyms)).toHaveLength(before);
  });

  it("answers a removal of a group id that is no id at all as a group that no longer exists, not a 500", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    for (const id of ["-".repeat(36), "f".repeat(36), "nope"]) {
      const res = await call(synonymsAction, "/search/synonyms", cookie, { form: { intent: "delete", id } });
      expect(res.init?.status ?? res.status).toBe(404);
    }
  });

  it("finds groups by a term, and Undo after a removal brings the group back", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    for (const terms of ["SQL, sales qualified lead", "ICP, ideal customer profile", "POC, proof of concept"]) {
      await call(synonymsAction, "/search/synonyms", cookie, { form: { intent: "add", terms } });
    }
    const found = await call(synonymsLoader, "/search/synonyms?q=QUALIFIED", cookie);
    expect(found.q).toBe("QUALIFIED");
    expect(found.groups.map((g: { terms: string[] }) => g.terms)).toEqual([["sql", "sales qualified lead"]]);
    expect((await call(synonymsLoader, "/search/synonyms?q=%25", cookie)).groups).toEqual([]);
    const [poc] = (await call(synonymsLoader, "/search/synonyms?q=proof", cookie)).groups;
    const removed = await call(synonymsAction, "/search/synonyms", cookie, { form: { intent: "delete", id: poc.id } });
    expect(removed).toMatchObject({ done: "Removed: poc = proof of concept", undo: "poc, proof of concept" });
    expect((await call(synonymsLoader, "/search/synonyms?q=proof", cookie)).groups).toEqual([]);
    await call(synonymsAction, "/search/synonyms", cookie, { form: { intent: "add", terms: removed.undo } });
    expect((await call(synonymsLoader, "/search/synonyms?q=proof", cookie)).groups.map((g: { terms: string[] }) => g.terms)).toEqual([
      ["poc", "proof of concept"],
    ]);
  });

  it("is not available to sellers", async () => {
    const { cookie } = await seller();
    const res: Response = await call(synonymsLoader, "/search/synonyms", cookie);
    expect(res.status).toBe(403);
  });
});

describe("Postgres engine on more documents than it reads", () => {
  // 1,200 documents in static order (usefulness, then freshness): the engine reads matches band by
  // band (the best 400, then the rest) and stops once it has a sample of 100, so counts are exact
  // only when it read every band whole.
  let fresh: TestApp;
  const engine = () => createPostgresIndex(fresh.db);
  const day = 86_400_000;
  const ask = (q: string): SearchRequest => ({ q, types: [], tags: [], offset: 0, limit: 20, scope: { teams: [], now: new Date() } });
  let lowTitle: string;

  beforeAll(async () => {
    fresh = await createTestApp();
    const docs: SearchDocument[] = Array.from({ length: 1_200 }, (_, i) => {
      const words = [
        i % 3 !== 0 ? "quasar" : "", // two in three, everywhere: common
        i % 8 === 0 ? "nebula" : "", // 150: rarer than a sample
        i >= 900 ? "pulsar" : "", // 300, all among the least useful and oldest
        i % 100 === 0 ? "quasarite" : "", // 12: a longer word that "quasar" begins
        i % 5 === 0 ? "comet" : "", // 240, 80 of them in the best 400
      ];
      return {
        id: randomUUID(),
        type: i % 2 ? "deck" : "document",
        title: `Report ${i}`,
        summary: "",
        tags: [],
        tagLabels: [],
        audience: [],
        expiresAt: null,
        publishedAt: Date.now() - i * day,
        usefulness: i < 300 ? 1 - i / 1_000 : 0,
        body: words.join(" "),
        pages: [],
      };
    });
    lowTitle = docs[1_199].id;
    docs[1_199].title = "Quasar field guide";
    await engine().index(docs);
  });
  afterAll(() => fresh?.close());

  it("estimates the count of a common term from the first band and scales its facets", async () => {
    const r = await engine().search(ask("quasar"));
    expect(r.totalExact).toBe(false);
    // 800 true matches; the estimate comes from the best 400 (two in three match).
    expect(r.total).toBeGreaterThan(700);
    expect(r.total).toBeLessThan(900);
    expect(r.facets.type.deck + r.facets.type.document).toBeGreaterThan(700);
    expect(r.hits).toHaveLength(20);
  });

  it("ranks a title match first even when it is the least useful and oldest match", async () => {
    const r = await engine().search(ask("quasar"));
    expect(r.hits[0].id).toBe(lowTitle);
  });

  it("matches every known word the typed (last) word begins", async () => {
    expect(await engine().search(ask("quasari"))).toMatchObject({ total: 12, totalExact: true });
    expect(await engine().search(ask("quasarit"))).toMatchObject({ total: 12, totalExact: true });
    // Nebula documents (every 8th) with quasar (two in three) or quasarite (every 100th): 150 − 50 + 2.
    expect((await engine().search(ask("nebula quasar"))).total).toBe(102);
    expect((await engine().search(ask("nebula quas"))).total).toBe(102);
  });

  it("counts a term exactly when the sample fills in the last band, read through the text index", async () => {
    // 50 in the best 400, then 50 more needed at one in eight: reading the band's matches costs less
    // than walking 400 rows, and reads the band whole.
    const r = await engine().search(ask("nebula"));
    expect(r).toMatchObject({ total: 150, totalExact: true });
    expect(r.facets.type).toEqual({ document: 150 });
  });

  it("walks a band row by row and stops when only a few matches are missing, estimating the count", async () => {
    // 80 in the best 400, so 20 are missing: about 100 rows walked instead of all 800 matches listed.
    const r = await engine().search(ask("comet"));
    expect(r.totalExact).toBe(false);
    expect(r.total).toBe(240);
    expect(r.hits).toHaveLength(20);
  });

  it("looks up an unknown word's close spellings with the lexicon, so a typo costs one search statement", async () => {
    let statements = 0;
    const counting = new Proxy(fresh.db, {
      get: (db, key) => (key === "execute" ? (query: never) => (statements++, db.execute(query)) : Reflect.get(db, key)),
    });
    const index = createPostgresIndex(counting);
    await index.search(ask("nebula")); // synonyms and bands are cached from here on
    statements = 0;
    // "cmet" is no word of the lexicon; "comet" is close: lexicon look-up, then one ranked statement.
    expect((await index.search(ask("nebula cmet"))).total).toBe(30);
    expect(statements).toBe(2);
  });

  it("counts exactly when the sample fills only in the last band, which it reads whole", async () => {
    const r = await engine().search(ask("pulsar"));
    expect(r).toMatchObject({ total: 300, totalExact: true });
    expect(r.facets.type).toEqual({ deck: 150, document: 150 });
  });
});
