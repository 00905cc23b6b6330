import type { CanvasRenderingContext2D } from "canvas";
import { type Theme, themeNamed } from "./theme.ts";

/**
 * What every drawing call needs, passed once: the canvas context, the theme, and the scale.
 * `unit` is pixels per design pixel: 1 at 720p, 1.5 at 1080p; sizes in the kit are written for
 * 720p and multiplied by it, so a figure looks the same at every frame size.
 */
export interface Paint {
  ctx: CanvasRenderingContext2D;
  theme: Theme;
  unit: number;
  /** The frame's size in pixels. */
  width: number;
  height: number;
}

/**
 * The paint context for a frame of `width` x `height` pixels, in `theme`; without one, in the
 * theme the render asked for (`frame.theme`, `--theme`), light when it names none.
 */
export function paintFor(
  ctx: CanvasRenderingContext2D,
  frame: { width: number; height: number; theme?: "light" | "dark" },
  theme?: Theme,
): Paint {
  return {
    ctx,
    theme: theme ?? themeNamed(frame.theme ?? "light"),
    unit: frame.height / 720,
    width: frame.width,
    height: frame.height,
  };
}
