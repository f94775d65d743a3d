// The content-gap report joins what sellers searched with what they asked for: both must be stored in
// the same normal form, punctuation and accents included. Also checks that the migration which
// recomputed existing requests' form in SQL agrees with the code for awkward characters.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as searchApi } from "~/routes/api.v1.search";
import { action as requestsApi } from "~/routes/api.v1.requests";
import { contentGaps } from "~/modules/insights/content-gaps.server";
import { contentRequests } from "@/db/schema";
import { normaliseQuery } from "@/search/query";
import { cookieFor, createTeam, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const today = () => new Date().toISOString().slice(0, 10);

describe("content gaps for punctuated and accented searches", () => {
  it("counts the open requests that came from the same search", async () => {
    const team = await createTeam(app);
    const seller = await createUser(app, { role: "seller", teamId: team.id });
    const marketer = sessionUser(await createUser(app, { role: "marketer" }));
    const cookie = await cookieFor(app, seller.id);
    const queries = ["Pricing sheet!", "Résumé template", "ROI (healthcare) — 2025?"];
    for (const q of queries) {
      const res = (await searchApi(routeArgs(app, request(`/api/v1/search?q=${encodeURIComponent(q)}`, { cookie })) as never)) as Response;
      expect((await res.json()).total).toBe(0);
      const made = (await requestsApi(
        routeArgs(app, request("/api/v1/requests", { method: "POST", cookie, json: { text: `Please add: ${q}`, query: q } })) as never,
      )) as Response;
      expect(made.status).toBe(201);
    }
    const gaps = await contentGaps(app.db, { user: marketer, range: { from: today(), to: today() }, teamId: team.id });
    expect(gaps.map((g) => [g.query, g.zeroResults, g.openRequests]).sort()).toEqual(
      [
        ["pricing sheet!", 1, 1],
        ["résumé template", 1, 1],
        ["roi (healthcare) — 2025?", 1, 1],
      ].sort(),
    );
  });
});

describe("the migration that recomputed requests' query_norm", () => {
  const migrations = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../db/migrations");
  const file = readdirSync(migrations).find((f) => f.endsWith("_requests_query_norm.sql"))!;
  const statement = readFileSync(path.join(migrations, file), "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n");

  it("gives existing requests the same form as the code", async () => {
    const seller = await createUser(app, { role: "seller" });
    const awkward = [
      "  Pricing  Sheet! ",
      "Résumé\u00a0TEMPLATE",
      "Ｐricing\tDECK",
      "ﬁnance\u200b ½ report",
      "a\u0085b\u2028c\u3000d\u1680e",
      "x\u{E0041}y\u{F0000}z\uFEFF",
      "Ω ÆSIR Ĳssel ŉ",
      "\u200b",
      "?!",
    ];
    const rows = await app.db
      .insert(contentRequests)
      .values(awkward.map((query) => ({ userId: seller.id, text: "awkward", query, queryNorm: "stale" })))
      .returning({ id: contentRequests.id, query: contentRequests.query });
    await app.db.execute(sql.raw(statement));
    const stored = await app.db.select().from(contentRequests).where(eq(contentRequests.userId, seller.id));
    for (const row of rows) {
      const after = stored.find((s) => s.id === row.id)!;
      expect([row.query, after.queryNorm]).toEqual([row.query, normaliseQuery(row.query!) || null]);
    }
  });
});
