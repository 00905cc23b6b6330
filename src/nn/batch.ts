import { type Gradients, type Network, zeroGradients } from "./network.ts";
import { type Matrix, matmulInto, matmulTransAInto, matmulTransBInto, zeros } from "./matrix.ts";

/**
 * The matrices of one forward and backward pass over a batch of m examples, in the notebook's
 * layout: one column per example. Allocated once per batch size and reused, so the training
 * loop allocates nothing.
 */
export class BatchWorkspace {
  readonly size: number;
  /** as[l] = A[l], (units in l) x m; as[0] is the input Xᵀ, filled by the caller. */
  readonly as: Matrix[];
  /** zs[l] = Z[l] = W[l] A[l-1] + b[l], for l ≥ 1 (zs[0] is unused). */
  readonly zs: Matrix[];
  /** deltas[l] = δ[l] = ∂C/∂Z[l]. */
  readonly deltas: Matrix[];
  /** Targets, (output units) x m, filled by the caller. */
  readonly y: Matrix;
  /** Gradients summed over the batch's examples. */
  readonly grads: Gradients;
  /** The same gradients as flat arrays, in the order of `Network.parameterArrays()`. */
  readonly gradArrays: Float64Array[];

  constructor(sizes: readonly number[], m: number) {
    this.size = m;
    this.as = sizes.map((units) => zeros(units, m));
    this.zs = sizes.map((units) => zeros(units, m));
    this.deltas = sizes.map((units) => zeros(units, m));
    this.y = zeros(sizes[sizes.length - 1] as number, m);
    this.grads = zeroGradients(sizes);
    this.gradArrays = this.grads.weights.flatMap((w, k) => [w.data, this.grads.biases[k] as Float64Array]);
  }

  /** Copies examples (rows of a row-major N x d array) into the input columns, in `order`. */
  loadInputs(X: Float64Array, order: ArrayLike<number>, start: number): void {
    loadColumns(this.as[0] as Matrix, X, order, start);
  }

  loadTargets(Y: Float64Array, order: ArrayLike<number>, start: number): void {
    loadColumns(this.y, Y, order, start);
  }
}

function loadColumns(out: Matrix, rowsData: Float64Array, order: ArrayLike<number>, start: number): void {
  const { rows: d, cols: m, data } = out;
  for (let j = 0; j < m; j++) {
    const src = (order[start + j] as number) * d;
    for (let i = 0; i < d; i++) data[i * m + j] = rowsData[src + i] as number;
  }
}

/** A[l] = act(W[l] A[l-1] + b[l]) for l = 1..L, over the whole batch at once. */
export function forwardBatch(net: Network, ws: BatchWorkspace): Matrix {
  for (let l = 1; l <= net.depth; l++) {
    const z = ws.zs[l] as Matrix;
    const a = ws.as[l] as Matrix;
    matmulInto(z, net.weights[l - 1] as Matrix, ws.as[l - 1] as Matrix, net.biases[l - 1] as Float64Array);
    net.activationOf(l).apply(z.data, a.data);
  }
  return ws.as[net.depth] as Matrix;
}

/**
 * The four backprop equations over a batch (after `forwardBatch`):
 * BP1 δ[L] from the loss, BP2 δ[l] = (W[l+1]ᵀ δ[l+1]) ⊙ act'(Z[l]),
 * BP3 ∂C/∂b[l] = Σ over examples of δ[l], BP4 ∂C/∂W[l] = δ[l] A[l-1]ᵀ.
 * The gradients are sums over the batch, as in Nielsen's update_mini_batch.
 */
export function backpropBatch(net: Network, ws: BatchWorkspace): Gradients {
  const L = net.depth;
  const top = ws.deltas[L] as Matrix;
  net.loss.outputDelta({
    z: (ws.zs[L] as Matrix).data,
    a: (ws.as[L] as Matrix).data,
    y: ws.y.data,
    act: net.output,
    delta: top.data,
  });
  for (let l = L; l >= 1; l--) {
    const delta = ws.deltas[l] as Matrix;
    sumRowsInto(ws.grads.biases[l - 1] as Float64Array, delta);
    matmulTransBInto(ws.grads.weights[l - 1] as Matrix, delta, ws.as[l - 1] as Matrix);
    if (l > 1) {
      const below = ws.deltas[l - 1] as Matrix;
      matmulTransAInto(below, net.weights[l - 1] as Matrix, delta);
      net
        .activationOf(l - 1)
        .scaleByDerivative((ws.zs[l - 1] as Matrix).data, (ws.as[l - 1] as Matrix).data, below.data);
    }
  }
  return ws.grads;
}

function sumRowsInto(out: Float64Array, m: Matrix): void {
  for (let i = 0; i < m.rows; i++) {
    let sum = 0;
    for (let j = 0; j < m.cols; j++) sum += m.data[i * m.cols + j] as number;
    out[i] = sum;
  }
}

/** The total cost Σ C_x of the batch in the workspace (after `forwardBatch`). */
export function batchCost(net: Network, ws: BatchWorkspace): number {
  const a = ws.as[net.depth] as Matrix;
  const units = a.rows;
  const out = new Float64Array(units);
  const target = new Float64Array(units);
  let total = 0;
  for (let j = 0; j < a.cols; j++) {
    for (let i = 0; i < units; i++) {
      out[i] = a.data[i * a.cols + j] as number;
      target[i] = ws.y.data[i * a.cols + j] as number;
    }
    total += net.loss.cost(out, target);
  }
  return total;
}
