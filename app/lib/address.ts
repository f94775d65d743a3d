// A list page's address from its filters: the parameters with a value, in order, after the path
// (`undefined` or "" drops one). Every filtered list builds its page, sort and "clear" links with it.
type Params = Record<string, string | number | undefined>;

export function addressWith(path: string, ...parts: Params[]): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(Object.assign({}, ...parts) as Params)) if (v !== undefined && v !== "") params.set(k, String(v));
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
