// API tokens on Me: for the desk roles' scripts, not for sellers — hidden from a seller's page and refused
// by the server even when a seller posts the form by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as meAction, loader as meLoader } from "~/routes/_app.me";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const load = async (cookie: string) => (await meLoader(routeArgs(app, request("/me", { cookie })) as never)) as any;
const post = (cookie: string, form: Record<string, string>) =>
  respond(() => meAction(routeArgs(app, request("/me", { cookie, form })) as never));

describe("API tokens on Me", () => {
  it("are not offered to a seller, and a seller's hand-made create is refused with 403", async () => {
    const seller = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, seller.id);
    const page = await load(cookie);
    expect(page.canUseTokens).toBe(false);
    expect(page.tokens).toEqual([]);
    const res = (await post(cookie, { intent: "create-token", name: "sneaky" })) as any;
    expect(res.init.status).toBe(403);
    expect(res.data.formError).toMatch(/not available for your role/);
    expect((await load(cookie)).tokens).toEqual([]);
  });

  it("are offered to a marketer, who can create one", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const cookie = await cookieFor(app, marketer.id);
    expect((await load(cookie)).canUseTokens).toBe(true);
    const created = (await post(cookie, { intent: "create-token", name: "CRM sync" })) as any;
    expect(created.created.token).toMatch(/^fk_/);
    expect((await load(cookie)).tokens.map((t: any) => t.name)).toEqual(["CRM sync"]);
  });
});
