import { BatchWorkspace, backpropBatch, batchCost, forwardBatch } from "./batch.ts";
import type { Matrix } from "./matrix.ts";
import type { Gradients, Network } from "./network.ts";

export interface GradientCheckResult {
  /** ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖), the notebook's relative error. */
  relativeError: number;
  analytic: Float64Array;
  numeric: Float64Array;
}

export interface GradientCheckOptions {
  /** Step of the two-sided difference (C(p + ε) − C(p − ε)) / 2ε. Default 1e-7. */
  eps?: number;
  /** The gradient under test; default: vectorised backprop. */
  gradient?: (net: Network, ws: BatchWorkspace) => Gradients;
}

/**
 * Compares a gradient of the batch cost Σ C_x with two-sided finite differences, parameter
 * by parameter (W row-major, then b, layer by layer).
 */
export function gradientCheck(
  net: Network,
  batch: { X: Matrix; Y: Matrix },
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const { eps = 1e-7, gradient = defaultGradient } = options;
  const ws = new BatchWorkspace(net.sizes, batch.X.cols);
  (ws.as[0] as Matrix).data.set(batch.X.data);
  ws.y.data.set(batch.Y.data);
  const cost = (): number => {
    forwardBatch(net, ws);
    return batchCost(net, ws);
  };

  const grads = gradient(net, ws);
  const analytic = Float64Array.from(
    grads.weights.flatMap((w, k) => [...w.data, ...(grads.biases[k] as Float64Array)]),
  );
  const numeric = new Float64Array(analytic.length);
  let index = 0;
  for (const p of net.parameterArrays()) {
    for (let i = 0; i < p.length; i++) {
      const saved = p[i] as number;
      p[i] = saved + eps;
      const plus = cost();
      p[i] = saved - eps;
      const minus = cost();
      p[i] = saved;
      numeric[index++] = (plus - minus) / (2 * eps);
    }
  }
  const relativeError = norm(analytic.map((g, i) => g - (numeric[i] as number))) / (norm(analytic) + norm(numeric));
  return { relativeError, analytic, numeric };
}

function defaultGradient(net: Network, ws: BatchWorkspace): Gradients {
  forwardBatch(net, ws);
  return backpropBatch(net, ws);
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}
