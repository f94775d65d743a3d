// A share's items on its page, each with what the buyer read of it: those on the link, each of which can be
// taken off while the link is open (never the last one), and those taken off, which can be put back. Every
// button is a plain form post, so it works before the page's scripts have run.
import { Form } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";

type Item = { position: number; id: string; title: string };
type OnLink = Item & { available: boolean };
type Read = { position: number; ms: number; pages: { page: number; ms: number }[] };

const seconds = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

function readText(read: Read | undefined) {
  if (!read) return "not read yet";
  const pages = read.pages.filter((p) => p.ms > 0).map((p) => (p.page === 0 ? seconds(p.ms) : `p${p.page} ${seconds(p.ms)}`));
  return [seconds(read.ms), pages.join(", ")].filter(Boolean).join(" · ");
}

/** One button that posts its hidden fields to the share's page: Take off, Put back, and Add to this link. */
export function ItemButton({ fields, label, text, busy }: { fields: Record<string, string>; label: string; text: string; busy: boolean }) {
  return (
    <Form method="post" preventScrollReset>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className="secondary" disabled={busy} aria-label={label}>
        {text}
      </button>
    </Form>
  );
}

export function ShareItems({
  items,
  removedItems,
  reads,
  open,
  canPutBack,
  busy,
}: {
  items: OnLink[];
  removedItems: (Item & { removedAt: string | Date })[];
  reads: Read[];
  /** The link is open: its items can change. */
  open: boolean;
  /** There is room on the link for one more. */
  canPutBack: boolean;
  busy: boolean;
}) {
  const readOf = (position: number) => reads.find((r) => r.position === position);
  return (
    <>
      <ol className="share-items">
        {items.map((item) => (
          <li key={item.position}>
            <span>
              <strong>{item.title}</strong>
              <span className="meta">
                {" "}
                · {readText(readOf(item.position))}
                {/* Marketing's change reaches live links: the buyer's page shows "No longer available". */}
                {item.available ? null : " · no longer shown to the buyer: marked internal, expired or withdrawn"}
              </span>
            </span>
            {open && items.length > 1 ? (
              <ItemButton
                fields={{ intent: "remove", position: String(item.position) }}
                label={`Take off “${item.title}”`}
                text="Take off"
                busy={busy}
              />
            ) : null}
          </li>
        ))}
      </ol>
      {removedItems.length ? (
        <>
          <h3 className="share-removed-h">Taken off the link</h3>
          <ul className="share-items share-removed">
            {removedItems.map((item) => (
              <li key={item.position}>
                <span>
                  {item.title}
                  <span className="meta">
                    {" "}
                    · off since {formatDate(item.removedAt)} · {readText(readOf(item.position))}
                  </span>
                </span>
                {open && canPutBack ? (
                  <ItemButton fields={{ intent: "add", item: item.id }} label={`Put back “${item.title}”`} text="Put back" busy={busy} />
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
