import type { Matrix } from "./matrix.ts";
import { type Gradients, type Network, zeroGradients } from "./network.ts";

/**
 * Backprop for a single example, written as Nielsen's network.py loop: one column vector at
 * a time. It is the readable reference the vectorised `backpropBatch` is tested against.
 */
export function backpropExample(net: Network, x: ArrayLike<number>, y: ArrayLike<number>): Gradients {
  const L = net.depth;
  // Forward pass, keeping every z and activation.
  const activations: Float64Array[] = [Float64Array.from(x)];
  const zs: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) {
    const z = affine(
      net.weights[l - 1] as Matrix,
      activations[l - 1] as Float64Array,
      net.biases[l - 1] as Float64Array,
    );
    const a = new Float64Array(z.length);
    net.activationOf(l).apply(z, a);
    zs.push(z);
    activations.push(a);
  }
  // Backward pass.
  const grads = zeroGradients(net.sizes);
  let delta: Float64Array = new Float64Array(net.sizes[L] as number);
  net.loss.outputDelta({
    z: zs[L] as Float64Array,
    a: activations[L] as Float64Array,
    y: Float64Array.from(y),
    act: net.output,
    delta,
  });
  for (let l = L; l >= 1; l--) {
    (grads.biases[l - 1] as Float64Array).set(delta);
    outerInto(grads.weights[l - 1] as Matrix, delta, activations[l - 1] as Float64Array);
    if (l > 1) {
      const below = transposeTimes(net.weights[l - 1] as Matrix, delta);
      net.activationOf(l - 1).scaleByDerivative(zs[l - 1] as Float64Array, activations[l - 1] as Float64Array, below);
      delta = below;
    }
  }
  return grads;
}

/** The gradients summed over examples (rows of X, targets rows of Y), one example at a time. */
export function backpropExamples(net: Network, X: number[][], Y: number[][]): Gradients {
  const total = zeroGradients(net.sizes);
  X.forEach((x, i) => {
    const g = backpropExample(net, x, Y[i] as number[]);
    total.weights.forEach((w, k) => {
      addInto(w.data, (g.weights[k] as Matrix).data);
    });
    total.biases.forEach((b, k) => {
      addInto(b, g.biases[k] as Float64Array);
    });
  });
  return total;
}

/** Feeds one example forward: the output layer's activations. */
export function feedforward(net: Network, x: ArrayLike<number>): Float64Array {
  let a = Float64Array.from(x);
  for (let l = 1; l <= net.depth; l++) {
    const z = affine(net.weights[l - 1] as Matrix, a, net.biases[l - 1] as Float64Array);
    a = new Float64Array(z.length);
    net.activationOf(l).apply(z, a);
  }
  return a;
}

function affine(w: Matrix, a: Float64Array, b: Float64Array): Float64Array {
  const z = new Float64Array(w.rows);
  for (let i = 0; i < w.rows; i++) {
    let sum = 0;
    for (let k = 0; k < w.cols; k++) sum += (w.data[i * w.cols + k] as number) * (a[k] as number);
    z[i] = sum + (b[i] as number);
  }
  return z;
}

function transposeTimes(w: Matrix, v: Float64Array): Float64Array {
  const out = new Float64Array(w.cols);
  for (let k = 0; k < w.cols; k++) {
    let sum = 0;
    for (let i = 0; i < w.rows; i++) sum += (w.data[i * w.cols + k] as number) * (v[i] as number);
    out[k] = sum;
  }
  return out;
}

function outerInto(out: Matrix, u: Float64Array, v: Float64Array): void {
  for (let i = 0; i < u.length; i++) {
    for (let j = 0; j < v.length; j++) out.data[i * out.cols + j] = (u[i] as number) * (v[j] as number);
  }
}

function addInto(target: Float64Array, source: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + (source[i] as number);
}
