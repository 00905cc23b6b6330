/** Output formats: three videos through ffmpeg and a folder of PNG frames. */
export const FORMATS = ["mp4", "gif", "webm", "png"] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormat(name: string): name is FormatName {
  return (FORMATS as readonly string[]).includes(name);
}

/** The file extension of a format's output (png is a folder, named without one). */
export function extensionOf(format: FormatName): string {
  return format === "png" ? "-frames" : `.${format}`;
}

/** H.264 and VP9 in yuv420p subsample chroma 2x2, so both need even frame sizes. */
export function needsEvenSize(format: FormatName): boolean {
  return format === "mp4" || format === "webm";
}

/**
 * By default GIF frames are scaled to at most 640 px wide and 15 fps: a 12-second 640x360 GIF
 * of a scene stays under ~10 MB, while MP4 keeps the full size. An explicit --size or --fps
 * is honoured instead (the render's own size and rate).
 */
export function gifGeometry(
  width: number,
  height: number,
  fps: number,
): { width: number; height: number; fps: number } {
  const scale = Math.min(1, 640 / width);
  const w = Math.max(2, Math.round((width * scale) / 2) * 2);
  const h = Math.max(2, Math.round((height * scale) / 2) * 2);
  return { width: w, height: h, fps: Math.min(fps, 15) };
}

// Tag and convert with BT.709, the matrix players and browsers assume for HD video, so the
// class colours come out as drawn.
const BT709 = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"];
const TO_YUV = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p";

export interface EncodeSettings {
  fps: number;
  /** Faster, larger files for previews. */
  preview: boolean;
}

/** ffmpeg output options for the video formats. */
export function videoOptions(format: "mp4" | "webm", settings: EncodeSettings): { options: string[]; muxer: string } {
  const gop = String(Math.max(1, Math.round(settings.fps * 2)));
  if (format === "mp4") {
    return {
      muxer: "mp4",
      options: [
        "-vf",
        TO_YUV,
        "-c:v",
        "libx264",
        "-preset",
        settings.preview ? "ultrafast" : "veryfast",
        "-crf",
        settings.preview ? "26" : "18",
        "-pix_fmt",
        "yuv420p",
        "-g",
        gop,
        "-movflags",
        "+faststart",
        ...BT709,
      ],
    };
  }
  return {
    muxer: "webm",
    options: [
      "-vf",
      TO_YUV,
      "-c:v",
      "libvpx-vp9",
      "-crf",
      settings.preview ? "40" : "32",
      "-b:v",
      "0",
      "-deadline",
      settings.preview ? "realtime" : "good",
      "-cpu-used",
      settings.preview ? "8" : "4",
      "-row-mt",
      "1",
      "-pix_fmt",
      "yuv420p",
      "-g",
      gop,
      ...BT709,
      // Matroska writes a random segment ID (and the muxer's version) unless asked not to: the
      // same frames then make the same file, as they do in MP4 (--jobs and parts compare bytes).
      "-fflags",
      "+bitexact",
    ],
  };
}
