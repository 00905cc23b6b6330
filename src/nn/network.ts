import { type Activation, type ActivationName, activation } from "./activation.ts";
import { type Loss, type LossName, loss as lossNamed } from "./loss.ts";
import { type Matrix, clone, fromRows, toRows, zeros } from "./matrix.ts";

export interface NetworkSpec {
  /** Units per layer, input first: [2, 3, 3, 1]. */
  sizes: number[];
  /** Activation of the hidden layers (and of the output unless `outputActivation` is set). */
  activation: ActivationName;
  outputActivation?: ActivationName;
  loss?: LossName;
}

/** Weights and biases as plain arrays: weights[k] is W of layer k+1 (rows = units in k+1). */
export interface PlainParams {
  weights: number[][][];
  biases: number[][];
}

/**
 * A dense feed-forward network in the notebook's notation. Layer 0 is the input; layer l
 * (1..L) has W[l] of shape (units in l) x (units in l-1) and b[l] of length (units in l).
 * In the arrays below index k holds layer k + 1.
 */
export class Network {
  readonly sizes: readonly number[];
  readonly weights: Matrix[];
  readonly biases: Float64Array[];
  readonly hidden: Activation;
  readonly output: Activation;
  readonly loss: Loss;

  constructor(spec: NetworkSpec, params: { weights: Matrix[]; biases: Float64Array[] }) {
    this.sizes = [...spec.sizes];
    this.hidden = activation(spec.activation);
    this.output = activation(spec.outputActivation ?? spec.activation);
    this.loss = lossNamed(spec.loss ?? "quadratic");
    if (this.loss.name === "cross-entropy" && this.output.name !== "sigmoid") {
      throw new RangeError(`cross-entropy needs a sigmoid output layer, not ${this.output.name}`);
    }
    this.weights = params.weights;
    this.biases = params.biases;
    this.checkShapes();
  }

  static fromPlain(spec: NetworkSpec, params: PlainParams): Network {
    return new Network(spec, {
      weights: params.weights.map((w) => fromRows(w)),
      biases: params.biases.map((b) => Float64Array.from(b)),
    });
  }

  /** Number of layers with weights (L). */
  get depth(): number {
    return this.sizes.length - 1;
  }

  /** The activation of layer l, 1 ≤ l ≤ L. */
  activationOf(layer: number): Activation {
    return layer === this.depth ? this.output : this.hidden;
  }

  toPlain(): PlainParams {
    return { weights: this.weights.map(toRows), biases: this.biases.map((b) => Array.from(b)) };
  }

  copy(): Network {
    const spec = this.spec();
    return new Network(spec, { weights: this.weights.map(clone), biases: this.biases.map((b) => b.slice()) });
  }

  spec(): NetworkSpec {
    return {
      sizes: [...this.sizes],
      activation: this.hidden.name,
      outputActivation: this.output.name,
      loss: this.loss.name,
    };
  }

  /** Every parameter, layer by layer: W (row-major) then b. Views, so writes go through. */
  parameterArrays(): Float64Array[] {
    return this.weights.flatMap((w, k) => [w.data, this.biases[k] as Float64Array]);
  }

  private checkShapes(): void {
    const L = this.depth;
    if (this.weights.length !== L || this.biases.length !== L) {
      throw new RangeError(
        `expected ${L} weight matrices and bias vectors, got ${this.weights.length} and ${this.biases.length}`,
      );
    }
    for (let k = 0; k < L; k++) {
      const w = this.weights[k] as Matrix;
      const rows = this.sizes[k + 1] as number;
      const cols = this.sizes[k] as number;
      if (w.rows !== rows || w.cols !== cols) {
        throw new RangeError(`W[${k + 1}] must be ${rows}x${cols}, got ${w.rows}x${w.cols}`);
      }
      if ((this.biases[k] as Float64Array).length !== rows) {
        throw new RangeError(`b[${k + 1}] must have ${rows} entries, got ${(this.biases[k] as Float64Array).length}`);
      }
    }
  }
}

/** Gradients of the cost, shaped like the network's parameters. */
export interface Gradients {
  weights: Matrix[];
  biases: Float64Array[];
}

export function zeroGradients(sizes: readonly number[]): Gradients {
  return {
    weights: sizes.slice(1).map((rows, k) => zeros(rows, sizes[k] as number)),
    biases: sizes.slice(1).map((rows) => new Float64Array(rows)),
  };
}
