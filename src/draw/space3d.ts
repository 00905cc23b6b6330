import type { CanvasRenderingContext2D } from "canvas";
import { type AxesBoxOptions, drawAxesBoxBack, drawAxesBoxFront } from "./axes3d.ts";
import type { OrbitCamera } from "./camera.ts";
import { sub, type Vec3 } from "./geometry.ts";
import { clipPlaneToBox, clipPolygon, drawPolygon3d } from "./plane3d.ts";
import { projectScatter, stampScatter } from "./scatter3d.ts";
import { withAlpha } from "./theme.ts";

/**
 * K linear scores s_k(p) = weights[k] · p + biases[k] over the space; each point belongs to the
 * region of its largest score (a network's argmax, its outputs affine in this space), and walls
 * stand where that changes: between regions i and j, the part of s_i = s_j where no third
 * score is larger.
 */
export interface Regions3d {
  weights: readonly Vec3[];
  biases: readonly number[];
  opacity?: number;
}

/** Polylines in 3-D (grid lines carried into the space, say): clipped to the box. */
export interface Curves3d {
  /** Every curve's points one after another, flat: x0, y0, z0, x1, ... */
  points: Float64Array;
  /** How many points each curve has, in order (they sum to points.length / 3). */
  lengths: readonly number[];
  /** Their colour (default the theme's text colour, faint). */
  colour?: string;
  /** Line width in pixels at 720p. Default 1. */
  width?: number;
  opacity?: number;
}

export interface Space3dOptions extends AxesBoxOptions {
  /** n x 3 coordinates in the unit box, flat. */
  points: Float64Array;
  labels: ArrayLike<number>;
  /** The plane normal · p + offset = 0, drawn translucent and clipped to the box (two regions). */
  plane?: { normal: Vec3; offset: number; opacity?: number };
  /** K regions and the walls between them (in place of `plane`, for K classes). */
  regions?: Regions3d;
  curves?: Curves3d;
  radius?: number;
}

/**
 * A 3-D scatter in an axes box, with optional walls between regions (a plane for two), all in
 * the right depth order: back panes; the curves and points in regions other than the camera's;
 * the walls; the curves and points in the camera's region; then the box's front edges. The
 * regions are convex, so a wall can hide only what lies in a region beyond it: the order is
 * exact for a plane, and for more regions puts every point behind each wall between it and
 * the camera (it may also tint a point seen past the end of another wall).
 */
export function drawSpace3d(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: Space3dOptions): void {
  drawAxesBoxBack(ctx, camera, options);
  const { points } = options;
  const view = projectScatter(camera, points);
  const regions = options.regions ?? (options.plane ? planeRegions(options.plane) : undefined);
  const walls = regions ? wallsOf(regions) : [];
  if (!regions || walls.length === 0) {
    if (options.curves) strokeCurves(ctx, camera, options.curves, () => true, options);
    stampScatter(ctx, camera, view, view.order, options);
  } else {
    const eye = camera.perspective ? camera.position : sub(camera.position, scaled(camera.forward, 1e4));
    const mine = regionOf(regions, eye);
    const inMine = (p: Vec3) => regionOf(regions, p) === mine;
    // One pass, no array per point: this ran for each of 1000 points twice a frame.
    const near: number[] = [];
    const far: number[] = [];
    for (const i of view.order) {
      const x = points[3 * i] as number;
      const y = points[3 * i + 1] as number;
      const z = points[3 * i + 2] as number;
      (regionAt(regions, x, y, z) === mine ? near : far).push(i);
    }
    if (options.curves) strokeCurves(ctx, camera, options.curves, (p) => !inMine(p), options);
    stampScatter(ctx, camera, view, far, options);
    const opacity = regions.opacity ?? 1;
    for (const wall of walls) {
      drawPolygon3d(ctx, camera, wall, {
        fill: withAlpha(options.theme.accent, 0.16 * opacity),
        stroke: withAlpha(options.theme.accent, 0.7 * opacity),
        lineWidth: 1.6 * options.unit,
      });
    }
    if (options.curves) strokeCurves(ctx, camera, options.curves, inMine, options);
    stampScatter(ctx, camera, view, near, options);
  }
  drawAxesBoxFront(ctx, camera, options);
}

