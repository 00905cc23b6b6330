import type { Run } from "../train/index.ts";
import { clamp01, lerp, smoothstep } from "./easing.ts";
import { bracket } from "./interpolate.ts";

type Point3 = [number, number, number];

/** Where a layer's cloud of points sits and how big it is, per snapshot. */
export interface CloudFraming {
  centre: Point3;
  /** The largest 2nd-to-98th percentile range over the three axes. */
  extent: number;
}

export function cloudFramings(run: Run, layer: number): CloudFraming[] {
  let values = new Float64Array(0);
  return run.snapshots.map((snapshot) => {
    const points = snapshot.activations[String(layer)] ?? [];
    const n = points.length;
    if (values.length !== n) values = new Float64Array(n);
    const centre: Point3 = [0, 0, 0];
    let extent = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < n; j++) values[j] = (points[j] as number[])[k] as number;
      values.sort();
      const lo = values[Math.floor(0.02 * (n - 1))] ?? 0;
      const hi = values[Math.ceil(0.98 * (n - 1))] ?? 0;
      centre[k] = (lo + hi) / 2;
      extent = Math.max(extent, hi - lo);
    }
    return { centre, extent };
  });
}

/**
 * A camera target and zoom that come closer while the cloud is small (STYLE: move the camera,
 * never rescale the axes) and ease back to the whole box as it grows. Interpolated between
 * snapshots like the points themselves, so it moves as smoothly as they do.
 */
export function framingAt(
  run: Run,
  framings: CloudFraming[],
  epoch: number,
  options: { maxZoom?: number; pull?: number } = {},
): { target: Point3; zoom: number } {
  const { maxZoom = 1.5, pull = 0.8 } = options;
  const [a, b, t] = bracket(run.snapshots, epoch);
  const fa = framings[run.snapshots.indexOf(a)] as CloudFraming;
  const fb = framings[run.snapshots.indexOf(b)] as CloudFraming;
  const closeness = clamp01(1 - smoothstep(0.3, 0.75, lerp(fa.extent, fb.extent, t)));
  const target = [0, 1, 2].map((k) =>
    lerp(0.5, lerp(fa.centre[k] as number, fb.centre[k] as number, t), pull * closeness),
  );
  return { target: target as Point3, zoom: 1 + (maxZoom - 1) * closeness };
}
