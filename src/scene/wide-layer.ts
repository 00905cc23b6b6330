/**
 * A hidden layer wider than three, shown in 3-D: its points projected on three principal
 * directions that follow the layer as it trains without flipping or spinning.
 *
 * At every snapshot the directions are the principal axes of the layer's points (averaged over
 * the same window the frames use, so they are the axes of what is drawn), turned within their
 * span to match the previous snapshot's (`alignAxes`: orthogonal Procrustes). Between snapshots
 * the basis is the blend of the two, made orthonormal again; with `turn`, the blend of the
 * snapshots' bases under a tent `turn` times the points' window wide, so where the principal
 * directions swap (two variances crossing) the view turns over a moment instead of a frame.
 * The share reported is the drawn basis's for the drawn points; `best`, the principal axes'.
 */
import type { Vec3 } from "../draw/geometry.ts";
import type { Box3d } from "../draw/panel3d.ts";
import { type Regions3d, regionOf } from "../draw/space3d.ts";
import { alignAxes, principalAxes } from "../nn/projection.ts";
import type { Run } from "../train/index.ts";
import { type CloudFraming, framingOf, stateAround } from "./framing.ts";
import { bracketIndex, type RunState } from "./interpolate.ts";

/** The layer's points in 3-D at one moment, and what the three directions hold. */
export interface ProjectedState {
  state: RunState;
  /** n x 3, flat: each point's coordinates along the three directions, about the points' mean. */
  points: Float64Array;
  /** 3 rows of the layer's width: the directions drawn, orthonormal. */
  basis: number[][];
  /** The points' mean in the layer's space. */
  mean: number[];
  /** The share of the points' total variance the three directions drawn hold together (0 to 1). */
  share: number;
  /** The share the best three directions (the points' principal axes now) would hold: `share` at most. */
  best: number;
  /**
   * The output layer's decision in the drawn 3-D slice (through the mean, along the basis), as
   * linear scores whose argmax is the class there: z = W (mean + Bᵀu) + b. Only for the last
   * hidden layer.
   */
  regions?: Regions3d;
  /**
   * The share of points whose region in the slice is the network's own decision for them (the
   * argmax at their whole activation): how far the walls can be trusted. Points off the slice
   * can lie on the other side of a wall than their decision. Only with `regions`.
   */
  agreement?: number;
}

export interface LayerProjection {
  /** A cube [−r, r]³ that holds every snapshot's points, with round ends: one scale on all axes. */
  box: Box3d;
  /** Names for the panel's axes (`drawPanel3d`'s `axisLabels`): p₁, p₂, p₃, directions, not units. */
  axisLabels: [string, string, string];
  /** The basis at each snapshot, in the run's order. */
  bases: number[][][];
  /** Where the projected cloud sits at each snapshot, for `cloudCamera`'s `framings`: it comes closer while the cloud is small. */
  framings: CloudFraming[];
  at(epoch: number): ProjectedState;
}

/**
 * The projection of `layer` over the run. `window`: epochs the points are averaged over, as for
 * `stateAround` (default 1); or a window for each epoch, wider where the clip passes many
 * epochs a second, so SGD's noise between snapshots does not turn the view.
 */
export function projectLayer(
  run: Run,
  layer: number,
  options: { window?: number | ((epoch: number) => number); turn?: number } = {},
): LayerProjection {
  const turn = options.turn ?? 0;
  const given = options.window ?? 1;
  const windowAt = typeof given === "function" ? given : () => given;
  const width = run.config.sizes[layer];
  if (width === undefined || layer <= 0 || layer >= run.config.sizes.length - 1) {
    throw new RangeError(
      `projectLayer: layer ${layer} is not a hidden layer of a [${run.config.sizes.join(", ")}] network`,
    );
  }
  if (width < 3) throw new RangeError(`projectLayer: layer ${layer} has ${width} units; a 3-D view needs at least 3`);
  const bases: number[][][] = [];
  const projected: number[][][] = [];
  let reach = 0;
  for (const snapshot of run.snapshots) {
    const { activations } = stateAround(run, snapshot.epoch, { layer, window: windowAt(snapshot.epoch) });
    const rows = rowsOf(activations, width);
    const axes = principalAxes(rows, 3);
    const previous = bases.at(-1);
    const aligned = previous ? alignAxes(axes, previous) : axes;
    bases.push(aligned.axes);
    const coordinates = rows.map((row) => aligned.axes.map((axis) => dotAbout(axis, row, aligned.mean)));
    for (const u of coordinates) for (const v of u) reach = Math.max(reach, Math.abs(v));
    projected.push(coordinates);
  }
  const r = roundUp(1.08 * reach);
  const box: Box3d = [
    [-r, r],
    [-r, r],
    [-r, r],
  ];
  const output = layer === run.config.sizes.length - 2;
  return {
    box,
    axisLabels: ["p₁", "p₂", "p₃"],
    bases,
    framings: projected.map((points) => framingOf(points, box)),
    at(epoch) {
      const state = stateAround(run, epoch, { layer, window: windowAt(epoch) });
      // Narrowed near the ends, as `stateAround` is, so the first and last views are exact.
      const first = run.snapshots[0]?.epoch ?? 0;
      const last = run.snapshots.at(-1)?.epoch ?? 0;
      const tent = Math.min(turn * windowAt(epoch), epoch - first, last - epoch);
      const basis = orthonormal(blend(run, bases, epoch, tent));
      const rows = rowsOf(state.activations, width);
      const n = rows.length;
      const mean = Array.from({ length: width }, (_, j) => rows.reduce((s, row) => s + (row[j] as number), 0) / n);
      const points = new Float64Array(3 * n);
      let total = 0;
      let held = 0;
      rows.forEach((row, i) => {
        for (let j = 0; j < width; j++) total += ((row[j] as number) - (mean[j] as number)) ** 2;
        basis.forEach((axis, k) => {
          const u = dotAbout(axis, row, mean);
          points[3 * i + k] = u;
          held += u * u;
        });
      });
      const share = total > 0 ? held / total : 1;
      const best = principalAxes(rows, 3).share;
      const projected: ProjectedState = { state, points, basis, mean, share, best };
      if (!output) return projected;
      const regions = sliceRegions(state, basis, mean);
      return { ...projected, regions, agreement: agreement(state, rows, points, regions) };
    },
  };
}

