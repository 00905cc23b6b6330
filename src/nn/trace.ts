import { type Matrix, matmulInto, matmulTransAInto, matmulTransBInto, zeros } from "./matrix.ts";
import { type Gradients, type Network, zeroGradients } from "./network.ts";

/**
 * Everything one example's forward and backward pass computes, layer by layer, indexed by
 * the layer number l (0 = input, L = output) so that `zs[l]` is zˡ, as in the notebook.
 */
export interface ExampleTrace {
  sizes: number[];
  /** The target y the cost compares the output with (the label encoded as in training). */
  target: Float64Array;
  /** zˡ = Wˡ aˡ⁻¹ + bˡ for l = 1..L; zs[0] is empty (the input has no weighted input). */
  zs: Float64Array[];
  /** aˡ = act(zˡ); activations[0] is the input x. */
  activations: Float64Array[];
  /** δˡ = ∂C/∂zˡ: BP1 for l = L, BP2 below; deltas[0] is empty. */
  deltas: Float64Array[];
  /** The example's cost C under the network's loss. */
  cost: number;
  /** BP3 and BP4: ∂C/∂bˡ = δˡ and ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, index k holding layer k + 1 like the network. */
  gradients: Gradients;
}

/**
 * One example's forward and backward pass with every intermediate kept, for figures that
 * show z, a and δ. `target` is the target vector, or a class label encoded as training
 * encodes it (one output unit: the label itself; K units: one-hot).
 *
 * Built from the engine's own parts (the matrix products of the batch code on a single
 * column, the network's activations and its loss's BP1), so the numbers shown are the
 * numbers trained with; tests compare it with `backpropExample`.
 */
export function traceExample(net: Network, x: ArrayLike<number>, target: ArrayLike<number> | number): ExampleTrace {
  const L = net.depth;
  const sizes = [...net.sizes];
  if (x.length !== sizes[0]) {
    throw new RangeError(`the example has ${x.length} inputs but the network takes ${sizes[0]}`);
  }
  const y = encodeTarget(target, sizes[L] as number);

  const activations: Float64Array[] = [Float64Array.from(x)];
  const zs: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) {
    const z = zeros(sizes[l] as number, 1);
    matmulInto(
      z,
      net.weights[l - 1] as Matrix,
      column(activations[l - 1] as Float64Array),
      net.biases[l - 1] as Float64Array,
    );
    const a = new Float64Array(z.data.length);
    net.activationOf(l).apply(z.data, a);
    zs.push(z.data);
    activations.push(a);
  }

  const deltas: Float64Array[] = sizes.map(() => new Float64Array(0));
  const top = new Float64Array(sizes[L] as number);
  net.loss.outputDelta({ z: zs[L] as Float64Array, a: activations[L] as Float64Array, y, act: net.output, delta: top });
  deltas[L] = top;
  for (let l = L - 1; l >= 1; l--) {
    const back = zeros(sizes[l] as number, 1);
    matmulTransAInto(back, net.weights[l] as Matrix, column(deltas[l + 1] as Float64Array));
    net.activationOf(l).scaleByDerivative(zs[l] as Float64Array, activations[l] as Float64Array, back.data);
    deltas[l] = back.data;
  }

  const gradients = zeroGradients(sizes);
  for (let l = 1; l <= L; l++) {
    (gradients.biases[l - 1] as Float64Array).set(deltas[l] as Float64Array);
    matmulTransBInto(
      gradients.weights[l - 1] as Matrix,
      column(deltas[l] as Float64Array),
      column(activations[l - 1] as Float64Array),
    );
  }
  const cost = net.loss.cost(activations[L] as Float64Array, y);
  return { sizes, target: y, zs, activations, deltas, cost, gradients };
}

/** A vector as an n x 1 matrix (a view: no copy). */
function column(v: Float64Array): Matrix {
  return { rows: v.length, cols: 1, data: v };
}

function encodeTarget(target: ArrayLike<number> | number, outputs: number): Float64Array {
  if (typeof target !== "number") {
    if (target.length !== outputs) {
      throw new RangeError(`the target has ${target.length} entries but the network has ${outputs} outputs`);
    }
    return Float64Array.from(target);
  }
  if (outputs === 1) return Float64Array.of(target);
  if (!Number.isInteger(target) || target < 0 || target >= outputs) {
    throw new RangeError(`label ${target} is not a class of a network with ${outputs} outputs (0..${outputs - 1})`);
  }
  const y = new Float64Array(outputs);
  y[target] = 1;
  return y;
}
