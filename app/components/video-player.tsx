// Video on the item page: an uploaded MP4 plays in place (the file route answers byte ranges, so seeking
// works), and a YouTube or Vimeo link becomes the host's player; any other link stays a button.
import { embedUrlFor } from "./video-embed";

export function UploadedVideo({ src, title, mime }: { src: string; title: string; mime: string }) {
  return (
    <div className="video-frame">
      {/* preload="metadata": the first frame and duration only; the seller's data plan pays for the rest on play. */}
      <video controls preload="metadata" playsInline aria-label={`Video: ${title}`}>
        <source src={src} type={mime} />
        Your browser cannot play this video here; use “Download” below.
      </video>
    </div>
  );
}

export function LinkedVideo({ link, title }: { link: string; title: string }) {
  const embed = embedUrlFor(link);
  return (
    <>
      {embed ? (
        <div className="video-frame">
          <iframe
            src={embed.src}
            title={`${embed.provider} video: ${title}`}
            loading="lazy"
            allow="encrypted-media; fullscreen; picture-in-picture"
            allowFullScreen
            referrerPolicy="strict-origin-when-cross-origin"
            sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"
          />
        </div>
      ) : null}
      <p>
        <a className={embed ? "button secondary" : "button"} href={link} rel="noopener noreferrer" target="_blank">
          {embed ? `Open on ${embed.provider}` : "Watch the video"}
        </a>
      </p>
    </>
  );
}
