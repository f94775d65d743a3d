import { describe, expect, it } from "vitest";
import { formatSize } from "@/vocabulary/format";
import { uuidSchema } from "~/modules/validation.server";
import { UUID_SOURCE, isUuid } from "@/vocabulary/ids";

describe("isUuid and uuidSchema", () => {
  it("accept a UUID in either case and nothing around it", () => {
    expect(isUuid("5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b")).toBe(true);
    expect(isUuid("5B0C6A1E-2F3D-4E5F-8A9B-0C1D2E3F4A5B")).toBe(true);
    expect(isUuid(" 5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b")).toBe(false);
    expect(isUuid("5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5")).toBe(false);
    expect(uuidSchema("id must be a UUID").safeParse("nope").error?.issues[0].message).toBe("id must be a UUID");
  });

  it("finds a UUID inside a link with UUID_SOURCE", () => {
    expect("/items/5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b/edit".match(new RegExp(UUID_SOURCE))?.[0]).toBe(
      "5b0c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b",
    );
  });
});

describe("formatSize", () => {
  it("reads as kB below a megabyte (at least 1 kB) and MB above, empty when unknown", () => {
    expect([formatSize(12), formatSize(380_400), formatSize(2_400_000), formatSize(null)]).toEqual(["1 kB", "380 kB", "2.4 MB", ""]);
  });
});
