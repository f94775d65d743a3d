import { apiJson } from "~/modules/api.server";
import { openApiDocument } from "~/modules/openapi.server";

export const loader = () => apiJson(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
