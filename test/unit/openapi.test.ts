// The OpenAPI file is the published description of /api/v1: every API route file must be in it, and
// everything in it must have a route file.
import { readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { CreateTextInput, UpdateInput } from "~/modules/library/publishing-input.server";
import { openApiDocument } from "~/modules/openapi.server";
import { CREATE_FIELDS, UPDATE_FIELDS } from "~/modules/openapi/item-fields.server";

const NOT_ENDPOINTS = new Set(["api.v1.$.ts", "api.v1.openapi[.]json.ts"]);

function pathOf(file: string): string {
  const segments = file
    .replace(/^api\.v1\./, "")
    .replace(/\.tsx?$/, "")
    .split(".");
  return "/" + segments.map((s) => (s.startsWith("$") ? `{${s === "$n" ? "n" : s.slice(1)}}` : s)).join("/");
}

it("documents exactly the API routes that exist", () => {
  const routes = readdirSync("app/routes")
    .filter((f) => f.startsWith("api.v1.") && !NOT_ENDPOINTS.has(f))
    .map(pathOf)
    .sort();
  expect(Object.keys(openApiDocument.paths).sort()).toEqual(routes);
});

it("documents the item fields by the names the API reads", () => {
  expect([...CREATE_FIELDS].sort()).toEqual(Object.keys(CreateTextInput.shape).sort());
  expect([...UPDATE_FIELDS].sort()).toEqual(Object.keys(UpdateInput.shape).sort());
  const create = openApiDocument.paths["/items"].post.requestBody.content["application/json"].schema;
  expect(Object.keys(create.properties).sort()).toEqual(Object.keys(CreateTextInput.shape).sort());
  expect(create.required).toEqual(["type", "title"]);
});
