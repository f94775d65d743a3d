// Defaults an upload takes from its file: a title (the file's own, else its name) and whether a PDF is
// a slide deck (by page shape). Pure functions: the worker reads the file, these only judge the values.

/** Words kept lower case inside a title-cased name ("Guide to the Platform"), never first. */
const SMALL_WORDS = new Set(["a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "via", "with"]);

function capitalise(word: string, first: boolean): string {
  const lower = word.toLowerCase();
  if (!first && SMALL_WORDS.has(lower)) return lower;
  // Already mixed or upper case ("iPhone", "ACME", "Q3") was written that way on purpose.
  if (word !== lower) return word;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A title from a filename: no extension, `-`/`_`/`.` separators as spaces, words title-cased. */
export function titleFromFilename(name: string): string {
  const stem = name.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  const words = stem
    .replace(/[_\-.+]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const title = words.map((w, i) => capitalise(w, i === 0)).join(" ");
  return title || "Untitled";
}

/** Titles authoring tools write on their own, which say nothing about the document. */
const PLACEHOLDER_TITLES =
  /^(untitled|untitled document|untitled presentation|document\d*|presentation\d*|slide \d+|title|no title|powerpoint presentation|microsoft word document|\(anonymous\)|none|null|-+)$/i;
/** "Microsoft Word - pricing.docx", "Microsoft PowerPoint - deck.pptx": a printer driver's name for the file. */
const PRINT_DRIVER = /^microsoft\s+(word|powerpoint|excel|office)\b/i;
const PATH_LIKE = /^[a-z]:[\\/]|^\\\\|^\/|^~\/|^file:|[\\/][^\\/\s]+\.[a-z0-9]{2,5}$/i;
const FILE_NAME_LIKE = /^[^\s]+\.(pdf|docx?|pptx?|xlsx?|indd|key|pages|txt|rtf|odt|odp)$/i;

/**
 * A document's own title (PDF Info Title, Office core title) when it names the document, else null:
 * not an authoring tool's placeholder, not a path or file name, not a printer driver's label.
 */
export function cleanDocumentTitle(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  const title = raw
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f\ufeff\ufffd]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (title.length < 2 || title.length > 200) return null;
  if (!/\p{L}/u.test(title)) return null;
  if (PLACEHOLDER_TITLES.test(title) || PRINT_DRIVER.test(title) || PATH_LIKE.test(title) || FILE_NAME_LIKE.test(title)) return null;
  return title;
}

export type PageSize = { width: number; height: number };

/** Screen shapes slides are made in: 16:9, 16:10 and 4:3. */
const SLIDE_RATIOS = [16 / 9, 16 / 10, 4 / 3];
// Tight enough that landscape Letter (1.29) is not taken for 4:3 (1.33).
const RATIO_TOLERANCE = 0.02;

/**
 * A PDF is a deck when its pages (the first few suffice: appendices may differ) are landscape in a
 * slide shape. A landscape A4 or Letter page (≈1.41, 1.29) is a document turned sideways, not a slide.
 */
export function looksLikeDeck(pages: PageSize[]): boolean {
  if (pages.length === 0) return false;
  return pages.every(({ width, height }) => {
    if (!(width > 0 && height > 0) || width <= height) return false;
    const ratio = width / height;
    return SLIDE_RATIOS.some((r) => Math.abs(ratio - r) / r <= RATIO_TOLERANCE);
  });
}
