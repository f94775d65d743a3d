// The seller's Replies on Me: marketing's answers, unread first, each linking to where it is read in context.
import { Link } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { addressWith } from "~/lib/address";
import { PageLinks } from "~/components/page-links";

type Reply = { id: number; body: string; at: string | Date; author: string | null; read: boolean; about: string; url: string | null };

export function RepliesList({ replies, total, page, pages }: { replies: Reply[]; total: number; page: number; pages: number }) {
  return (
    <>
      <h2 id="replies">Replies</h2>
      {pages > 1 ? <p className="meta">{total.toLocaleString("en")} replies, unread first, then the newest.</p> : null}
      {replies.length ? (
        <ul className="list" aria-labelledby="replies">
          {replies.map((r) => (
            <li key={r.id} className="card">
              {r.url ? (
                <Link to={r.url}>
                  {r.read ? null : <strong>New: </strong>}
                  {r.about}
                </Link>
              ) : (
                <span>
                  {r.read ? null : <strong>New: </strong>}
                  {r.about}
                </span>
              )}
              <p>{r.body}</p>
              <div className="meta">
                {r.author ?? "Marketing"} · {formatDate(r.at)}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="meta">No replies yet. When marketing answers your feedback or a request, it shows up here.</p>
      )}
      <PageLinks
        page={page}
        pages={pages}
        label="Pages of replies"
        prev="← Newer"
        next="Older →"
        href={(p) => `${addressWith("/me", { replies: p > 1 ? p : undefined })}#replies`}
      />
    </>
  );
}
