// Video links marketers paste (YouTube, Vimeo) as embeddable player URLs. Only these two hosts are allowed
// as frames by the CSP (server/http.ts, decision 006); YouTube's privacy-enhanced host sets no cookies
// until the seller presses play. Anything else stays a plain link.

export const EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"] as const;

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;

export function embedUrlFor(link: string): { src: string; provider: "YouTube" | "Vimeo" } | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const host = url.hostname.replace(/^www\.|^m\./, "");
  let youtube: string | null = null;
  if (host === "youtu.be") youtube = url.pathname.slice(1).split("/")[0];
  else if (host === "youtube.com" || host === "youtube-nocookie.com") {
    if (url.pathname === "/watch") youtube = url.searchParams.get("v");
    else youtube = /^\/(?:embed|shorts|live)\/([^/]+)/.exec(url.pathname)?.[1] ?? null;
  }
  if (youtube && YOUTUBE_ID.test(youtube)) return { src: `${EMBED_ORIGINS[0]}/embed/${youtube}`, provider: "YouTube" };
  if (host === "vimeo.com" || host === "player.vimeo.com") {
    const id = /^\/(?:video\/)?(\d{4,12})(?:\/|$)/.exec(url.pathname)?.[1];
    if (id) return { src: `${EMBED_ORIGINS[1]}/video/${id}`, provider: "Vimeo" };
  }
  return null;
}
