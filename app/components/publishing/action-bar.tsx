// The item page's workflow buttons in a bar that stays in view (sticky under the top bar), so a
// reviewer need not scroll past every page preview to approve. Moves that need a comment (sending an
// item back) jump to the full workflow form further down instead.
import { Form, Link, useNavigation } from "@remix-run/react";

type Move = { to: string; label: string; needsComment?: boolean };

export function ActionBar({
  item,
  statusText,
  moves,
}: {
  /** `revision`: each move is for the item as shown (lifecycle.server.ts refuses it after a new version). */
  item: { id: string; status: string; revision: number };
  statusText: string;
  moves: Move[];
}) {
  const busy = useNavigation().state === "submitting";
  const { id: itemId, status } = item;
  return (
    <div className="action-bar" role="region" aria-label="Workflow actions">
      <span className={`badge ${status}`}>{statusText}</span>
      {moves.map((m) =>
        m.needsComment ? (
          <a key={m.to} className="button secondary small" href="#workflow-h">
            {m.label}…
          </a>
        ) : (
          <Form key={m.to} method="post">
            <input type="hidden" name="intent" value="transition" />
            <input type="hidden" name="to" value={m.to} />
            <input type="hidden" name="revision" value={item.revision} />
            <button type="submit" className={m.to === "archived" || m.to === "draft" ? "secondary small" : "small"} disabled={busy}>
              {m.label}
            </button>
          </Form>
        ),
      )}
      <Link className="button secondary small" to={`/items/${itemId}/edit`}>
        Edit details
      </Link>
    </div>
  );
}
