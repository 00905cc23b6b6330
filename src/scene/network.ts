import { Network, type PlainParams } from "../nn/index.ts";
import type { Run } from "../train/index.ts";

/**
 * The network a run trained (its sizes, activations and loss, with train's defaults), holding
 * the weights and biases of `params`: a snapshot, or the run between snapshots (`stateAt`).
 * Default: the last snapshot. `feedforward(runNetwork(run, stateAt(run, 12.5)), [x])`
 */
export function runNetwork(run: Run, params: PlainParams | undefined = run.snapshots.at(-1)): Network {
  if (!params) throw new RangeError("runNetwork: the run has no snapshots; train it first");
  const { sizes, activation = "sigmoid", outputActivation, loss } = run.config;
  return Network.fromPlain(
    { sizes, activation, ...(outputActivation ? { outputActivation } : {}), ...(loss ? { loss } : {}) },
    params,
  );
}
