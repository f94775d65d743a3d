import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/modules/auth/guard.server";
import { decoyHash, hashPassword, hashToCheck, verifyPassword } from "~/modules/auth/password.server";

describe("passwords", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("fieldkit-demo", { N: 1024, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    await expect(verifyPassword("fieldkit-demo", hash)).resolves.toBe(true);
    await expect(verifyPassword("fieldkit-demO", hash)).resolves.toBe(false);
  });

  it("salts every hash", async () => {
    const cost = { N: 1024, r: 8, p: 1 };
    expect(await hashPassword("same", cost)).not.toBe(await hashPassword("same", cost));
  });

  it("verifies a sign-in to an account without a password against the decoy, as for an unknown address", async () => {
    const real = await hashPassword("pw", { N: 2 ** 10, r: 8, p: 1 });
    expect(await hashToCheck(real)).toBe(real);
    // "!none" is what single sign-on accounts store: answered without a hash, it told timing they exist.
    for (const stored of ["!none", undefined, "md5$abc"]) expect(await hashToCheck(stored)).toBe(await decoyHash());
  });

  it("treats a malformed stored hash as a mismatch", async () => {
    await expect(verifyPassword("x", "md5$abc")).resolves.toBe(false);
  });
});

describe("safeRedirect", () => {
  it.each([
    ["/items/1?x=2#p", "/items/1?x=2#p"],
    ["//evil.test", "/"],
    ["/\\evil.test", "/"],
    // Dot segments collapse while parsing: the path that comes out must be checked, not the one that went in.
    ["/.//evil.test", "/"],
    ["/..//evil.test", "/"],
    ["/%2e//evil.test", "/"],
    ["/a/..//evil.test", "/"],
    ["/./\\evil.test", "/"],
    ["/a/../items/1", "/items/1"],
    ["https://evil.test/", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [null, "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });
});
