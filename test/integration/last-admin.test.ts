// Nobody may take away the last active admin, not even two admins demoting each other at the same moment.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { updateUser } from "~/modules/people/users.server";
import { createTestApp, createUser, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const activeAdmins = async () => (await app.db.select().from(users).where(eq(users.role, "admin"))).filter((u) => u.active).length;

describe("the last active admin", () => {
  it("survives two admins demoting or deactivating each other at once", async () => {
    for (const change of [{ role: "marketer" }, { active: false }]) {
      await app.db.update(users).set({ active: false }).where(eq(users.role, "admin"));
      const a = sessionUser(await createUser(app, { role: "admin" }));
      const b = sessionUser(await createUser(app, { role: "admin" }));
      const results = await Promise.allSettled([
        updateUser(app.db, { actor: a, input: { userId: b.id, ...change } }),
        updateUser(app.db, { actor: b, input: { userId: a.id, ...change } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ status: 409, message: expect.stringMatching(/last active admin/) });
      expect(await activeAdmins()).toBe(1);
    }
  });

  it("lets an admin be demoted while another active admin remains", async () => {
    await app.db.update(users).set({ active: false }).where(eq(users.role, "admin"));
    const a = sessionUser(await createUser(app, { role: "admin" }));
    const b = sessionUser(await createUser(app, { role: "admin" }));
    await expect(updateUser(app.db, { actor: a, input: { userId: b.id, role: "manager" } })).resolves.toMatchObject({
      user: { role: "manager" },
      changed: true,
    });
    // The one left cannot go by their own hand either.
    await expect(updateUser(app.db, { actor: a, input: { userId: a.id, active: false } })).rejects.toMatchObject({ status: 422 });
    expect(await activeAdmins()).toBe(1);
  });
});
