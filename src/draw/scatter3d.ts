import type { CanvasRenderingContext2D } from "canvas";
import type { OrbitCamera } from "./camera.ts";
import { type DotStamps, stampsFor } from "./dots.ts";
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
  const view = projectScatter(camera, options.points);
  const order = options.include ? view.order.filter(options.include) : view.order;
  stampScatter(ctx, camera, view, order, options);
}

/** Points projected once per frame, with their indices sorted far to near. */
export interface ProjectedScatter {
  xs: Float64Array;
  ys: Float64Array;
  depths: Float64Array;
  scales: Float64Array;
  order: number[];
}

export function projectScatter(camera: OrbitCamera, points: Float64Array): ProjectedScatter {
  const projected = camera.projectAll(points);
  const { depths } = projected;
  const order = Array.from({ length: depths.length }, (_, i) => i);
  order.sort((a, b) => (depths[b] as number) - (depths[a] as number) || a - b);
  return { ...projected, order };
}

/** Stamps the points at `order` (far to near), depth-cued. */
export function stampScatter(
  ctx: CanvasRenderingContext2D,
  camera: OrbitCamera,
  view: ProjectedScatter,
  order: number[],
  options: Omit<Scatter3dOptions, "points" | "include">,
): void {
  const { labels, theme, unit } = options;
  const { xs, ys, depths, scales } = view;
  const [near, far] = camera.boxDepthRange();
  const radius = (options.radius ?? 4) * unit;
  const opacity = options.opacity ?? 1;
  const lineWidth = 0.8 * unit;
  const stamps = theme.classes.map((fill, k) => stampsFor(fill, theme.classOutlines[k] as string, lineWidth));
  const centreScale = camera.project([0.5, 0.5, 0.5]).scale;
  ctx.save();
  // Stamps land on whole pixels unscaled, so antialiasing their edges changes nothing; off,
  // cairo stamps about 20% faster.
  ctx.antialias = "none";
  for (const i of order) {
    // 0 at the nearest corner of the box, 1 at the farthest.
    const t = Math.min(1, Math.max(0, ((depths[i] as number) - near) / (far - near)));
    const r = (radius * (scales[i] as number) * (1.12 - 0.24 * t)) / centreScale;
    const label = (labels[i] as number) % stamps.length;
    (stamps[label] as DotStamps).stamp(ctx, r, xs[i] as number, ys[i] as number, opacity * (0.95 - 0.4 * t));
  }
  ctx.restore();
}
