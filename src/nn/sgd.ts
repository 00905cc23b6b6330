import { type BatchWorkspace, backpropBatch, forwardBatch } from "./batch.ts";
import type { Network } from "./network.ts";

export interface SgdOptions {
  /** η, the learning rate. */
  learningRate: number;
  /** μ for classical momentum, v ← μv − (η/m)∇, p ← p + v. 0 gives plain SGD. */
  momentum?: number;
}

/** Mini-batch stochastic gradient descent, as Nielsen's update_mini_batch. */
export class Sgd {
  private readonly net: Network;
  private readonly eta: number;
  private readonly mu: number;
  private readonly params: Float64Array[];
  private readonly velocity: Float64Array[] | null;

  constructor(net: Network, options: SgdOptions) {
    this.net = net;
    this.eta = options.learningRate;
    this.mu = options.momentum ?? 0;
    this.params = net.parameterArrays();
    this.velocity = this.mu === 0 ? null : this.params.map((p) => new Float64Array(p.length));
  }

  /** One step on the batch loaded into `ws`: forward, backprop, then the update. */
  step(ws: BatchWorkspace): void {
    forwardBatch(this.net, ws);
    backpropBatch(this.net, ws);
    const rate = this.eta / ws.size;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k] as Float64Array;
      const g = ws.gradArrays[k] as Float64Array;
      const v = this.velocity?.[k];
      if (v === undefined) {
        // w ← w − (η/m) Σ ∇w, exactly network.py's expression.
        for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - rate * (g[i] as number);
      } else {
        for (let i = 0; i < p.length; i++) {
          v[i] = this.mu * (v[i] as number) - rate * (g[i] as number);
          p[i] = (p[i] as number) + (v[i] as number);
        }
      }
    }
  }
}