function scaled(v: Vec3, s: number): Vec3 {
  return [v[0] * s, v[1] * s, v[2] * s];
}

/** A plane as two regions: its positive side (0) and the rest (1). */
function planeRegions(plane: NonNullable<Space3dOptions["plane"]>): Regions3d {
  return {
    weights: [plane.normal, [0, 0, 0]],
    biases: [plane.offset, 0],
    ...(plane.opacity === undefined ? {} : { opacity: plane.opacity }),
  };
}

/** The region of `p`: the index of the largest score, the first on a tie. */
export function regionOf(regions: Regions3d, p: Vec3): number {
  return regionAt(regions, p[0], p[1], p[2]);
}

/** `regionOf` the point (x, y, z). */
function regionAt(regions: Regions3d, x: number, y: number, z: number): number {
  const { weights, biases } = regions;
  let best = 0;
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k] as Vec3;
    const s = w[0] * x + w[1] * y + w[2] * z + (biases[k] as number);
    if (s > top) {
      top = s;
      best = k;
    }
  }
  return best;
}

/** The walls between regions inside the unit box: for each pair, where they tie and lead. */
export function wallsOf(regions: Regions3d): Vec3[][] {
  const { weights: w, biases: b } = regions;
  const walls: Vec3[][] = [];
  for (let i = 0; i < w.length; i++) {
    for (let j = i + 1; j < w.length; j++) {
      let wall = clipPlaneToBox(sub(w[i] as Vec3, w[j] as Vec3), (b[i] as number) - (b[j] as number));
      for (let k = 0; k < w.length && wall.length > 0; k++) {
        if (k === i || k === j) continue;
        wall = clipPolygon(wall, sub(w[i] as Vec3, w[k] as Vec3), (b[i] as number) - (b[k] as number));
      }
      if (wall.length >= 3) walls.push(wall);
    }
  }
  return walls;
}

/**
 * The curves' segments inside the unit box whose middle passes `keep`, in one stroke. Segments
 * are short (a finely sampled curve), so a segment's middle places it on one side of a wall.
 */
function strokeCurves(
  ctx: CanvasRenderingContext2D,
  camera: OrbitCamera,
  curves: Curves3d,
  keep: (p: Vec3) => boolean,
  options: Pick<Space3dOptions, "theme" | "unit">,
): void {
  const { points, lengths } = curves;
  ctx.save();
  ctx.beginPath();
  let start = 0;
  for (const length of lengths) {
    for (let s = start; s < start + length - 1; s++) {
      const a: Vec3 = [points[3 * s] as number, points[3 * s + 1] as number, points[3 * s + 2] as number];
      const b: Vec3 = [points[3 * s + 3] as number, points[3 * s + 4] as number, points[3 * s + 5] as number];
      const clipped = clipSegment(a, b);
      if (!clipped) continue;
      const [p, q] = clipped;
      if (!keep([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2])) continue;
      const pp = camera.project(p);
      const pq = camera.project(q);
      ctx.moveTo(pp.x, pp.y);
      ctx.lineTo(pq.x, pq.y);
    }
    start += length;
  }
  ctx.strokeStyle = withAlpha(curves.colour ?? options.theme.muted, 0.55 * (curves.opacity ?? 1));
  ctx.lineWidth = (curves.width ?? 1) * options.unit;
  ctx.lineCap = "round";
  ctx.stroke();
  ctx.restore();
}

/** The part of the segment a-b inside the unit box (Liang-Barsky), or undefined. */
export function clipSegment(a: Vec3, b: Vec3): [Vec3, Vec3] | undefined {
  let t0 = 0;
  let t1 = 1;
  for (let k = 0; k < 3; k++) {
    const d = (b[k] as number) - (a[k] as number);
    for (const [p, q] of [
      [-d, a[k] as number],
      [d, 1 - (a[k] as number)],
    ] as const) {
      if (p === 0) {
        if (q < 0) return undefined;
      } else {
        const t = q / p;
        if (p < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
    }
  }
  if (t0 > t1) return undefined;
  const along = (t: number): Vec3 => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
  return [along(t0), along(t1)];
}
