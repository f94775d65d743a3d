// Every paged list, asked for a page past its last one (a bulk action removed rows, a filter narrowed, an old
// bookmark), goes to its last page with its other parameters kept, instead of "Nothing matches" under a
// count and a pager that disagree with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "@/db/schema";
import { loader as library } from "~/routes/_app.library";
import { loader as review } from "~/routes/_app.review";
import { loader as myShares } from "~/routes/_app.shares._index";
import { loader as inbox } from "~/routes/_app.feedback";
import { loader as requestsDesk } from "~/routes/_app.feedback_.requests";
import { loader as myRequests } from "~/routes/_app.requests._index";
import { loader as insights } from "~/routes/_app.insights._index";
import { loader as sellers } from "~/routes/_app.insights.sellers";
import { loader as sellerPage } from "~/routes/_app.insights.sellers_.$id";
import { loader as people } from "~/routes/_app.admin._index";
import { loader as invitations } from "~/routes/_app.admin.invitations";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
const cookies: Record<string, string> = {};
let sellerId = "";

beforeAll(async () => {
  app = await createTestApp();
  for (const role of ["seller", "marketer", "manager", "admin"] as const) {
    const user = await createUser(app, { role });
    cookies[role] = await cookieFor(app, user.id);
    if (role === "seller") sellerId = user.id;
  }
  // 60 drafts: two pages of the library's 50, and two of the review queue's once sent for review.
  await app.db.insert(items).values(
    Array.from({ length: 60 }, (_, i) => ({
      type: "one_pager" as const,
      title: `Last page ${String(i).padStart(2, "0")}`,
      status: "in_review" as const,
    })),
  );
});
afterAll(() => app?.close());

type Loader = (args: never) => unknown;
type Paged = { page: number; pages: number };
/** The page a loader shows, and of how many: at its top or under the key its list comes in. */
const shownPage = async (loader: Loader, role: string, address: string, params: Record<string, string> = {}, key?: string) => {
  const result = (await respond(() => loader(routeArgs(app, request(address, { cookie: cookies[role] }), params) as never))) as Record<
    string,
    unknown
  >;
  const list = (key ? result[key] : result) as Paged;
  return { page: list.page, pages: list.pages };
};

describe("a page past a list's last one", () => {
  it("shows the last page, with its rows, and a pager that agrees", async () => {
    const lib = (await respond(() =>
      library(routeArgs(app, request("/library?scope=all&q=last+page&sort=title&dir=asc&page=9", { cookie: cookies.marketer })) as never),
    )) as { page: number; pages: number; total: number; rows: { title: string }[] };
    expect({ page: lib.page, pages: lib.pages, total: lib.total }).toEqual({ page: 2, pages: 2, total: 60 });
    expect(lib.rows.map((r) => r.title)).toEqual(Array.from({ length: 10 }, (_, i) => `Last page ${50 + i}`));
    const queue = (await respond(() =>
      review(routeArgs(app, request("/review?sort=title&page=40", { cookie: cookies.marketer })) as never),
    )) as { page: number; pages: number; entries: unknown[] };
    expect([queue.page, queue.pages, queue.entries.length]).toEqual([2, 2, 10]);
    // A page that exists stays as asked.
    expect(await shownPage(library, "marketer", "/library?scope=all&q=last+page&page=1")).toEqual({ page: 1, pages: 2 });
  });

  it("shows the list's only page on every paged list", async () => {
    const cases: [Loader, string, string, Record<string, string>?, string?][] = [
      [myShares, "seller", "/shares?show=opened"],
      [myRequests, "seller", "/requests?status=open"],
      [inbox, "marketer", "/feedback?show=all"],
      [requestsDesk, "marketer", "/feedback/requests?show=all"],
      [insights, "marketer", "/insights?sort=views", {}, "itemsTable"],
      [sellers, "manager", "/insights/sellers?sort=views"],
      [sellerPage, "admin", `/insights/sellers/${sellerId}?sort=views`, { id: sellerId }, "items"],
      [people, "admin", "/admin?role=seller", {}, "people"],
      [invitations, "admin", "/admin/invitations?q=nobody", {}, "pending"],
    ];
    for (const [loader, role, address, params, key] of cases) {
      expect([address, await shownPage(loader, role, `${address}&page=7`, params, key)]).toEqual([address, { page: 1, pages: 1 }]);
    }
  });
});
