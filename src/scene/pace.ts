import { feedforward } from "../nn/example.ts";
import type { Run } from "../train/index.ts";
import { runNetwork } from "./network.ts";

/**
 * The network's outputs on the run's data at each snapshot: for snapshot k, one row of
 * `outputs` numbers per example, in the data's order.
 */
export function snapshotOutputs(run: Run): Float64Array[] {
  const outputs = run.config.sizes.at(-1) ?? 1;
  const n = run.data.X.length;
  return run.snapshots.map((snapshot) => {
    const net = runNetwork(run, snapshot);
    const values = new Float64Array(n * outputs);
    run.data.X.forEach((x, i) => {
      values.set(feedforward(net, x), i * outputs);
    });
    return values;
  });
}

/**
 * Epochs a figure averages the run over at `time`: those the clip passes in `seconds` around
 * it, like a camera's shutter. Where the clip runs through many noisy snapshots a frame, they
 * are averaged and the learning shows without the SGD noise; where it runs slowly, or holds,
 * the state is shown as it is.
 */
export function shutterWindow(clock: (time: number) => { epoch: number }, time: number, seconds = 0.5): number {
  return Math.abs(clock(time + seconds / 2).epoch - clock(time - seconds / 2).epoch);
}
