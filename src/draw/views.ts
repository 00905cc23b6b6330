import { normalize, type Vec3, vec3 } from "./geometry.ts";

/**
 * A view (azimuth, elevation in degrees) that sees the plane with this normal at a grazing
 * angle of `tilt` degrees, so the two sides of the plane read clearly, preferring views near
 * `prefer`. Searched on a half-degree grid: deterministic.
 */
export function viewAcrossPlane(
  normal: Vec3,
  options: { tilt?: number; elevations?: [number, number]; prefer?: { azimuth: number; elevation: number } } = {},
): { azimuth: number; elevation: number } {
  const { tilt = 12, elevations = [10, 35], prefer = { azimuth: -40, elevation: 22 } } = options;
  const n = normalize(normal);
  const target = Math.sin((tilt * Math.PI) / 180);
  let best = { azimuth: prefer.azimuth, elevation: prefer.elevation };
  let bestCost = Number.POSITIVE_INFINITY;
  for (let el = elevations[0]; el <= elevations[1]; el += 0.5) {
    const e = (el * Math.PI) / 180;
    for (let az = -180; az < 180; az += 0.5) {
      const a = (az * Math.PI) / 180;
      const facing = Math.abs(Math.cos(e) * Math.cos(a) * n[0] + Math.cos(e) * Math.sin(a) * n[1] + Math.sin(e) * n[2]);
      const turn = (((az - prefer.azimuth + 540) % 360) - 180) / 180;
      const cost = 100 * (facing - target) ** 2 + ((el - prefer.elevation) / 30) ** 2 + 0.5 * turn ** 2;
      if (cost < bestCost) {
        bestCost = cost;
        best = { azimuth: az, elevation: el };
      }
    }
  }
  return best;
}

/** The signed turn in degrees from azimuth `from` to `to`, the short way round. */
export function shortestTurn(from: number, to: number): number {
  return ((((to - from) % 360) + 540) % 360) - 180;
}

/**
 * The normal of the plane that points lie closest to: the eigenvector of their covariance
 * with the smallest eigenvalue, by power iteration on (trace·I − C). For a cloud that is the
 * image of a 2-D input plane, this is the direction to look from to see it face on.
 */
export function bestFitNormal(points: readonly (readonly number[])[]): Vec3 {
  const n = points.length || 1;
  const mean = [0, 1, 2].map((k) => points.reduce((s, p) => s + (p[k] as number), 0) / n);
  const cov = [0, 1, 2].map((i) =>
    [0, 1, 2].map(
      (j) =>
        points.reduce(
          (s, p) => s + ((p[i] as number) - (mean[i] as number)) * ((p[j] as number) - (mean[j] as number)),
          0,
        ) / n,
    ),
  );
  const trace = [0, 1, 2].reduce((s, k) => s + (cov[k]?.[k] ?? 0), 0);
  let v: number[] = [0.3, 0.5, 0.8];
  for (let iteration = 0; iteration < 200; iteration++) {
    const w = [0, 1, 2].map(
      (i) => trace * (v[i] as number) - [0, 1, 2].reduce((s, j) => s + (cov[i]?.[j] ?? 0) * (v[j] as number), 0),
    );
    const norm = Math.hypot(...w) || 1;
    v = w.map((x) => x / norm);
  }
  return vec3(v);
}
