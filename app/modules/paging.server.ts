// A list's address past its last page: the rows a form on the page just removed (archived, approved,
// revoked), a filter that now matches fewer, an old bookmark. Such a page read "Nothing matches these
// filters" under "7,451–7,450 of 120 items", with a pager that only went back.

/**
 * The page of a list asked for, or its last page when that is past it. Not a redirect: after a form on
 * the page the router reloads the same address, and a redirect would drop what the form said ("Archived
 * 3 items. Undo"). Only pages clamp: an API client pages until an empty page, which must stay empty.
 */
type Paged = { page: number; pages: number };

export function pageWithin<T extends Paged>(load: (page?: number) => Promise<T>): Promise<T>;
/** For a page whose list is one part of what it loads (the insights' items table). */
export function pageWithin<T>(load: (page?: number) => Promise<T>, list: (loaded: T) => Paged): Promise<T>;
export async function pageWithin<T>(load: (page?: number) => Promise<T>, list = (loaded: T) => loaded as Paged): Promise<T> {
  const asked = await load();
  const { page, pages } = list(asked);
  return page > pages ? load(pages) : asked;
}
