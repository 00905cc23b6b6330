/**
 * An activation function applied elementwise. Both methods work on whole arrays so the
 * hot loops make one call per layer, not one per unit.
 */
export interface Activation {
  readonly name: ActivationName;
  /** a = act(z). */
  apply(z: Float64Array, a: Float64Array): void;
  /** delta *= act'(z), given a = act(z). */
  scaleByDerivative(z: Float64Array, a: Float64Array, delta: Float64Array): void;
}

export const ACTIVATION_NAMES = ["sigmoid", "tanh", "relu", "identity"] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

const sigmoid: Activation = {
  name: "sigmoid",
  apply(z, a) {
    for (let i = 0; i < z.length; i++) a[i] = 1 / (1 + Math.exp(-(z[i] as number)));
  },
  // sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)); a is sigmoid(z) computed the same way.
  scaleByDerivative(_z, a, delta) {
    for (let i = 0; i < a.length; i++) {
      const s = a[i] as number;
      delta[i] = (delta[i] as number) * (s * (1 - s));
    }
  },
};

const tanh: Activation = {
  name: "tanh",
  apply(z, a) {
    for (let i = 0; i < z.length; i++) a[i] = Math.tanh(z[i] as number);
  },
  scaleByDerivative(_z, a, delta) {
    for (let i = 0; i < a.length; i++) {
      const t = a[i] as number;
      delta[i] = (delta[i] as number) * (1 - t * t);
    }
  },
};

const relu: Activation = {
  name: "relu",
  apply(z, a) {
    for (let i = 0; i < z.length; i++) a[i] = Math.max(0, z[i] as number);
  },
  // The derivative at exactly 0 is taken as 0, as in most libraries.
  scaleByDerivative(z, _a, delta) {
    for (let i = 0; i < z.length; i++) if (!((z[i] as number) > 0)) delta[i] = 0;
  },
};

const identity: Activation = {
  name: "identity",
  apply(z, a) {
    a.set(z);
  },
  scaleByDerivative() {},
};

const ACTIVATIONS: Record<ActivationName, Activation> = { sigmoid, tanh, relu, identity };

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === "string" && (ACTIVATION_NAMES as readonly string[]).includes(name);
}

export function activation(name: ActivationName): Activation {
  return ACTIVATIONS[name];
}
