import type { CanvasRenderingContext2D } from "canvas";
import { type AxesBoxOptions, drawAxesBoxBack, drawAxesBoxFront } from "./axes3d.ts";
import type { OrbitCamera } from "./camera.ts";
import { clipPlaneToBox, drawPolygon3d } from "./plane3d.ts";
import { projectScatter, stampScatter } from "./scatter3d.ts";
import { withAlpha } from "./theme.ts";
import { dot, type Vec3 } from "./geometry.ts";

export interface Space3dOptions extends AxesBoxOptions {
  /** n x 3 coordinates in the unit box, flat. */
  points: Float64Array;
  labels: ArrayLike<number>;
  /** The plane normal · p + offset = 0, drawn translucent and clipped to the box. */
  plane?: { normal: Vec3; offset: number; opacity?: number };
  radius?: number;
}

/**
 * A 3-D scatter in an axes box, with an optional plane, all in the right depth order: back
 * panes, the points on the far side of the plane, the plane, the points on the near side,
 * then the box's front edges. A flat convex polygon can only hide what lies behind it, so
 * splitting the points by side is exact.
 */
export function drawSpace3d(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: Space3dOptions): void {
  drawAxesBoxBack(ctx, camera, options);
  const { points, plane } = options;
  const view = projectScatter(camera, points);
  const polygon = plane ? clipPlaneToBox(plane.normal, plane.offset) : [];
  if (!plane || polygon.length === 0) {
    stampScatter(ctx, camera, view, view.order, options);
  } else {
    const cameraSide = camera.perspective
      ? Math.sign(dot(plane.normal, camera.position) + plane.offset)
      : -Math.sign(dot(plane.normal, camera.forward));
    const [nx, ny, nz] = plane.normal;
    const onCameraSide = (i: number) =>
      Math.sign(
        nx * (points[3 * i] as number) +
          ny * (points[3 * i + 1] as number) +
          nz * (points[3 * i + 2] as number) +
          plane.offset,
      ) === cameraSide;
    stampScatter(
      ctx,
      camera,
      view,
      view.order.filter((i) => !onCameraSide(i)),
      options,
    );
    const opacity = plane.opacity ?? 1;
    drawPolygon3d(ctx, camera, polygon, {
      fill: withAlpha(options.theme.accent, 0.16 * opacity),
      stroke: withAlpha(options.theme.accent, 0.7 * opacity),
      lineWidth: 1.6 * options.unit,
    });
    stampScatter(ctx, camera, view, view.order.filter(onCameraSide), options);
  }
  drawAxesBoxFront(ctx, camera, options);
}
