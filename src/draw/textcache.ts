import { type Canvas, type CanvasRenderingContext2D, createCanvas } from "canvas";

export interface TextOptions {
  /** A CSS font string, e.g. from `font(16)`. */
  font: string;
  color: string;
  align?: "left" | "center" | "right";
  baseline?: "top" | "middle" | "alphabetic";
}

/**
 * fillText through a cache of pre-rendered labels. Laying out text with pango costs far more
 * than stamping an image, and a frame repeats the same few dozen labels; each label is drawn
 * once per quarter-pixel offset and reused. The cache only memoises: an image depends on its
 * key alone, so frames stay pure. Respects the context's globalAlpha.
 */
export function fillTextCached(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  options: TextOptions,
): void {
  if (text === "") return;
  const align = options.align ?? "left";
  const baseline = options.baseline ?? "alphabetic";
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const px = Math.round((x - fx) * 4) / 4;
  const py = Math.round((y - fy) * 4) / 4;
  const key = `${options.font}|${options.color}|${align}|${baseline}|${px}|${py}|${text}`;
  let label = labels.get(key);
  if (label) {
    // Most recently used last: the oldest label is the first to go when the cache is full.
    labels.delete(key);
  } else {
    label = renderLabel(text, options.font, options.color, align, baseline, px, py);
    if (labels.size >= MAX_LABELS) labels.delete(labels.keys().next().value as string);
  }
  labels.set(key, label);
  ctx.drawImage(label.image, fx - label.anchorX, fy - label.anchorY);
}

/** The width of `text` in `font`, memoised. */
export function measureTextCached(text: string, font: string): number {
  const key = `${font}|${text}`;
  let width = widths.get(key);
  if (width === undefined) {
    measurer.font = font;
    width = measurer.measureText(text).width;
    if (widths.size >= 20_000) widths.clear();
    widths.set(key, width);
  }
  return width;
}

interface Label {
  image: Canvas;
  anchorX: number;
  anchorY: number;
}

/**
 * A frame draws a few dozen labels, most of them the same every frame; the changing ones (a
 * loss of 0.1052, then 0.1049, ...) are seldom seen again. Keeping the 1000 most recently used
 * bounds the cache (a few MB) however long the video, where keeping every label would grow
 * with it.
 */
const MAX_LABELS = 1000;
const labels = new Map<string, Label>();
const widths = new Map<string, number>();
const measurer = createCanvas(8, 8).getContext("2d");

function renderLabel(
  text: string,
  font: string,
  color: string,
  align: "left" | "center" | "right",
  baseline: "top" | "middle" | "alphabetic",
  px: number,
  py: number,
): Label {
  const size = Number(/([\d.]+)px/.exec(font)?.[1] ?? 16);
  const width = Math.ceil(measureTextCached(text, font));
  const pad = Math.ceil(size * 0.4) + 2;
  const w = width + 2 * pad;
  const h = Math.ceil(size * 1.6) + 2 * pad;
  const anchorX = align === "left" ? pad : align === "center" ? Math.round(w / 2) : w - pad;
  const anchorY = baseline === "top" ? pad : baseline === "middle" ? Math.round(h / 2) : pad + Math.ceil(size * 1.1);
  const image = createCanvas(w, h);
  const ctx = image.getContext("2d");
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(text, anchorX + px, anchorY + py);
  return { image, anchorX, anchorY };
}

/** How many label images the cache holds (for tests of its bound). */
export function cachedLabelCount(): number {
  return labels.size;
}
