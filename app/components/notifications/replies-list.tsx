// The seller's Replies on Me: marketing's answers, unread first, each linking to where it is read in context.
import { Link } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";

type Reply = { id: number; body: string; at: string | Date; author: string | null; read: boolean; about: string; url: string | null };

export function RepliesList({ replies }: { replies: Reply[] }) {
  return (
    <>
      <h2 id="replies">Replies</h2>
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
    </>
  );
}
