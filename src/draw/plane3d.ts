import type { CanvasRenderingContext2D } from "canvas";
import type { OrbitCamera } from "./camera.ts";
import { cross, dot, normalize, sub, type Vec3, vec3 } from "./geometry.ts";

const EDGES: [Vec3, Vec3][] = [];
for (let a = 0; a < 3; a++) {
  for (const u of [0, 1]) {
    for (const v of [0, 1]) {
      const from = [0, 0, 0];
      const to = [0, 0, 0];
      from[(a + 1) % 3] = to[(a + 1) % 3] = u;
      from[(a + 2) % 3] = to[(a + 2) % 3] = v;
      to[a] = 1;
      EDGES.push([vec3(from), vec3(to)]);
    }
  }
}

/**
 * The polygon where the plane normal · p + offset = 0 cuts the unit box, its corners in
 * order around it; empty when the plane misses the box.
 */
export function clipPlaneToBox(normal: Vec3, offset: number): Vec3[] {
  const f = (p: Vec3) => dot(normal, p) + offset;
  const hits: Vec3[] = [];
  for (const [from, to] of EDGES) {
    const fa = f(from);
    const fb = f(to);
    if (fa === 0) hits.push(from);
    if ((fa < 0 && fb > 0) || (fa > 0 && fb < 0)) {
      const t = fa / (fa - fb);
      hits.push([from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1]), from[2] + t * (to[2] - from[2])]);
    }
    if (fb === 0) hits.push(to);
  }
  const unique = hits.filter((p, i) => hits.findIndex((q) => Math.hypot(...sub(p, q)) < 1e-12) === i);
  if (unique.length < 3) return [];
  // Order the corners by angle around their centroid, in the plane's own 2-D frame.
  const centroid = unique.reduce<Vec3>(
    (s, p) => [s[0] + p[0] / unique.length, s[1] + p[1] / unique.length, s[2] + p[2] / unique.length],
    [0, 0, 0],
  );
  const n = normalize(normal);
  const seed: Vec3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const u = normalize(cross(n, seed));
  const v = cross(n, u);
  return unique
    .map((p) => ({ p, angle: Math.atan2(dot(sub(p, centroid), v), dot(sub(p, centroid), u)) }))
    .sort((a, b) => a.angle - b.angle)
    .map((c) => c.p);
}

/**
 * The part of a flat convex polygon where normal · p + offset >= 0 (one Sutherland-Hodgman
 * step): a wall between two regions, cut where a third region takes over.
 */
export function clipPolygon(polygon: Vec3[], normal: Vec3, offset: number): Vec3[] {
  const f = (p: Vec3) => dot(normal, p) + offset;
  const kept: Vec3[] = [];
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length] as Vec3;
    const fp = f(p);
    const fq = f(q);
    if (fp >= 0) kept.push(p);
    if (fp >= 0 !== fq >= 0) {
      const t = fp / (fp - fq);
      kept.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), p[2] + t * (q[2] - p[2])]);
    }
  });
  return kept.length >= 3 ? kept : [];
}

export interface PolygonStyle {
  fill: string;
  stroke: string;
  lineWidth: number;
}

/** A flat polygon in 3-D, filled and outlined. */
export function drawPolygon3d(
  ctx: CanvasRenderingContext2D,
  camera: OrbitCamera,
  polygon: Vec3[],
  style: PolygonStyle,
): void {
  if (polygon.length < 3) return;
  ctx.save();
  tracePolygon3d(ctx, camera, polygon);
  ctx.fillStyle = style.fill;
  ctx.fill();
  ctx.strokeStyle = style.stroke;
  ctx.lineWidth = style.lineWidth;
  ctx.lineJoin = "round";
  ctx.stroke();
  ctx.restore();
}

/** Starts a closed path through the projected corners of a 3-D polygon. */
export function tracePolygon3d(ctx: CanvasRenderingContext2D, camera: OrbitCamera, corners: Vec3[]): void {
  ctx.beginPath();
  corners.forEach((corner, i) => {
    const p = camera.project(corner);
    if (i === 0) ctx.moveTo(p.x, p.y);
    else ctx.lineTo(p.x, p.y);
  });
  ctx.closePath();
}
