import { type Canvas, type CanvasRenderingContext2D, createCanvas } from "canvas";
import type { Rect } from "./geometry.ts";
import { stampsFor } from "./dots.ts";
import { font } from "./fonts.ts";
import { fillTextCached } from "./textcache.ts";
import type { Theme } from "./theme.ts";

export interface ClassMapOptions {
  theme: Theme;
  unit: number;
  title?: string;
  /** The square region of the plane shown: [low, high] on both axes. */
  range: [number, number];
  /** Points (flat x, y pairs) and their classes. */
  points: ArrayLike<number>;
  labels: ArrayLike<number>;
  /**
   * The model's output on a size x size grid over `range` (row 0 at the top, i.e. highest y),
   * for the shaded regions and the boundary where it crosses `threshold`.
   */
  field?: { values: Float64Array; size: number; threshold: number };
  axisLabels?: [string, string];
  radius?: number;
}

/**
 * A 2-D view of a data set, optionally over the model's decision regions: each side of the
 * boundary is tinted with its class colour (stronger where the output is more certain) and
 * the boundary itself is drawn in the accent colour.
 */
export function drawClassMap(ctx: CanvasRenderingContext2D, rect: Rect, options: ClassMapOptions): void {
  const { theme, unit, range, points, labels, field } = options;
  const titleHeight = options.title ? 30 * unit : 0;
  const side = Math.min(rect.width, rect.height - titleHeight);
  const box: Rect = { x: rect.x + (rect.width - side) / 2, y: rect.y + titleHeight, width: side, height: side };

  if (options.title) {
    fillTextCached(ctx, options.title, rect.x, rect.y, {
      font: font(18 * unit, "bold"),
      color: theme.ink,
      baseline: "top",
    });
  }
  ctx.save();
  ctx.fillStyle = theme.pane;
  ctx.fillRect(box.x, box.y, box.width, box.height);
  if (field) {
    drawTint(ctx, field, theme, box);
    drawContour(ctx, field, box, theme.accent, 2 * unit);
  }
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1 * unit;
  ctx.strokeRect(box.x, box.y, box.width, box.height);

  ctx.globalAlpha *= 0.9;
  const dots = dotLayer(points, labels, box, range, theme, (options.radius ?? 2.6) * unit, 0.6 * unit);
  ctx.drawImage(dots.image, dots.x, dots.y);
  ctx.restore();

  const [xLabel, yLabel] = options.axisLabels ?? ["x₁", "x₂"];
  const style = { font: font(16 * unit, "normal", "italic"), color: theme.muted } as const;
  fillTextCached(ctx, xLabel, box.x + box.width / 2, box.y + box.height + 6 * unit, {
    ...style,
    align: "center",
    baseline: "top",
  });
  fillTextCached(ctx, yLabel, box.x - 8 * unit, box.y + box.height / 2, {
    ...style,
    align: "right",
    baseline: "middle",
  });
}

/**
 * The data points drawn once onto a transparent layer and reused while they stay put (they
 * do in input space): the layer depends only on the points, the box and the style, so the
 * cache is memoisation and frames stay pure.
 */
const dotLayers = new WeakMap<ArrayLike<number>, { key: string; image: Canvas; x: number; y: number }>();

function dotLayer(
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  box: Rect,
  range: [number, number],
  theme: Theme,
  radius: number,
  lineWidth: number,
): { image: Canvas; x: number; y: number } {
  const key = [
    box.x,
    box.y,
    box.width,
    range[0],
    range[1],
    radius,
    lineWidth,
    theme.classes.join(),
    labels.length,
  ].join("|");
  const cached = dotLayers.get(points);
  if (cached?.key === key) return cached;
  const margin = Math.ceil(radius + lineWidth) + 2;
  const x = Math.floor(box.x) - margin;
  const y = Math.floor(box.y) - margin;
  const image = createCanvas(Math.ceil(box.width) + 2 * margin + 1, Math.ceil(box.height) + 2 * margin + 1);
  const ctx = image.getContext("2d");
  const stamps = theme.classes.map((fill, k) => stampsFor(fill, theme.classOutlines[k] as string, lineWidth));
  const span = range[1] - range[0];
  for (let i = 0; i < labels.length; i++) {
    const px = box.x - x + (((points[2 * i] as number) - range[0]) / span) * box.width;
    const py = box.y - y + box.height - (((points[2 * i + 1] as number) - range[0]) / span) * box.height;
    stamps[(labels[i] as number) % stamps.length]?.stamp(ctx, radius, px, py);
  }
  const layer = { key, image, x, y };
  dotLayers.set(points, layer);
  return layer;
}

