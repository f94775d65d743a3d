// How figures read in the interface, one way everywhere. Browser-safe: no server imports.

/** A file size as people read it: "2.4 MB", "380 kB" (at least 1 kB); empty when unknown. */
export const formatSize = (bytes: number | null): string =>
  bytes === null ? "" : bytes > 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
