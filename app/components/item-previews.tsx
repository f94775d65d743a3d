// The item page's previews: paint at once (tiny placeholder, then responsive WebP), open at ?page=n or
// #page-n, and look again every few seconds while pages are still being made.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { loadItemPage } from "~/modules/library/item-page.server";

type Preview = { n: number; widths: { width: number; height: number }[] };
/** What the previews need of the current version (the item page's loader gives more). */
type Version = Pick<
  NonNullable<Awaited<ReturnType<typeof loadItemPage>>["current"]>,
  "previewStatus" | "previewProblem" | "pageCount" | "placeholder"
> & {
  previews: Preview[];
};

export function Previews({
  itemId,
  title,
  version,
  requestedPage,
}: {
  itemId: string;
  title: string;
  version: Version;
  requestedPage: number | null;
}) {
  const revalidator = useRevalidator();
  const listRef = useRef<HTMLOListElement>(null);
  const pending = version.previewStatus === "pending";

  // While pages are still being rendered, look again every few seconds (bounded).
  useEffect(() => {
    if (!pending) return;
    let tries = 0;
    const timer = setInterval(() => {
      if (++tries > 60) return clearInterval(timer);
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2500);
    return () => clearInterval(timer);
  }, [pending, revalidator]);

  // Open at a page: ?page=n from search results, or #page-n from a shared link.
  useEffect(() => {
    const fromHash = Number(window.location.hash.match(/^#page-(\d+)$/)?.[1]);
    const target = requestedPage ?? (fromHash || null);
    if (target) listRef.current?.querySelector(`#page-${target}`)?.scrollIntoView({ block: "start" });
  }, [requestedPage, version.previews.length]);

  const base = `/api/v1/items/${itemId}/previews`;
  const total = version.pageCount ?? version.previews.length;
  return (
    <section aria-label="Preview" className="previews">
      {version.previewStatus === "failed" ? (
        <p className="meta">
          Preview unavailable{version.previewProblem ? `: ${version.previewProblem}` : " for this file."} Open or download the original
          instead.
        </p>
      ) : null}
      {pending ? (
        <p className="meta" aria-live="polite">
          Preparing previews… {version.previews.length ? `${version.previews.length} of ${total} ready.` : ""}
        </p>
      ) : null}
      {version.previews.length > 1 ? (
        <nav aria-label="Pages" className="page-jump">
          {version.previews.map((p) => (
            <a key={p.n} href={`#page-${p.n}`}>
              {p.n}
            </a>
          ))}
        </nav>
      ) : null}
      <ol ref={listRef} className="preview-list">
        {version.previews.map((p, index) => {
          const largest = p.widths[p.widths.length - 1];
          const label = p.n === 0 ? title : `Page ${p.n} of ${total}`;
          return (
            <li key={p.n} id={p.n === 0 ? "image" : `page-${p.n}`} aria-current={requestedPage === p.n ? "page" : undefined}>
              <img
                src={`${base}/${p.n}?w=640`}
                srcSet={p.widths.map((w) => `${base}/${p.n}?w=${w.width} ${w.width}w`).join(", ")}
                sizes="(min-width: 900px) 760px, 100vw"
                width={largest?.width}
                height={largest?.height}
                alt={label}
                loading={index < 2 ? "eager" : "lazy"}
                decoding="async"
                style={version.placeholder && index === 0 ? { backgroundImage: `url(${version.placeholder})` } : undefined}
                className="preview-img"
              />
              {p.n > 0 ? <span className="meta page-no">Page {p.n}</span> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
