import { BatchWorkspace, forwardBatch } from "./batch.ts";
import type { Matrix } from "./matrix.ts";
import type { Network } from "./network.ts";

/**
 * The network's first output over a size x size grid of a 2-input network's input plane,
 * [low, high] on both axes: row 0 is the top (highest x₂), sample (i, j) at the centre of its
 * cell. For drawing decision regions and boundaries.
 */
export function outputField(net: Network, options: { range: [number, number]; size: number }): Float64Array {
  const { size, range } = options;
  if (net.sizes[0] !== 2) throw new RangeError(`outputField needs a network with 2 inputs, not ${net.sizes[0]}`);
  const ws = new BatchWorkspace(net.sizes, size * size);
  const input = (ws.as[0] as Matrix).data;
  const step = (range[1] - range[0]) / size;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const k = i * size + j;
      input[k] = range[0] + (j + 0.5) * step;
      input[size * size + k] = range[1] - (i + 0.5) * step;
    }
  }
  const out = forwardBatch(net, ws);
  return out.data.slice(0, size * size);
}
