// Sharing a saved item in airplane mode: the link's token is made on the device, so the seller can copy
// it at once; the offline outbox creates the share when the phone is back online (exactly once: the
// server dedupes by the share's client id). A refusal shows up on the Saved tab.
import { useState } from "react";

const runtime = () => import("~/offline/runtime");

/** `items`: one from an item page, or a set picked in the Saved tab's "Select" mode (already open then). */
export function OfflineShare({ items, initiallyOpen = false }: { items: { id: string; title: string }[]; initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const subject = items.map((i) => i.title).join(", ");
  const [link, setLink] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const submit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const offline = await runtime();
    let url: string | null;
    try {
      url = await offline.recordShare({
        itemIds: items.map((i) => i.id),
        recipientName: String(form.get("recipientName") ?? ""),
        recipientEmail: String(form.get("recipientEmail") ?? ""),
        allowDownload: form.get("allowDownload") === "on",
      });
    } catch (error) {
      // Expired while the phone was offline: the server would refuse the link the buyer already has.
      setStatus(error instanceof offline.ShareError ? `${error.message} Nothing was shared.` : "Couldn't make the link. Try again.");
      return;
    }
    if (url) setLink(url);
    else setStatus("Sign in again to share.");
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link!);
      setStatus("Link copied.");
    } catch {
      setStatus("Couldn't copy: select the link and copy it.");
    }
  };

  if (!open) {
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Share with a buyer
      </button>
    );
  }
  return (
    <section className="card share-form offline-share" aria-label="Share with a buyer (offline)">
      {link ? (
        <>
          <p role="status">Link ready. It goes live as soon as you're back online.</p>
          <label htmlFor="offline-share-url">Link for the buyer</label>
          <input id="offline-share-url" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
          <p className="row">
            <button type="button" onClick={copy}>
              Copy link
            </button>
            <a
              className="button secondary"
              href={`mailto:?${new URLSearchParams({ subject, body: `${subject}\n\n${link}` }).toString().replace(/\+/g, "%20")}`}
            >
              Open in email
            </a>
          </p>
        </>
      ) : (
        <form onSubmit={submit}>
          {items.length > 1 ? <p>{subject}</p> : null}
          <p className="meta">You're offline. The link works once your phone is back online; it stays open 30 days.</p>
          <label htmlFor="offline-share-name">Recipient's name (optional)</label>
          <input id="offline-share-name" name="recipientName" maxLength={200} />
          <label htmlFor="offline-share-email">Recipient's email (optional)</label>
          <input id="offline-share-email" name="recipientEmail" type="email" maxLength={254} />
          <p className="check">
            <input type="checkbox" id="offline-share-dl" name="allowDownload" />
            <label htmlFor="offline-share-dl">Allow downloads</label>
          </p>
          <p>
            <button type="submit">Create link</button>
          </p>
        </form>
      )}
      {status ? (
        <p className="meta" role="status">
          {status}
        </p>
      ) : null}
    </section>
  );
}
