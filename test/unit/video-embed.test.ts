import { describe, expect, it } from "vitest";
import { embedUrlFor } from "~/components/video-embed";

describe("video links as embeds", () => {
  it.each([
    ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"],
    ["https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"],
    ["https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"],
    ["https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"],
    ["https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"],
  ])("embeds %s as %s", (link, src) => {
    expect(embedUrlFor(link)?.src).toBe(src);
  });

  it.each([
    "https://video.example.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload",
    "javascript:alert(1)",
    "not a url",
    "https://vimeo.com/channels/staffpicks",
  ])("leaves %s a plain link", (link) => {
    expect(embedUrlFor(link)).toBeNull();
  });
});
