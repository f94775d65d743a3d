// Offering a share's link: the system share sheet (Web Share API) where there is one, copy, and an
// email draft. The link is also in a read-only field, so it can be copied by hand without JavaScript.
import { useEffect, useState } from "react";

export function ShareLink({ url, title, recipientEmail }: { url: string; title: string; recipientEmail: string | null }) {
  const [canShare, setCanShare] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => setCanShare(typeof navigator.share === "function"), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setStatus("Link copied.");
    } catch {
      setStatus("Couldn't copy: select the link above and copy it.");
    }
  };
  const share = async () => {
    try {
      await navigator.share({ title, url });
    } catch {
      // The seller closed the share sheet: nothing to report.
    }
  };
  const mailto = `mailto:${recipientEmail ?? ""}?${new URLSearchParams({ subject: title, body: `${title}\n\n${url}` }).toString().replace(/\+/g, "%20")}`;
  return (
    <div className="share-link">
      <label htmlFor="share-url">Link for the buyer</label>
      <input id="share-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      <p className="row">
        {canShare ? (
          <button type="button" onClick={share}>
            Share…
          </button>
        ) : null}
        <button type="button" className={canShare ? "secondary" : undefined} onClick={copy}>
          Copy link
        </button>
        <a className="button secondary" href={mailto}>
          Open in email
        </a>
      </p>
      {status ? (
        <p className="meta" role="status">
          {status}
        </p>
      ) : null}
    </div>
  );
}
