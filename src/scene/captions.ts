import { smoothstep } from "./easing.ts";

/** A caption shown from `from` to `to` seconds. */
export interface Caption {
  from: number;
  to: number;
  text: string;
}

/**
 * The caption on screen at `time` and its opacity: each fades in and out over `fade`
 * seconds, so one caption gives way to the next without a jump.
 */
export function captionAt(captions: Caption[], time: number, fade = 0.4): { text: string; opacity: number } {
  for (const c of captions) {
    if (time >= c.from && time < c.to) {
      const opacity = Math.min(smoothstep(c.from, c.from + fade, time), 1 - smoothstep(c.to - fade, c.to, time));
      return { text: c.text, opacity };
    }
  }
  return { text: "", opacity: 0 };
}
