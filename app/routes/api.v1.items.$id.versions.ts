// POST /api/v1/items/:id/versions (multipart: `file` + `changelog`): a new version of a file item.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { itemJson, loadItemDetail } from "~/modules/library/item-detail.server";
import { requireServices } from "~/modules/library/publisher.server";
import { fieldsObject, receiveUpload } from "~/modules/library/upload.server";
import { addVersion } from "~/modules/library/versions.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to upload a new version.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to upload a new version.");
  const app = context.app;
  const { user } = await requireApiUser(app, request, ["marketer", "admin"]);
  const upload = await receiveUpload(request, requireServices(app).storage, app.env.MAX_UPLOAD_MB);
  try {
    await addVersion(app, user, params.id ?? "", { files: upload.files, fields: fieldsObject(upload.fields, []) });
  } finally {
    await upload.cleanup();
  }
  return apiJson(itemJson(await loadItemDetail(app.db, user, params.id ?? "")), { status: 201 });
});
