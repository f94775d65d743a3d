// Library health at a library's size: the insights page shows a few of each list and counts to "100+",
// pointing to the CSV for the rest, so the CSV must hold every row, not the page's first hundred.
import { afterAll, beforeAll, expect, it } from "vitest";
import { items } from "@/db/schema";
import { libraryHealth } from "~/modules/insights/library-health.server";
import { loader as exportLoader } from "~/routes/_app.insights.export";
import { cookieFor, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";

let app: TestApp;
let marketer: ReturnType<typeof sessionUser>;
let cookie: string;
const UNUSED = 130;

beforeAll(async () => {
  app = await createTestApp();
  const user = await createUser(app, { role: "marketer" });
  marketer = sessionUser(user);
  cookie = await cookieFor(app, user.id);
  // Published two months ago, never opened since.
  await app.db.insert(items).values(
    Array.from({ length: UNUSED }, (_, i) => ({
      type: "one_pager" as const,
      title: `Unused ${String(i).padStart(3, "0")}`,
      status: "published" as const,
      publishedAt: new Date(Date.now() - 60 * 86_400_000),
    })),
  );
});
afterAll(() => app?.close());

it("counts the page's lists to 100 and puts every unused item in the CSV", async () => {
  expect((await libraryHealth(app.db, { user: marketer })).unused).toHaveLength(100);
  const res = (await exportLoader(routeArgs(app, request("/insights/export?table=health", { cookie })) as never)) as Response;
  expect(res.status).toBe(200);
  const lines = (await res.text()).trim().split(/\r?\n/);
  const unused = lines.filter((l) => l.startsWith("unused,"));
  expect(unused).toHaveLength(UNUSED);
  expect(unused.at(-1)).toContain("Unused 129");
});
