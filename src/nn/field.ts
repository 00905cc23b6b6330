import { BatchWorkspace, forwardBatch } from "./batch.ts";
import type { Matrix } from "./matrix.ts";
import type { Network } from "./network.ts";

/** Every output unit of a 2-input network over a square grid of its input plane. */
export interface OutputsField {
  /** Grid points per side. */
  size: number;
  /** [low, high] on both axes. */
  range: [number, number];
  /** Output units (K). */
  units: number;
  /**
   * K planes of size x size, unit by unit: output k at grid point (i, j) is
   * values[k * size * size + i * size + j]; row 0 is the top (highest x₂), and point (i, j)
   * sits at the centre of its cell.
   */
  values: Float64Array;
}

/**
 * All K outputs over a size x size grid of the input plane, for decision regions (argmax).
 * `into`, when it holds exactly K planes, is written over and returned as `values` instead of a
 * new array (a caller that keeps one field at a time: a figure's class map, every frame).
 */
export function outputsField(
  net: Network,
  options: { range: [number, number]; size: number; into?: Float64Array },
): OutputsField {
  const { size, range } = options;
  if (net.sizes[0] !== 2) throw new RangeError(`outputField needs a network with 2 inputs, not ${net.sizes[0]}`);
  const ws = workspaceFor(net.sizes, size * size);
  const input = (ws.as[0] as Matrix).data;
  const step = (range[1] - range[0]) / size;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const k = i * size + j;
      input[k] = range[0] + (j + 0.5) * step;
      input[size * size + k] = range[1] - (i + 0.5) * step;
    }
  }
  // forwardBatch's output is K x (size * size), one row per unit: already the planes' layout.
  const out = forwardBatch(net, ws);
  const values = options.into?.length === out.data.length ? options.into : new Float64Array(out.data.length);
  values.set(out.data);
  return { size, range: [range[0], range[1]], units: out.rows, values };
}

/**
 * The workspace of the last grid evaluated, reused while the network's sizes and the grid's
 * stay the same: a figure evaluates its regions every frame, and a new workspace each time
 * (a few MB of matrices) was most of what a frame allocated. Every value a pass reads, it
 * writes first (the inputs here, each layer's Z and A in forwardBatch), so reuse changes no
 * output.
 */
let lastWorkspace: { key: string; ws: BatchWorkspace } | null = null;

function workspaceFor(sizes: readonly number[], m: number): BatchWorkspace {
  const key = `${sizes.join()}|${m}`;
  if (lastWorkspace?.key !== key) lastWorkspace = { key, ws: new BatchWorkspace(sizes, m) };
  return lastWorkspace.ws;
}

/**
 * The network's first output over a size x size grid of a 2-input network's input plane,
 * [low, high] on both axes: row 0 is the top (highest x₂), sample (i, j) at the centre of its
 * cell. For drawing a one-output network's decision regions and boundary.
 */
export function outputField(net: Network, options: { range: [number, number]; size: number }): Float64Array {
  const { values, size } = outputsField(net, options);
  return values.slice(0, size * size);
}
