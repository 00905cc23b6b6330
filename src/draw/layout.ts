import type { Rect } from "./geometry.ts";

/**
 * The 16:9 frame grid: a safe margin of about 5% on each side, a header band for the title
 * and status lines, a caption band at the bottom, the main view on the left and a side column
 * on the right. Every size scales with the frame height (`unit` is 1 at 720p).
 */
export interface FrameLayout {
  width: number;
  height: number;
  unit: number;
  safe: Rect;
  header: Rect;
  main: Rect;
  side: Rect;
  caption: Rect;
}

export function frameLayout(width: number, height: number, options: { sideFraction?: number } = {}): FrameLayout {
  const unit = height / 720;
  const mx = Math.round(width * 0.05);
  const my = Math.round(height * 0.05);
  const safe = { x: mx, y: my, width: width - 2 * mx, height: height - 2 * my };
  const headerHeight = 78 * unit;
  const captionHeight = 40 * unit;
  const gap = 24 * unit;
  const sideWidth = Math.round(safe.width * (options.sideFraction ?? 0.3));
  const bodyTop = safe.y + headerHeight;
  const bodyHeight = safe.height - headerHeight - captionHeight;
  return {
    width,
    height,
    unit,
    safe,
    header: { x: safe.x, y: safe.y, width: safe.width, height: headerHeight },
    main: { x: safe.x, y: bodyTop, width: safe.width - sideWidth - gap, height: bodyHeight },
    side: { x: safe.x + safe.width - sideWidth, y: bodyTop, width: sideWidth, height: bodyHeight },
    caption: { x: safe.x, y: safe.y + safe.height - captionHeight, width: safe.width, height: captionHeight },
  };
}

/** Splits a rectangle into stacked rows with a gap, by relative weights: one row per weight. */
export function stack<const W extends readonly number[]>(
  rect: Rect,
  weights: W,
  gap: number,
): { [K in keyof W]: Rect } {
  const total = weights.reduce((s, w) => s + w, 0);
  const free = rect.height - gap * (weights.length - 1);
  let y = rect.y;
  return weights.map((w) => {
    const height = (free * w) / total;
    const row = { x: rect.x, y, width: rect.width, height };
    y += height + gap;
    return row;
  }) as { [K in keyof W]: Rect };
}

/** Shrinks a rectangle by a margin on every side. */
export function inset(rect: Rect, margin: number): Rect {
  return { x: rect.x + margin, y: rect.y + margin, width: rect.width - 2 * margin, height: rect.height - 2 * margin };
}
