import type { CanvasRenderingContext2D } from "canvas";
import { createCanvas } from "canvas";
import type { Rect } from "./camera.ts";
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
  const px = (x: number) => box.x + ((x - range[0]) / (range[1] - range[0])) * box.width;
  const py = (y: number) => box.y + box.height - ((y - range[0]) / (range[1] - range[0])) * box.height;

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
    ctx.drawImage(tint(field, theme), box.x, box.y, box.width, box.height);
    drawContour(ctx, field, box, theme.accent, 2 * unit);
  }
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1 * unit;
  ctx.strokeRect(box.x, box.y, box.width, box.height);

  const stamps = theme.classes.map((fill, k) => stampsFor(fill, theme.classOutlines[k] as string, 0.6 * unit));
  const r = (options.radius ?? 2.6) * unit;
  ctx.globalAlpha *= 0.9;
  for (let i = 0; i < labels.length; i++) {
    const stamp = stamps[(labels[i] as number) % stamps.length];
    stamp?.stamp(ctx, r, px(points[2 * i] as number), py(points[2 * i + 1] as number));
  }
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

/** The field as a small image: class colours with alpha rising with distance from the threshold. */
function tint(field: { values: Float64Array; size: number; threshold: number }, theme: Theme) {
  const { values, size, threshold } = field;
  const image = createCanvas(size, size);
  const ctx = image.getContext("2d");
  const pixels = ctx.createImageData(size, size);
  const rgb = [theme.classes[0] as string, theme.classes[1] as string].map((hex) => {
    const n = Number.parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  });
  for (let i = 0; i < size * size; i++) {
    const v = values[i] as number;
    const c = (v > threshold ? rgb[1] : rgb[0]) as number[];
    const certainty = Math.min(1, Math.abs(v - threshold) / 0.5);
    pixels.data[4 * i] = c[0] as number;
    pixels.data[4 * i + 1] = c[1] as number;
    pixels.data[4 * i + 2] = c[2] as number;
    pixels.data[4 * i + 3] = Math.round(255 * (0.08 + 0.2 * certainty));
  }
  ctx.putImageData(pixels, 0, 0);
  return image;
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
  // Sample centres: value (i, j) sits at the centre of grid cell (column j, row i).
  const x = (j: number) => box.x + (j + 0.5) * cell;
  const y = (i: number) => box.y + (i + 0.5) * cell;
  const v = (i: number, j: number) => (values[i * size + j] as number) - threshold;
  ctx.beginPath();
  for (let i = 0; i < size - 1; i++) {
    for (let j = 0; j < size - 1; j++) {
      const corners = [v(i, j), v(i, j + 1), v(i + 1, j + 1), v(i + 1, j)] as const;
      const points: [number, number][] = [];
      const edge = (a: number, b: number, ax: number, ay: number, bx: number, by: number) => {
        if (a > 0 !== b > 0) {
          const t = a / (a - b);
          points.push([ax + t * (bx - ax), ay + t * (by - ay)]);
        }
      };
      edge(corners[0], corners[1], x(j), y(i), x(j + 1), y(i));
      edge(corners[1], corners[2], x(j + 1), y(i), x(j + 1), y(i + 1));
      edge(corners[2], corners[3], x(j + 1), y(i + 1), x(j), y(i + 1));
      edge(corners[3], corners[0], x(j), y(i + 1), x(j), y(i));
      // Two crossings: one segment; four (a saddle): two, paired around the cell.
      for (let k = 0; k + 1 < points.length; k += 2) {
        const [a, b] = [points[k], points[k + 1]] as [[number, number], [number, number]];
        ctx.moveTo(a[0], a[1]);
        ctx.lineTo(b[0], b[1]);
      }
    }
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  ctx.lineCap = "round";
  ctx.stroke();
}
