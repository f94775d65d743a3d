// Unknown API paths answer in the API's error shape, not with an HTML page.
import { apiError } from "~/modules/api.server";

const notFound = () => apiError(404, "not_found", "No such API endpoint. See /api/v1/openapi.json.");
export const loader = notFound;
export const action = notFound;
