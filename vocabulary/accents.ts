// Accent folding for search, one way for every searcher that folds in code: the Postgres engine's
// query words, lexicon and synonyms (search/), and the phone's offline search (app/offline/search.ts).
// Browser-safe: no server imports.

/**
 * Letters NFD does not split into a plain letter and marks, folded as PostgreSQL's `unaccent` folds them:
 * the ones European words use, and "ё", the one Cyrillic letter it folds.
 */
const LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "TH",
  ı: "i",
  ħ: "h",
  Ħ: "H",
  ё: "е",
  Ё: "Е",
};
/** A letter `unaccent` calls plain (ASCII, or of the Greek alphabet) with accents on it, after NFD. */
const PLAIN_WITH_ACCENTS = /^[A-Za-z\u0391-\u03a9\u03b1-\u03c9][\u0300-\u036f]+$/;
/** What may fold, each tested by `fold`: an ASCII letter with marks, or a character from Latin-1 to Greek Extended with any marks after it. */
const FOLDABLE = /[A-Za-z][\u0300-\u036f]+|[\u00c0-\u1fff][\u0300-\u036f]*/g;

const fold = (letter: string): string => {
  const decomposed = letter.normalize("NFD");
  return PLAIN_WITH_ACCENTS.test(decomposed) ? decomposed[0] : (LETTERS[letter] ?? letter);
};

/**
 * "Résumé" → "Resume", "São Paulo" → "Sao Paulo", "Łódź" → "Lodz", "Τιμοκατάλογος" → "Τιμοκαταλογος",
 * "Ёлка" → "Елка": what the Postgres engine's text search configuration (`english_unaccent`, migration
 * 0017) makes of the same words, so words folded here meet the words it indexed. Case is kept.
 * NOTE: never fold further than `unaccent` (test/contract/search-accents.test.ts checks every letter):
 * a letter folded here but not in the vectors makes every query word that has it miss. So accents go
 * only from plain letters: not from Cyrillic "й" or "ї", letters of their own, nor the vowel signs that
 * Hindi and Thai write as marks within their words (search/query.ts keeps them): "बिक्री" without
 * them would be "बकर", a word no vector holds.
 */
export function foldAccents(text: string): string {
  // Most text is ASCII: nothing to fold.
  return /[^\u0000-\u007f]/.test(text) ? text.replace(FOLDABLE, fold) : text;
}
