import type { Vec3 } from "../draw/geometry.ts";
import type { Run, Snapshot } from "../train/index.ts";
import { type FlatRows, rowsOf } from "../train/rows.ts";

/** The state of a run at a fractional epoch, interpolated between the two nearest snapshots. */
export interface RunState {
  epoch: number;
  loss: number;
  accuracy: number;
  /** n x units of the requested layer, flat. */
  activations: Float64Array;
  units: number;
  weights: number[][][];
  biases: number[][];
}

/**
 * Finds the snapshots around `epoch` and interpolates linearly between them: the activations
 * of `layer` point by point (when a layer is given), weights, loss and accuracy. Exact at
 * every snapshot.
 */
export function stateAt(run: Run, epoch: number, layer?: number): RunState {
  const snaps = run.snapshots;
  const [a, b, t] = bracket(snaps, epoch);
  const from = layer === undefined ? undefined : activationsOf(a, layer).values;
  const to = layer === undefined ? undefined : activationsOf(b, layer).values;
  const units = layer === undefined ? 0 : activationsOf(a, layer).columns;
  const activations = new Float64Array(from?.length ?? 0);
  if (from && to) {
    for (let i = 0; i < from.length; i++)
      activations[i] = (from[i] as number) + t * ((to[i] as number) - (from[i] as number));
  }
  const mix = (x: number, y: number) => x + t * (y - x);
  return {
    epoch: Math.min(Math.max(epoch, snaps[0]?.epoch ?? 0), snaps.at(-1)?.epoch ?? 0),
    loss: mix(a.loss, b.loss),
    accuracy: mix(a.accuracy, b.accuracy),
    activations,
    units,
    weights: a.weights.map((w, l) =>
      w.map((row, i) => row.map((v, j) => mix(v, (b.weights[l] as number[][])[i]?.[j] as number))),
    ),
    biases: a.biases.map((bl, l) => bl.map((v, i) => mix(v, (b.biases[l] as number[])[i] as number))),
  };
}

/**
 * The plane w · h + b = 0 of an output unit in the space of the last hidden layer, where a
 * sigmoid output is ½: w is the unit's row of the last layer's weights, b its bias. Takes the
 * interpolated state at an epoch (`stateAt`) or one of the run's snapshots. A network with
 * several outputs has a plane per unit: pick one with `unit`.
 */
export function outputPlane(
  source: RunState | Snapshot,
  options: { unit?: number } = {},
): { normal: Vec3; offset: number } {
  const weights = source.weights.at(-1);
  const biases = source.biases.at(-1);
  if (!weights || !biases) throw new RangeError("the network has no layers, so it has no output plane");
  const units = weights.length;
  if (options.unit === undefined && units !== 1) {
    throw new RangeError(
      `the output layer has ${units} units, each with its own plane: pick one with outputPlane(state, { unit: k }), k from 0 to ${units - 1}`,
    );
  }
  const unit = options.unit ?? 0;
  const row = weights[unit];
  const bias = biases[unit];
  if (!Number.isInteger(unit) || row === undefined || bias === undefined) {
    throw new RangeError(`unit ${unit} is not an output unit: the output layer has ${units} (0 to ${units - 1})`);
  }
  if (row.length !== 3) {
    throw new RangeError(
      `an output plane is drawn in the 3-D space of the last hidden layer, but that layer has ${row.length} units, not 3`,
    );
  }
  return { normal: [row[0] as number, row[1] as number, row[2] as number], offset: bias };
}

/** The snapshots either side of `epoch` and how far between them it lies. */
export function bracket(snaps: Snapshot[], epoch: number): [Snapshot, Snapshot, number] {
  const [i, j, t] = bracketIndex(snaps, epoch);
  return [snaps[i] as Snapshot, snaps[j] as Snapshot, t];
}

/** `bracket` as the snapshots' indices. */
export function bracketIndex(snaps: Snapshot[], epoch: number): [number, number, number] {
  const last = snaps.length - 1;
  if (last < 0) throw new RangeError("a run needs at least one snapshot");
  if (epoch <= (snaps[0] as Snapshot).epoch) return [0, 0, 0];
  if (epoch >= (snaps[last] as Snapshot).epoch) return [last, last, 0];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((snaps[mid] as Snapshot).epoch <= epoch) lo = mid;
    else hi = mid;
  }
  const a = snaps[lo] as Snapshot;
  const b = snaps[hi] as Snapshot;
  return [lo, hi, (epoch - a.epoch) / (b.epoch - a.epoch)];
}

/** A snapshot's activations of `layer`, flat (rows.ts). */
export function activationsOf(snapshot: Snapshot, layer: number): FlatRows {
  const acts = rowsOf(snapshot.activations, String(layer));
  if (!acts) {
    throw new RangeError(
      `the run has no activations of layer ${layer}; add it to the training config's snapshot.layers`,
    );
  }
  return acts;
}
