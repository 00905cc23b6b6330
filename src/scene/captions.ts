import type { BeatRef, Beats } from "./beats.ts";
import { smoothstep } from "./easing.ts";

/** A caption shown from `from` to `to` seconds. */
export interface Caption {
  from: number;
  to: number;
  text: string;
}

/** A caption placed by a beat (`"training:middle"`, see `beats`); it lasts until the next one starts. */
export interface BeatCaption {
  at: BeatRef;
  text: string;
}

/**
 * Captions placed by beats, in seconds: each lasts until the next one starts, and the last to
 * the end (subtitles are clipped at the clip's end), so they stay with the motion at any
 * `--duration`.
 */
export function beatCaptions(clip: Beats, captions: readonly BeatCaption[]): Caption[] {
  const starts = captions.map((c) => clip.time(c.at));
  return captions.map((c, i) => ({ from: starts[i] as number, to: starts[i + 1] ?? clip.duration + 1, text: c.text }));
}

/**
 * The caption on screen at `time` and its opacity. A caption is fully shown from its `from`
 * (a still taken at a caption's beat shows it): it fades in over the `fade / 2` seconds before,
 * and fades out over the `fade / 2` seconds before those, so one gives way to the next
 * without a jump and the two never share the band.
 */
export function captionAt(captions: Caption[], time: number, fade = 0.4): { text: string; opacity: number } {
  const half = fade / 2;
  for (const c of captions) {
    if (time >= c.from - half && time < c.to - half) {
      const opacity = Math.min(smoothstep(c.from - half, c.from, time), 1 - smoothstep(c.to - fade, c.to - half, time));
      return { text: c.text, opacity };
    }
  }
  return { text: "", opacity: 0 };
}
