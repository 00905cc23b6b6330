import type { Run, Snapshot } from "../train/index.ts";

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
  const actsA = layer === undefined ? [] : activationsOf(a, layer);
  const actsB = layer === undefined ? [] : activationsOf(b, layer);
  const n = actsA.length;
  const units = actsA[0]?.length ?? 0;
  const activations = new Float64Array(n * units);
  for (let i = 0; i < n; i++) {
    const pa = actsA[i] as number[];
    const pb = actsB[i] as number[];
    for (let k = 0; k < units; k++)
      activations[i * units + k] = (pa[k] as number) + t * ((pb[k] as number) - (pa[k] as number));
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

/** The snapshots either side of `epoch` and how far between them it lies. */
export function bracket(snaps: Snapshot[], epoch: number): [Snapshot, Snapshot, number] {
  const first = snaps[0];
  const last = snaps.at(-1);
  if (!first || !last) throw new RangeError("a run needs at least one snapshot");
  if (epoch <= first.epoch) return [first, first, 0];
  if (epoch >= last.epoch) return [last, last, 0];
  let lo = 0;
  let hi = snaps.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((snaps[mid] as Snapshot).epoch <= epoch) lo = mid;
    else hi = mid;
  }
  const a = snaps[lo] as Snapshot;
  const b = snaps[hi] as Snapshot;
  return [a, b, (epoch - a.epoch) / (b.epoch - a.epoch)];
}

function activationsOf(snapshot: Snapshot, layer: number): number[][] {
  const acts = snapshot.activations[String(layer)];
  if (!acts) {
    throw new RangeError(
      `the run has no activations of layer ${layer}; add it to the training config's snapshot.layers`,
    );
  }
  return acts;
}
