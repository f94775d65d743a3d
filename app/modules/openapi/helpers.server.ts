// Building blocks for the OpenAPI description: JSON bodies, error answers, common parameters.
export const error = { $ref: "#/components/schemas/Error" };
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: STATUS_TEXT[c], content: { "application/json": { schema: error } } }]));
export const STATUS_TEXT: Record<number, string> = {
  400: "Invalid input",
  401: "Not signed in",
  403: "Not allowed for this role",
  404: "Not found or not visible to the caller",
  408: "The upload stopped arriving (UPLOAD_STALL_SECONDS without a byte); nothing of it was kept",
  409: "Conflict (stale revision or duplicate)",
  413: "Too large",
  415: "Unsupported media type",
  422: "Unprocessable",
  429: "Rate limited",
};
export const json = (schema: object, description = "OK") => ({ description, content: { "application/json": { schema } } });
export const body = (schema: object) => ({ required: true, content: { "application/json": { schema } } });
export const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
export const obj = (properties: Record<string, object>, required: string[] = []) => ({ type: "object", properties, required });
export const str = { type: "string" };
export const dateTime = { type: "string", format: "date-time" };
