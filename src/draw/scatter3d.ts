import { type Canvas, type CanvasRenderingContext2D, createCanvas } from "canvas";
import type { OrbitCamera } from "./camera.ts";
import type { Theme } from "./theme.ts";

export interface Scatter3dOptions {
  /** n x 3 coordinates in the unit box, flat: x0, y0, z0, x1, ... */
  points: Float64Array;
  /** Class of each point: an index into the theme's class colours. */
  labels: ArrayLike<number>;
  theme: Theme;
  unit: number;
  /** Radius in pixels at 720p, at the box's centre depth. Default 4. */
  radius?: number;
  /** Only the points for which this is true (for drawing around a plane). */
  include?: (index: number) => boolean;
  opacity?: number;
}

/**
 * Points drawn far to near with depth cueing: nearer points slightly larger and more opaque,
 * each with a thin darker outline so overlapping points stay distinguishable.
 */
export function drawScatter3d(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: Scatter3dOptions): void {
  const { points, labels, theme, unit, include } = options;
  const n = points.length / 3;
  const [near, far] = camera.boxDepthRange();
  const radius = (options.radius ?? 4) * unit;
  const opacity = options.opacity ?? 1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const depths = new Float64Array(n);
  const scales = new Float64Array(n);
  const order: number[] = [];
  const centreScale = camera.project([0.5, 0.5, 0.5]).scale;
  for (let i = 0; i < n; i++) {
    if (include && !include(i)) continue;
    const p = camera.project([points[3 * i] as number, points[3 * i + 1] as number, points[3 * i + 2] as number]);
    xs[i] = p.x;
    ys[i] = p.y;
    depths[i] = p.depth;
    scales[i] = p.scale / centreScale;
    order.push(i);
  }
  order.sort((a, b) => (depths[b] as number) - (depths[a] as number) || a - b);

  ctx.save();
  const lineWidth = 0.8 * unit;
  for (const i of order) {
    const label = (labels[i] as number) % theme.classes.length;
    // 0 at the nearest corner of the box, 1 at the farthest.
    const t = Math.min(1, Math.max(0, ((depths[i] as number) - near) / (far - near)));
    ctx.globalAlpha = opacity * (0.95 - 0.4 * t);
    const r = radius * (scales[i] as number) * (1.12 - 0.24 * t);
    const dot = dotSprite(
      theme.classes[label] as string,
      theme.classOutlines[label] as string,
      r,
      lineWidth,
      xs[i] as number,
      ys[i] as number,
    );
    ctx.drawImage(dot.image, dot.x, dot.y);
  }
  ctx.restore();
}

/**
 * Dots are stamped from small pre-drawn images instead of being filled and stroked one by
 * one (about 10x faster in cairo). Each image is drawn for a radius rounded to 1/8 px and a
 * position rounded to 1/4 px, then placed at whole pixels, so dots stay sharp and still move
 * smoothly. The cache only memoises: an image depends on its key alone.
 */
const sprites = new Map<string, Canvas>();
const SUBPIXEL = 4;

function dotSprite(
  fill: string,
  outline: string,
  radius: number,
  lineWidth: number,
  x: number,
  y: number,
): { image: Canvas; x: number; y: number } {
  const r = Math.max(0.5, Math.round(radius * 8) / 8);
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const px = Math.round((x - fx) * SUBPIXEL) / SUBPIXEL;
  const py = Math.round((y - fy) * SUBPIXEL) / SUBPIXEL;
  const pad = Math.ceil(r + lineWidth) + 1;
  const key = `${fill}|${outline}|${r}|${lineWidth}|${px}|${py}`;
  let image = sprites.get(key);
  if (!image) {
    image = createCanvas(2 * pad + 1, 2 * pad + 1);
    const ctx = image.getContext("2d");
    ctx.beginPath();
    ctx.arc(pad + px, pad + py, r, 0, 2 * Math.PI);
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.lineWidth = lineWidth;
    ctx.strokeStyle = outline;
    ctx.stroke();
    sprites.set(key, image);
  }
  return { image, x: fx - pad, y: fy - pad };
}
