/**
 * The input plane carried into a hidden layer's space: grid lines of the plane, sampled finely,
 * each sample taken forward through the network, so the viewer sees the plane bend, stretch
 * and fold as the network learns. Points and grid go through the same network (the run's
 * weights at that moment), so a point on a grid line stays on it.
 */
import type { Curves3d } from "../draw/space3d.ts";
import { BatchWorkspace, forwardBatch, type Matrix, type Network } from "../nn/index.ts";

/** Lines of the input plane, as polylines: every line's samples one after another. */
export interface InputGrid {
  /** x₁, x₂ of every sample, flat. */
  inputs: Float64Array;
  /** Samples per line, in order. */
  lengths: number[];
}

/**
 * `lines` vertical and `lines` horizontal lines evenly across the square [low, high]², each
 * sampled at `samples` points from edge to edge. Default 13 lines of 121 samples: where a
 * sigmoid layer is steep the steps stay a few pixels long, so the lines are smooth curves.
 */
export function inputGrid(
  range: readonly [number, number],
  options: { lines?: number; samples?: number } = {},
): InputGrid {
  const { lines = 13, samples = 121 } = options;
  const [low, high] = range;
  const inputs = new Float64Array(2 * 2 * lines * samples);
  let k = 0;
  for (const vertical of [true, false]) {
    for (let i = 0; i < lines; i++) {
      const across = low + ((high - low) * i) / (lines - 1);
      for (let s = 0; s < samples; s++) {
        const along = low + ((high - low) * s) / (samples - 1);
        inputs[k++] = vertical ? across : along;
        inputs[k++] = vertical ? along : across;
      }
    }
  }
  return { inputs, lengths: Array.from({ length: 2 * lines }, () => samples) };
}

/** The activations of `layer` for each input (n x 2, flat), n x units flat: the network's forward pass. */
export function layerActivations(net: Network, inputs: Float64Array, layer: number): Float64Array {
  const n = inputs.length / 2;
  if (net.sizes[0] !== 2) throw new RangeError(`layerActivations: the network has ${net.sizes[0]} inputs, not 2`);
  if (!(layer >= 0 && layer <= net.depth))
    throw new RangeError(`layerActivations: no layer ${layer} in [${net.sizes.join(", ")}]`);
  const ws = new BatchWorkspace(net.sizes, n);
  ws.loadInputs(
    inputs,
    Uint32Array.from({ length: n }, (_, i) => i),
    0,
  );
  forwardBatch(net, ws);
  // A[layer] is units x n, one column per input: turned into one row per input.
  const a = ws.as[layer] as Matrix;
  const out = new Float64Array(n * a.rows);
  for (let u = 0; u < a.rows; u++) for (let j = 0; j < n; j++) out[j * a.rows + u] = a.data[u * n + j] as number;
  return out;
}

/** The grid's lines in the space of `layer` (which must have three units), for `drawPanel3d`'s `curves`. */
export function warpedGrid(net: Network, grid: InputGrid, layer: number): Curves3d {
  if (net.sizes[layer] !== 3) {
    throw new RangeError(`warpedGrid: layer ${layer} has ${net.sizes[layer]} units; the 3-D panel shows a layer of 3`);
  }
  return { points: layerActivations(net, grid.inputs, layer), lengths: grid.lengths };
}
