// POST /api/v1/items: create drafts from uploaded files (multipart, one item per file) or, as JSON,
// a messaging item (Markdown) or a video link.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { CreateTextInput } from "~/modules/library/publishing-input.server";
import { createItemsFromUpload, createTextItem } from "~/modules/library/create-item.server";
import { itemJson, loadItemDetail } from "~/modules/library/item-detail.server";
import { requireServices } from "~/modules/library/publisher.server";
import { fieldsObject, isMultipart, receiveUpload } from "~/modules/library/upload.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to create an item; GET /api/v1/search to find items.");

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to create an item.");
  const app = context.app;
  const { user } = await requireApiUser(app, request, ["marketer", "admin"]);
  if (!isMultipart(request)) {
    const input = CreateTextInput.parse(await readJson(request));
    const id = await createTextItem(app, user, input);
    return apiJson(itemJson(await loadItemDetail(app.db, user, id)), { status: 201 });
  }
  const upload = await receiveUpload(request, requireServices(app).storage, app.env.MAX_UPLOAD_MB);
  try {
    const results = await createItemsFromUpload(app, user, {
      files: upload.files,
      fields: fieldsObject(upload.fields, ["tags", "audiences"]),
    });
    const created = [];
    for (const r of results) if (r.ok) created.push(itemJson(await loadItemDetail(app.db, user, r.itemId)));
    const failed = results.flatMap((r) =>
      r.ok ? [] : [{ filename: r.filename, error: { code: r.error.code, message: r.error.message } }],
    );
    if (results.length === 1) {
      const [only] = results;
      if (!only.ok) throw only.error;
      return apiJson(created[0], { status: 201 });
    }
    if (created.length === 0) {
      const first = results.find((r) => !r.ok)!;
      if (!first.ok)
        return apiJson({ error: { code: first.error.code, message: first.error.message }, failed }, { status: first.error.status });
    }
    return apiJson({ items: created, failed }, { status: 201 });
  } finally {
    await upload.cleanup();
  }
});
