// How deep a list's page links go. Browser-safe: the pager shows it and the server parses `?page=` by it.

/** The last page a list's address may ask for: deeper than this is a search's or a filter's job. */
export const MAX_LIST_PAGE = 1000;
