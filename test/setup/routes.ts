// A route file's address (Remix v2 flat routes as this app names them): `_app` and `_index` add no
// segment, a trailing `_` opts out of the parent's layout, `[.]` is a literal dot.

/** The address of `file`, each `$param` segment filled by `fill`; null when `fill` gives null for one. */
export function routeAddress(file: string, fill: (param: string) => string | null): string | null {
  const segments = file
    .replace(/\.tsx?$/, "")
    .replace(/\[\.\]/g, "\u0001")
    .split(".")
    .filter((s) => !["_app", "_index"].includes(s))
    .map((s) => s.replace(/\u0001/g, ".").replace(/_$/, ""));
  const filled = segments.map((s) => (s.startsWith("$") ? fill(s) : s));
  return filled.includes(null) ? null : `/${filled.join("/")}`;
}
