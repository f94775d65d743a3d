// Image derivatives with sharp: responsive WebP widths with EXIF orientation applied and metadata
// stripped, plus a tiny placeholder for instant paint. Decompression bombs are refused up front.
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { ImageProblem, MAX_INPUT_PIXELS, tooManyPixels } from "./problems";

export const PREVIEW_WIDTHS = [320, 640, 1280] as const;
/** libvips gives up on one image after this long, so a pathological file cannot hold the job queue. */
export const IMAGE_BUDGET_SECONDS = 60;

export { ImageProblem, MAX_INPUT_PIXELS };

/** Reads only the header: refuses bombs and garbage before any pixel is decoded. */
export async function checkImage(input: string | Buffer): Promise<{ width: number; height: number }> {
  let meta: Metadata;
  try {
    // No pixel limit here: only the header is read, and we want its size to explain the refusal.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageProblem("This image is damaged or not a supported format.", "corrupt");
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (!width || !height) throw new ImageProblem("This image has no size; it may be damaged.", "corrupt");
  if (width * height > MAX_INPUT_PIXELS) throw tooManyPixels(width, height);
  return { width, height };
}

export type Derivative = { width: number; height: number; bytes: Buffer };

/**
 * The responsive set. Decodes once (JPEG shrink-on-load makes that cheap) to the largest width
 * needed, then derives smaller widths from that raster instead of decoding the original again.
 */
export async function webpDerivatives(
  input: string | Buffer,
  widths: readonly number[] = PREVIEW_WIDTHS,
  quality = 75,
): Promise<{ derivatives: Derivative[]; placeholder: string }> {
  let base: { data: Buffer; info: OutputInfo };
  try {
    base = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error", pages: 1 })
      .autoOrient()
      .resize({ width: Math.max(...widths), withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .timeout({ seconds: IMAGE_BUDGET_SECONDS })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const message = String((error as Error).message);
    if (/pixel limit/i.test(message)) {
      throw new ImageProblem(`This image is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels.`, "too_large");
    }
    if (/timeout/i.test(message))
      throw new ImageProblem("This image took too long to process. Save it again and upload the new file.", "corrupt");
    throw new ImageProblem("This image is damaged and cannot be read.", "corrupt");
  }
  const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels as 4 } };
  const distinct = [...new Set(widths.map((w) => Math.min(w, base.info.width)))].sort((a, b) => a - b);
  const derivatives = await Promise.all(
    distinct.map(async (width) => {
      const { data, info } = await sharp(base.data, raw)
        .resize({ width })
        .webp({ quality, effort: 2, alphaQuality: 80 })
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, bytes: data };
    }),
  );
  const tiny = await sharp(base.data, raw).resize({ width: 16 }).webp({ quality: 40, effort: 2 }).toBuffer();
  return { derivatives, placeholder: `data:image/webp;base64,${tiny.toString("base64")}` };
}
