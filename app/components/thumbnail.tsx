// A card's thumbnail: the item's page-1 preview (or the image itself), or an icon of its type for
// messaging and anything without a preview. Always 64×64 in the layout, so nothing shifts when it loads.
import { thumbnailUrl } from "~/offline/catalog-views";

const MESSAGING_ICON: Record<string, string> = {
  talk_track: "M4 5h16v10H8l-4 4z",
  battle_card: "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z",
  objection_handling: "M4 5h16v10H8l-4 4zM9 9h6M9 12h4",
  definition: "M5 4h11a3 3 0 0 1 3 3v13H8a3 3 0 0 1-3-3zM5 17a3 3 0 0 1 3-3h11",
  email_template: "M3 6h18v12H3zM3 6l9 7 9-7",
};
const FILE_ICON: Record<string, string> = {
  video: "M4 6h11v12H4zM15 10l5-3v10l-5-3",
  spreadsheet: "M4 4h16v16H4zM4 10h16M4 15h16M10 4v16",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4",
};
const DOCUMENT_ICON = "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6";

export const THUMB_SIZE = 64;

export function Thumbnail({ id, type, thumb }: { id: string; type: string; thumb?: number | null }) {
  if (thumb !== undefined && thumb !== null) {
    return (
      <img
        className="thumb"
        src={thumbnailUrl(id, thumb)}
        width={THUMB_SIZE}
        height={THUMB_SIZE}
        loading="lazy"
        decoding="async"
        // The title beside it names the item; the picture adds nothing a screen reader needs.
        alt=""
      />
    );
  }
  const d = MESSAGING_ICON[type] ?? FILE_ICON[type] ?? DOCUMENT_ICON;
  return (
    <span className={`thumb thumb-icon type-${type}`} aria-hidden="true">
      <svg
        viewBox="0 0 24 24"
        width="28"
        height="28"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d={d} />
      </svg>
    </span>
  );
}
