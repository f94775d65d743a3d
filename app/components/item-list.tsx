import { Link } from "@remix-run/react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { Thumbnail } from "./thumbnail";

export type ItemListEntry = { id: string; type: string; title: string; summary: string; status?: string; thumb?: number | null };

/** `compact`: one short row per item (a smaller picture, no summary), for a list above the main one. */
export function ItemList({
  items,
  showStatus = false,
  compact = false,
}: {
  items: ItemListEntry[];
  showStatus?: boolean;
  compact?: boolean;
}) {
  return (
    <ul className={compact ? "list compact" : "list"}>
      {items.map((item) => (
        <li key={item.id}>
          <Link className="item-row" to={`/items/${item.id}`} prefetch="intent">
            <Thumbnail id={item.id} type={item.type} thumb={item.thumb} />
            <div>
              <div>
                <strong>{item.title}</strong>
              </div>
              <div className="meta">
                {TYPE_LABEL[item.type] ?? item.type}
                {showStatus && item.status ? (
                  <>
                    {" · "}
                    <span className={`badge ${item.status}`}>{item.status.replace("_", " ")}</span>
                  </>
                ) : null}
              </div>
              {item.summary && !compact ? <div className="meta">{item.summary}</div> : null}
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}
