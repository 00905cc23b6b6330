import type { CanvasRenderingContext2D } from "canvas";
import type { Rect } from "./camera.ts";
import { font } from "./fonts.ts";
import type { Theme } from "./theme.ts";

interface TextStyle {
  theme: Theme;
  unit: number;
}

/** The title line (what this is) and the status line (numbers, in tabular figures). */
export function drawHeader(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  options: TextStyle & { title: string; status: { label: string; value: string }[] },
): void {
  const { theme, unit } = options;
  ctx.save();
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = theme.ink;
  ctx.font = font(28 * unit, "bold");
  ctx.fillText(options.title, rect.x, rect.y + 28 * unit);
  // Status items at fixed positions: each value is printed with fixed decimals, and DejaVu's
  // digits all have the same width, so nothing shifts as the numbers change.
  let x = rect.x;
  const y = rect.y + 64 * unit;
  for (const { label, value } of options.status) {
    ctx.font = font(20 * unit);
    ctx.fillStyle = theme.muted;
    ctx.fillText(label, x, y);
    x += ctx.measureText(`${label} `).width;
    ctx.fillStyle = theme.ink;
    ctx.font = font(20 * unit, "bold");
    ctx.fillText(value, x, y);
    x += ctx.measureText(value).width + 30 * unit;
  }
  ctx.restore();
}

/** The caption line at the bottom: what to notice now. Fades with `opacity`. */
export function drawCaption(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  text: string,
  options: TextStyle & { opacity?: number },
): void {
  if (!text) return;
  ctx.save();
  ctx.globalAlpha = options.opacity ?? 1;
  ctx.font = font(20 * options.unit, "normal", "italic");
  ctx.fillStyle = options.theme.ink;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(text, rect.x, rect.y + rect.height / 2, rect.width);
  ctx.restore();
}

/** A legend: a dot in each class colour and its name, one entry per line. */
export function drawLegend(
  ctx: CanvasRenderingContext2D,
  at: { x: number; y: number },
  entries: { label: string; color: string; outline: string; marker?: "dot" | "square" }[],
  options: TextStyle,
): void {
  const { theme, unit } = options;
  ctx.save();
  ctx.font = font(17 * unit);
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  entries.forEach((entry, i) => {
    const y = at.y + i * 28 * unit;
    ctx.beginPath();
    if (entry.marker === "square") ctx.rect(at.x - 7 * unit, y - 7 * unit, 14 * unit, 14 * unit);
    else ctx.arc(at.x, y, 6 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = entry.color;
    ctx.fill();
    ctx.strokeStyle = entry.outline;
    ctx.lineWidth = 1 * unit;
    ctx.stroke();
    ctx.fillStyle = theme.ink;
    ctx.fillText(entry.label, at.x + 16 * unit, y);
  });
  ctx.restore();
}

/** A full-frame title card: title and subtitle centred, over the background. */
export function drawTitleCard(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  options: TextStyle & { title: string; subtitle?: string; opacity: number },
): void {
  if (options.opacity <= 0) return;
  const { theme, unit } = options;
  ctx.save();
  ctx.globalAlpha = options.opacity;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillStyle = theme.ink;
  ctx.font = font(44 * unit, "bold");
  ctx.fillText(options.title, size.width / 2, size.height / 2 - 24 * unit, size.width * 0.9);
  if (options.subtitle) {
    ctx.fillStyle = theme.muted;
    ctx.font = font(24 * unit);
    ctx.fillText(options.subtitle, size.width / 2, size.height / 2 + 36 * unit, size.width * 0.9);
  }
  ctx.restore();
}
