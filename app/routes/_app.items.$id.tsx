// The item page: previews that paint at once (tiny placeholder, then responsive WebP), open-at-page
// with ?page=n or #page-n, download, messaging as sanitised HTML; for marketers also the workflow
// buttons, versions (with a new-version upload) and the history.
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { type ClientLoaderFunctionArgs, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { NotSavedCard, type OfflineItem } from "~/components/offline/not-saved-card";
import { ExpiredNote } from "~/components/offline/expired-note";
import { SaveForOffline } from "~/components/offline/save-for-offline";
import { useDeviceExpiry } from "~/components/offline/use-device-expiry";
import { useNow } from "~/components/offline/use-now";
import { ActionBar } from "~/components/publishing/action-bar";
import { LinkedVideo, UploadedVideo } from "~/components/video-player";
import { Previews } from "~/components/item-previews";
import { ItemFeedback } from "~/components/feedback/item-feedback";
import { readSessionToken, requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { TransitionInput, allowedMoves, transitionItem } from "~/modules/library/lifecycle.server";
import { loadItemPage } from "~/modules/library/item-page.server";
import { requireServices } from "~/modules/library/publisher.server";
import { fieldsObject, isMultipart, receiveUpload } from "~/modules/library/upload.server";
import { addVersion } from "~/modules/library/versions.server";
import { STATUS_LABEL, TYPE_LABEL } from "@/vocabulary/library";
import { formAction } from "~/modules/page-errors.server";
import { AppError } from "~/modules/errors.server";
import { formatSize } from "@/vocabulary/format";
import { expiredOn } from "~/offline/catalog-views";
import { isOfflineFailure } from "~/offline/fallback";
import { pendingSaves } from "~/offline/pending-saves";
import { formatDate, formatDateTime } from "@/vocabulary/dates";
import { LONG_FORM_MAX_BYTES, readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = ({ data }) => {
  const d = data as { item?: { title: string }; offlineItem?: OfflineItem } | undefined;
  return [{ title: `${d?.item?.title ?? d?.offlineItem?.entry?.title ?? "Item"} · Fieldkit` }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = await readSessionToken(context.app, request);
  // NOTE: not awaited here: the page's one statement goes out beside the session look-up (decision 022).
  const viewer = requireUser(context.app, request);
  return pageData(async () => {
    const shown = new URL(request.url).searchParams;
    const page = await loadItemPage(context.app.db, viewer, params.id ?? "", token, {
      allVersions: shown.get("versions") === "all",
      allHistory: shown.get("history") === "all",
    });
    const user = await viewer;
    const moves = page.desk
      ? await allowedMoves(context.app.db, user, {
          id: page.item.id,
          status: page.item.status,
          ownerId: page.item.owner?.id ?? null,
          problem: page.item.problem,
        })
      : [];
    // Stored by the worker, this page is answered offline later: the device compares it with its catalog.
    return { ...page, moves, renderedAt: new Date().toISOString() };
  });
}

// A saved item answers from the saved cache (service worker), as it was when stored: the device says whether
// it has expired since (useDeviceExpiry). One that is not saved shows what the catalog knows instead of an error page.
export async function clientLoader({ params, serverLoader }: ClientLoaderFunctionArgs) {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (!isOfflineFailure(error)) throw error;
    const id = (params.id ?? "").toLowerCase();
    const { offlineDb } = await import("~/offline/runtime");
    const db = await offlineDb();
    const offlineItem: OfflineItem = { id, entry: (await db.get("catalog", id)) ?? null, marked: (await pendingSaves(db)).includes(id) };
    return { offlineItem };
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const app = context.app;
  const user = await requireUser(app, request);
  const id = params.id ?? "";
  return formAction(async () => {
    if (isMultipart(request)) {
      const upload = await receiveUpload(request, requireServices(app).storage, app.env.MAX_UPLOAD_MB);
      try {
        const { number } = await addVersion(app, user, id, { files: upload.files, fields: fieldsObject(upload.fields, []) });
        return redirect(`/items/${id}?notice=${encodeURIComponent(`Version ${number} uploaded. Previews are being prepared.`)}`);
      } finally {
        await upload.cleanup();
      }
    }
    const form = await readForm(request, LONG_FORM_MAX_BYTES);
    if (form.get("intent") !== "transition") throw new AppError("bad_request", "Unknown action.");
    const publishAt = String(form.get("publishAt") ?? "");
    const input = TransitionInput.parse({
      to: form.get("to"),
      comment: form.get("comment") ?? undefined,
      revision: form.get("revision") ?? undefined,
      // datetime-local has no zone; the browser sends its offset alongside.
      publishAt: publishAt ? `${publishAt}${String(form.get("tz") ?? "Z")}` : undefined,
    });
    const result = await transitionItem(app, user, id, input);
    const notice = result.publishAt
      ? `Approved. It will be published ${formatDateTime(result.publishAt)}.`
      : `Moved to ${result.status.replace("_", " ")}.`;
    return redirect(`/items/${id}?notice=${encodeURIComponent(notice)}`);
  });
}

const day = (d: string | Date | null | undefined) => (d ? formatDate(d) : null);

export default function ItemPage() {
  const d = useLoaderData<typeof clientLoader>();
  return "offlineItem" in d ? <NotSavedCard item={d.offlineItem} /> : <ItemView />;
}

function ItemView() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { item, current } = d;
  const notice = params.get("notice");
  const base = `/api/v1/items/${item.id}`;
  const requestedPage = Number(params.get("page")) || null;
  // Expired on this device's clock, also when it passes with the page open: shown, but not for use with buyers.
  const deviceExpiresAt = useDeviceExpiry(item.id, { expiresAt: item.expiresAt, renderedAt: d.renderedAt });
  const now = useNow([deviceExpiresAt]);
  const expired = expiredOn(deviceExpiresAt, now);

  return (
    <article className="item-page">
      <p className="meta">
        {TYPE_LABEL[item.type] ?? item.type}
        {d.desk ? (
          <>
            {" · "}
            <span className={`badge ${item.status}`}>{STATUS_LABEL[item.status]}</span>
          </>
        ) : null}
      </p>
      <h1>{item.title}</h1>
      {expired ? <ExpiredNote on={expired} /> : null}
      {d.desk ? <ActionBar item={item} statusText={STATUS_LABEL[item.status]} moves={d.moves} /> : null}
      {item.summary ? <p className="lead">{item.summary}</p> : null}
      {/* Offline field kit: save for offline + share (app/components/offline). */}
      {item.status === "published" ? (
        <SaveForOffline item={{ id: item.id, title: item.title }} shareable={!item.notForBuyers} expired={!!expired} />
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      {d.desk && item.problem ? (
        <p className="form-error" role="alert">
          <strong>Needs attention:</strong> {item.problem} Upload a new version to fix it.
        </p>
      ) : null}
      {d.desk && item.status === "in_review" && item.publishAt ? (
        <p className="notice">Approved; publishes {formatDateTime(item.publishAt)}.</p>
      ) : null}

      {d.html ? <section className="card prose" aria-label="Message" dangerouslySetInnerHTML={{ __html: d.html }} /> : null}

      {item.videoUrl ? <LinkedVideo link={item.videoUrl} title={item.title} /> : null}
      {current?.filename && current.mime?.startsWith("video/") ? (
        <UploadedVideo src={`${base}/file`} mime={current.mime} title={item.title} />
      ) : null}

      {current?.filename && (!expired || d.desk) ? (
        <p className="row actions">
          <a className="button" href={`${base}/file`} target="_blank" rel="noopener">
            Open {current.mime === "application/pdf" ? "PDF" : "file"}
          </a>
          <a className="button secondary" href={`${base}/file?download=1`} download={current.filename}>
            Download ({formatSize(current.size)})
          </a>
        </p>
      ) : null}

      {current ? <Previews itemId={item.id} title={item.title} version={current} requestedPage={requestedPage} /> : null}

      <dl className="facts">
        {d.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>
              {d.tags.map((t) => (
                <span key={t.id} className="badge tag">
                  {t.label}
                </span>
              ))}
            </dd>
          </>
        ) : null}
        {item.owner ? (
          <>
            <dt>Owner</dt>
            <dd>{item.owner.name}</dd>
          </>
        ) : null}
        {current ? (
          <>
            <dt>Version</dt>
            <dd>
              {current.number} · {day(current.createdAt)}
              {current.pageCount && current.pageCount > 1 ? ` · ${current.pageCount} pages` : ""}
            </dd>
          </>
        ) : null}
        {item.expiresAt ? (
          <>
            <dt>Expires</dt>
            <dd>{day(item.expiresAt)}</dd>
          </>
        ) : null}
        {item.verifiedAt ? (
          <>
            <dt>Last verified</dt>
            <dd>{day(item.verifiedAt)}</dd>
          </>
        ) : null}
        {d.desk ? (
          <>
            <dt>Audience</dt>
            <dd>{d.audiences.length ? d.audiences.map((a) => a.name).join(", ") : "Everyone"}</dd>
          </>
        ) : null}
      </dl>

      {/* Feedback loop: "Was this useful?" (app/components/feedback). */}
      {d.feedback ? <ItemFeedback feedback={d.feedback} /> : null}
      {d.desk ? <DeskPanel /> : null}
    </article>
  );
}

function DeskPanel() {
  const d = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  // The address with one more list shown whole, keeping the other's choice.
  const showAll = (list: "versions" | "history") => {
    const next = new URLSearchParams(params);
    next.set(list, "all");
    return next.toString();
  };
  const { item } = d;
  // Messaging is edited in place (each saved edit is a version); files come as new uploads.
  const withFiles = Boolean(d.current?.filename || d.versions.some((v) => v.filename));
  return (
    <>
      <section aria-labelledby="workflow-h" className="card">
        <h2 id="workflow-h">Workflow</h2>
        <p className="row">
          <Link className="button secondary" to={`/items/${item.id}/edit`}>
            Edit details
          </Link>
        </p>
        {d.moves.length === 0 ? <p className="meta">No status change is open to you right now.</p> : null}
        {d.moves.map((m) => (
          <Form key={m.to} method="post" className="move">
            <input type="hidden" name="intent" value="transition" />
            <input type="hidden" name="to" value={m.to} />
            <input type="hidden" name="revision" value={item.revision} />
            {m.to === "published" ? (
              <>
                <label htmlFor="publishAt">Publish at (optional, leave empty for now)</label>
                <input id="publishAt" name="publishAt" type="datetime-local" />
                <TimezoneField />
              </>
            ) : null}
            {m.needsComment || m.to === "published" ? (
              <>
                <label htmlFor={`comment-${m.to}`}>{m.needsComment ? "What needs to change?" : "Comment (optional)"}</label>
                <textarea id={`comment-${m.to}`} name="comment" rows={2} required={m.needsComment} maxLength={2000} />
              </>
            ) : null}
            <button type="submit" className={m.to === "archived" ? "secondary" : undefined} disabled={busy}>
              {m.label}
            </button>
          </Form>
        ))}
      </section>

      {d.versions.length ? (
        <section aria-labelledby="versions-h">
          <h2 id="versions-h">Versions</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Changes</th>
                  {withFiles ? <th scope="col">File</th> : null}
                </tr>
              </thead>
              <tbody>
                {d.versions.map((v, i) => (
                  <tr key={v.id}>
                    <td>
                      {v.number}
                      {i === 0 ? " (current)" : ""}
                      <div className="meta">{day(v.createdAt)}</div>
                    </td>
                    <td>{v.changelog}</td>
                    {withFiles ? (
                      <td>
                        {v.filename ? (
                          <a href={`/api/v1/items/${item.id}/file?download=1${i === 0 ? "" : `&version=${v.number}`}`}>{v.filename}</a>
                        ) : (
                          "—"
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.more.versions > 0 ? (
            <p>
              <Link to={`?${showAll("versions")}#versions-h`} preventScrollReset>
                Show all {d.versions.length + d.more.versions} versions
              </Link>
            </p>
          ) : null}
          {withFiles ? (
            <Form method="post" encType="multipart/form-data" className="card">
              <h3>Upload a new version</h3>
              <label htmlFor="new-version">File</label>
              <input id="new-version" name="file" type="file" required />
              <label htmlFor="changelog">What changed?</label>
              <input id="changelog" name="changelog" required maxLength={2000} />
              <p>
                <button type="submit" disabled={busy}>
                  Upload version
                </button>
              </p>
            </Form>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <ol className="history">
          {d.history.map((h) => (
            <li key={h.id}>
              <strong>{STATUS_LABEL[h.to] ?? h.to}</strong>
              {h.from ? ` from ${STATUS_LABEL[h.from] ?? h.from}` : ""} · {h.actor ?? "Fieldkit"} · {day(h.at)}
              {h.comment ? <div className="meta">“{h.comment}”</div> : null}
            </li>
          ))}
        </ol>
        {d.more.history > 0 ? (
          <p>
            <Link to={`?${showAll("history")}#history-h`} preventScrollReset>
              Show all {d.history.length + d.more.history} moves
            </Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

/** The browser's UTC offset, so a scheduled time means what the marketer meant. */
function TimezoneField() {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const minutes = -new Date().getTimezoneOffset();
    const sign = minutes >= 0 ? "+" : "-";
    const abs = Math.abs(minutes);
    if (ref.current) ref.current.value = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  }, []);
  return <input ref={ref} type="hidden" name="tz" defaultValue="Z" />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
