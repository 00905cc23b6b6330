import type { CanvasRenderingContext2D } from "canvas";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { tickDecimals } from "./numbers.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import type { Theme } from "./theme.ts";
import { niceTicks } from "./ticks.ts";

export interface LinePlotOptions {
  /** x and y of the whole curve. */
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** Draw the curve only up to this x, with a marker there (the current epoch). */
  upTo?: number;
  xRange: [number, number];
  yRange: [number, number];
  title: string;
  xLabel?: string;
  theme: Theme;
  unit: number;
  /** Colour of the curve; the marker uses the theme's accent. */
  color?: string;
}

/**
 * A small line plot for a side column: a title, left and bottom axes with a few ticks, the
 * curve up to `upTo` and a marker at its end. The axes are fixed, so the curve grows into a
 * frame that does not move.
 */
export function drawLinePlot(ctx: CanvasRenderingContext2D, rect: Rect, options: LinePlotOptions): void {
  const { theme, unit, xs, ys } = options;
  const [x0, x1] = options.xRange;
  const [y0, y1] = options.yRange;
  ctx.save();
  fillTextCached(ctx, options.title, rect.x, rect.y, {
    font: font(18 * unit, "bold"),
    color: theme.ink,
    baseline: "top",
  });

  const yTicks = niceTicks(y0, y1, 3);
  const xTicks = niceTicks(x0, x1, 4);
  const yDecimals = tickDecimals(yTicks);
  const tickFont = font(16 * unit);
  const labelWidth = Math.max(...yTicks.map((t) => measureTextCached(t.toFixed(yDecimals), tickFont)));
  const plot: Rect = {
    x: rect.x + labelWidth + 12 * unit,
    y: rect.y + 34 * unit,
    width: rect.width - labelWidth - 20 * unit,
    height: rect.height - 34 * unit - (options.xLabel ? 52 : 30) * unit,
  };
  const px = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.width;
  const py = (y: number) => plot.y + plot.height - ((y - y0) / (y1 - y0)) * plot.height;

  // Grid and tick labels.
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1 * unit;
  ctx.beginPath();
  for (const t of yTicks) {
    ctx.moveTo(plot.x, py(t));
    ctx.lineTo(plot.x + plot.width, py(t));
  }
  ctx.stroke();
  const yLabel = { font: tickFont, color: theme.muted, align: "right", baseline: "middle" } as const;
  for (const t of yTicks) fillTextCached(ctx, t.toFixed(yDecimals), plot.x - 8 * unit, py(t), yLabel);
  const xLabel = { font: tickFont, color: theme.muted, align: "center", baseline: "top" } as const;
  const xDecimals = tickDecimals(xTicks);
  for (const t of xTicks) fillTextCached(ctx, t.toFixed(xDecimals), px(t), plot.y + plot.height + 8 * unit, xLabel);
  if (options.xLabel)
    fillTextCached(ctx, options.xLabel, plot.x + plot.width / 2, plot.y + plot.height + 30 * unit, xLabel);
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1.2 * unit;
  ctx.beginPath();
  ctx.moveTo(plot.x, plot.y);
  ctx.lineTo(plot.x, plot.y + plot.height);
  ctx.lineTo(plot.x + plot.width, plot.y + plot.height);
  ctx.stroke();
  drawCurveUpTo(ctx, xs, ys, options.upTo ?? x1, px, py, options.color ?? theme.ink, theme, unit);
  ctx.restore();
}

/** The curve up to x = `upTo`, ending exactly there by interpolation, with a marker at its end. */
function drawCurveUpTo(
  ctx: CanvasRenderingContext2D,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  upTo: number,
  px: (x: number) => number,
  py: (y: number) => number,
  color: string,
  theme: Theme,
  unit: number,
): void {
  ctx.beginPath();
  let lastX = Number.NaN;
  let lastY = Number.NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x > upTo) {
      if (i > 0) {
        const xp = xs[i - 1] as number;
        const t = (upTo - xp) / (x - xp);
        lastX = upTo;
        lastY = (ys[i - 1] as number) + t * (y - (ys[i - 1] as number));
        ctx.lineTo(px(lastX), py(lastY));
      }
      break;
    }
    if (i === 0) ctx.moveTo(px(x), py(y));
    else ctx.lineTo(px(x), py(y));
    lastX = x;
    lastY = y;
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 2.2 * unit;
  ctx.lineJoin = "round";
  ctx.stroke();
  if (Number.isFinite(lastX)) {
    ctx.beginPath();
    ctx.arc(px(lastX), py(lastY), 5 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = theme.accent;
    ctx.fill();
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 1.5 * unit;
    ctx.stroke();
  }
}