/**
 * The snapshots' bases around `epoch`, summed with weights: the two either side, linearly, or
 * with `width` > 0 every snapshot under a tent `width` epochs either side (those two when the
 * tent holds fewer). Neighbouring aligned bases are close, so the rows stay near-orthonormal.
 */
function blend(run: Run, bases: number[][][], epoch: number, width: number): number[][] {
  const weights = new Map<number, number>();
  if (width > 0) {
    run.snapshots.forEach((snapshot, i) => {
      const w = 1 - Math.abs(snapshot.epoch - epoch) / width;
      if (w > 0) weights.set(i, w);
    });
  }
  if (weights.size < 2) {
    weights.clear();
    const [ia, ib, t] = bracketIndex(run.snapshots, epoch);
    weights.set(ia, 1 - t);
    weights.set(ib, (weights.get(ib) ?? 0) + t);
  }
  const sum = (bases[0] as number[][]).map((row) => row.map(() => 0));
  for (const [i, w] of weights) {
    (bases[i] as number[][]).forEach((row, k) => {
      const out = sum[k] as number[];
      row.forEach((v, j) => {
        out[j] = (out[j] as number) + w * v;
      });
    });
  }
  return sum;
}

/**
 * The output's scores in the layer's space, as class scores whose argmax is the decision: the
 * rows of W and b, or for one sigmoid output (class 1 where z > 0) the scores 0 and z.
 */
function sliceRegionsOf(state: RunState): { weights: number[][]; biases: number[] } {
  const W = state.weights.at(-1) as number[][];
  const b = state.biases.at(-1) as number[];
  if (W.length > 1) return { weights: W, biases: b };
  const row = W[0] as number[];
  return { weights: [row.map(() => 0), row], biases: [0, b[0] as number] };
}

function argmaxScore(scores: { weights: number[][]; biases: number[] }, h: number[]): number {
  let best = 0;
  let top = Number.NEGATIVE_INFINITY;
  scores.weights.forEach((row, k) => {
    const z = row.reduce((s, v, j) => s + v * (h[j] as number), scores.biases[k] as number);
    if (z > top) {
      top = z;
      best = k;
    }
  });
  return best;
}

/** The output's scores on the slice h = mean + Bᵀu: weights W Bᵀ, biases W mean + b. */
function sliceRegions(state: RunState, basis: number[][], mean: number[]): Regions3d {
  const { weights: W, biases: b } = sliceRegionsOf(state);
  const along = (row: number[], axis: number[] | undefined) =>
    (axis ?? []).reduce((s, v, j) => s + v * (row[j] as number), 0);
  const weights = W.map((row): Vec3 => [along(row, basis[0]), along(row, basis[1]), along(row, basis[2])]);
  const biases = W.map((row, k) => row.reduce((s, v, j) => s + v * (mean[j] as number), b[k] as number));
  return { weights, biases };
}

/** The share of points whose slice region is the output's argmax at their whole activation. */
function agreement(state: RunState, rows: number[][], points: Float64Array, regions: Regions3d): number {
  const full = sliceRegionsOf(state);
  let same = 0;
  rows.forEach((row, i) => {
    const u: Vec3 = [points[3 * i] as number, points[3 * i + 1] as number, points[3 * i + 2] as number];
    if (regionOf(regions, u) === argmaxScore(full, row)) same++;
  });
  return rows.length > 0 ? same / rows.length : 1;
}

function rowsOf(flat: Float64Array, width: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += width) rows.push(Array.from(flat.subarray(i, i + width)));
  return rows;
}

function dotAbout(axis: number[], row: number[], mean: number[]): number {
  return axis.reduce((s, v, j) => s + v * ((row[j] as number) - (mean[j] as number)), 0);
}

/** Gram-Schmidt in order: the blend of two close orthonormal bases, orthonormal again. */
function orthonormal(rows: number[][]): number[][] {
  const out: number[][] = [];
  for (const row of rows) {
    const v = row.slice();
    for (const q of out) {
      const d = q.reduce((s, x, j) => s + x * (v[j] as number), 0);
      for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) - d * (q[j] as number);
    }
    const norm = Math.hypot(...v);
    out.push(v.map((x) => x / norm));
  }
  return out;
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5 or 6 times a power of ten at or above x. */
function roundUp(x: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(x, 1e-9)));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 10].find((m) => m * power >= x - 1e-12) ?? 10;
  return step * power;
}
