// Upload one or many files. Without JavaScript the form posts here as multipart; with it, each file
// goes to the API on its own request so it gets its own progress bar and its own result.
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { MetadataFields } from "~/components/publishing/metadata-fields";
import {
  UploadBar,
  UploadList,
  UploadResultRow,
  type UploadEntry as Entry,
  type UploadResult as Result,
} from "~/components/publishing/upload-status";
import { requireUser } from "~/modules/auth/guard.server";
import { createItemsFromUpload } from "~/modules/library/create-item.server";
import { publishingChoices } from "~/modules/library/tags-audiences.server";
import { requireServices } from "~/modules/library/publisher.server";
import { fieldsObject, receiveUpload } from "~/modules/library/upload.server";
import { ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { formAction } from "~/modules/page-errors.server";

const FILE_TYPES = ITEM_TYPES.filter((t) => !(MESSAGING_TYPES as readonly string[]).includes(t));
const ACCEPT = ".pdf,.pptx,.docx,.xlsx,.png,.jpg,.jpeg,.webp,.gif,.mp4,application/pdf,image/*,video/mp4";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "admin"]);
  return { choices: await publishingChoices(context.app.db), maxUploadMb: context.app.env.MAX_UPLOAD_MB };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const app = context.app;
  const user = await requireUser(app, request, ["marketer", "admin"]);
  return formAction(
    async () => {
      const upload = await receiveUpload(request, requireServices(app).storage, app.env.MAX_UPLOAD_MB);
      try {
        const results = await createItemsFromUpload(app, user, {
          files: upload.files,
          fields: fieldsObject(upload.fields, ["tags", "audiences"]),
        });
        return {
          formError: null,
          fields: {} as Record<string, string>,
          results: results.map((r): Result =>
            r.ok
              ? { filename: r.filename, ok: true, itemId: r.itemId, problem: r.problem }
              : { filename: r.filename, ok: false, message: r.error.message },
          ),
        };
      } finally {
        await upload.cleanup();
      }
    },
    { echo: { results: [] as Result[] }, summary: "Check the highlighted fields." },
  );
}

function uploadOne(file: File, metadata: FormData, onProgress: (fraction: number) => void): Promise<Result> {
  return new Promise((resolve) => {
    const body = new FormData();
    for (const [name, value] of metadata.entries()) if (name !== "file" && typeof value === "string") body.append(name, value);
    body.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/items");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const res = xhr.response as {
        id?: string;
        title?: string;
        type?: string;
        problem?: string | null;
        error?: { message: string };
      } | null;
      if (xhr.status === 201 && res?.id)
        resolve({ filename: file.name, ok: true, itemId: res.id, title: res.title, type: res.type, problem: res.problem ?? null });
      else resolve({ filename: file.name, ok: false, message: res?.error?.message ?? `Upload failed (HTTP ${xhr.status}).` });
    };
    xhr.onerror = () => resolve({ filename: file.name, ok: false, message: "The connection dropped. Try this file again." });
    xhr.send(body);
  });
}

export default function Upload() {
  const { choices, maxUploadMb } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [enhanced, setEnhanced] = useState(false);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [batchKeys, setBatchKeys] = useState<string[]>([]);

  const addFiles = (files: FileList | File[]) => {
    const list = [...files];
    if (list.length === 0) return;
    setEntries((prev) => [
      ...prev.filter((e) => e.state !== "waiting" || !list.some((f) => f.name === e.file.name)),
      ...list.map((file) => ({ key: `${file.name}-${file.size}-${Math.random()}`, file, progress: 0, state: "waiting" as const })),
    ]);
  };
  // Files chosen before the page's scripts ran (a slow phone, a quick hand) are in the input but were never
  // listed: pick them up now, or Upload would find nothing waiting and ignore them.
  useEffect(() => {
    setEnhanced(true);
    if (inputRef.current?.files?.length) addFiles(inputRef.current.files);
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    addFiles(e.dataTransfer.files);
  };

  // One at a time: a phone on a weak connection uploads faster sequentially, and results arrive in order.
  const uploadEntries = async (batch: Entry[], metadata: FormData) => {
    setBusy(true);
    setBatchKeys(batch.map((en) => en.key));
    for (const entry of batch) {
      const update = (patch: Partial<Entry>) => setEntries((prev) => prev.map((x) => (x.key === entry.key ? { ...x, ...patch } : x)));
      update({ state: "uploading", progress: 0, result: undefined });
      const result = await uploadOne(entry.file, metadata, (progress) => update({ progress }));
      update({ state: result.ok ? "done" : "failed", progress: 1, result });
    }
    setBusy(false);
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    if (!enhanced) return;
    e.preventDefault();
    const waiting = entries.filter((en) => en.state === "waiting");
    if (waiting.length === 0) {
      inputRef.current?.focus();
      return;
    }
    await uploadEntries(waiting, new FormData(e.currentTarget));
    if (inputRef.current) inputRef.current.value = "";
  };

  // A file that failed on a flaky link is still in the page: one tap sends it again, with the same details.
  const tryAgain = (entry: Entry) => formRef.current && void uploadEntries([entry], new FormData(formRef.current));

  const results: Result[] = enhanced ? entries.flatMap((e) => (e.result ? [e.result] : [])) : (actionData?.results ?? []);
  return (
    <Form
      ref={formRef}
      method="post"
      encType="multipart/form-data"
      onSubmit={onSubmit}
      aria-describedby={actionData?.formError ? "upload-error" : undefined}
    >
      {actionData?.formError ? (
        <p className="form-error" id="upload-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      <div
        className={dragging ? "dropzone dragging" : "dropzone"}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor="file">Files</label>
        <p className="meta" id="file-help">
          Drop files here or choose them: PDF, PowerPoint, Word, Excel, PNG, JPEG, WebP, GIF or MP4, up to {maxUploadMb} MB each.
        </p>
        <input
          ref={inputRef}
          id="file"
          name="file"
          type="file"
          multiple
          accept={ACCEPT}
          aria-describedby="file-help"
          onChange={(e) => enhanced && addFiles(e.currentTarget.files ?? [])}
        />
      </div>

      <UploadList
        entries={entries}
        busy={busy}
        onRemove={(entry) => setEntries((prev) => prev.filter((x) => x.key !== entry.key))}
        onTryAgain={tryAgain}
      />

      <h2>Details for these files</h2>
      <p className="meta">
        Titles come from each file&apos;s own title, else its name, and a PDF with slide-shaped pages becomes a deck, unless you choose a
        type here. You can change them afterwards.
      </p>
      <MetadataFields choices={choices} values={{}} errors={actionData?.fields} types={FILE_TYPES} showTitle={false} typeOptional />

      <UploadBar batch={entries.filter((en) => batchKeys.includes(en.key))} busy={busy} submitting={submitting} />

      <section aria-live="polite" aria-label="Upload results">
        {results.length ? (
          <ul className="list">
            {results.map((r, i) => (
              <UploadResultRow key={`${r.filename}-${i}`} result={r} />
            ))}
          </ul>
        ) : null}
      </section>
    </Form>
  );
}