/** Reusable small canvases for the field image, one per grid size. */
const tintCanvases = new Map<number, Canvas>();

/**
 * The field as class colours with alpha rising with distance from the threshold, stretched
 * smoothly over the box. Drawn as a scaled pattern fill rather than a scaled drawImage
 * (which makes node-canvas build a temporary surface each call: about 5x slower); the image
 * has a one-pixel border copying its edge, so smoothing at the box's edge sees the edge's
 * own colour, as drawImage's would.
 */
function drawTint(
  ctx: CanvasRenderingContext2D,
  field: { values: Float64Array; size: number; threshold: number },
  theme: Theme,
  box: Rect,
): void {
  const { values, size, threshold } = field;
  const side = size + 2;
  let image = tintCanvases.get(size);
  if (!image) {
    image = createCanvas(side, side);
    tintCanvases.set(size, image);
  }
  const tctx = image.getContext("2d");
  const pixels = tctx.createImageData(side, side);
  const rgb = [theme.classes[0] as string, theme.classes[1] as string].map((hex) => {
    const n = Number.parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  });
  for (let row = 0; row < side; row++) {
    const i = Math.min(size - 1, Math.max(0, row - 1));
    for (let column = 0; column < side; column++) {
      const v = values[i * size + Math.min(size - 1, Math.max(0, column - 1))] as number;
      const c = (v > threshold ? rgb[1] : rgb[0]) as number[];
      const certainty = Math.min(1, Math.abs(v - threshold) / 0.5);
      const o = 4 * (row * side + column);
      pixels.data[o] = c[0] as number;
      pixels.data[o + 1] = c[1] as number;
      pixels.data[o + 2] = c[2] as number;
      pixels.data[o + 3] = Math.round(255 * (0.08 + 0.2 * certainty));
    }
  }
  tctx.putImageData(pixels, 0, 0);
  const pattern = ctx.createPattern(image, "no-repeat");
  ctx.save();
  ctx.translate(box.x, box.y);
  ctx.scale(box.width / size, box.height / size);
  ctx.translate(-1, -1);
  ctx.fillStyle = pattern;
  ctx.fillRect(1, 1, size, size);
  ctx.restore();
}

/** Marching squares: the line where the field crosses its threshold, linearly interpolated. */
function drawContour(
  ctx: CanvasRenderingContext2D,
  field: { values: Float64Array; size: number; threshold: number },
  box: Rect,
  color: string,
  lineWidth: number,
): void {
  const { values, size, threshold } = field;
  const cell = box.width / size;
  // Sample (i, j) sits at the centre of grid cell (row i, column j).
  const x0 = box.x + 0.5 * cell;
  const y0 = box.y + 0.5 * cell;
  const crossings = new Float64Array(8);
  ctx.beginPath();
  for (let i = 0; i < size - 1; i++) {
    for (let j = 0; j < size - 1; j++) {
      // Corners clockwise from the top left, and the cell's four edges between them.
      const a = (values[i * size + j] as number) - threshold;
      const b = (values[i * size + j + 1] as number) - threshold;
      const c = (values[(i + 1) * size + j + 1] as number) - threshold;
      const d = (values[(i + 1) * size + j] as number) - threshold;
      let n = 0;
      if (a > 0 !== b > 0) {
        crossings[n++] = j + a / (a - b);
        crossings[n++] = i;
      }
      if (b > 0 !== c > 0) {
        crossings[n++] = j + 1;
        crossings[n++] = i + b / (b - c);
      }
      if (c > 0 !== d > 0) {
        crossings[n++] = j + 1 - c / (c - d);
        crossings[n++] = i + 1;
      }
      if (d > 0 !== a > 0) {
        crossings[n++] = j;
        crossings[n++] = i + 1 - d / (d - a);
      }
      // Two crossings: one segment; four (a saddle): two, paired around the cell.
      for (let k = 0; k + 3 < n; k += 4) {
        ctx.moveTo(x0 + (crossings[k] as number) * cell, y0 + (crossings[k + 1] as number) * cell);
        ctx.lineTo(x0 + (crossings[k + 2] as number) * cell, y0 + (crossings[k + 3] as number) * cell);
      }
    }
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  ctx.lineCap = "round";
  ctx.stroke();
}
