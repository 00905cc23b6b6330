import type { Activation } from "./activation.ts";

export const LOSS_NAMES = ["quadratic", "cross-entropy"] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** A cost of one example's output `a` against its target `y`, and its output error δᴸ. */
export interface Loss {
  readonly name: LossName;
  /** The cost of one example: a and y hold that example's output units. */
  cost(a: ArrayLike<number>, y: ArrayLike<number>): number;
  /**
   * BP1, δᴸ = ∂C/∂zᴸ, elementwise over whole arrays (one example or a batch, same layout).
   * Writes into `delta`.
   */
  outputDelta(args: { z: Float64Array; a: Float64Array; y: Float64Array; act: Activation; delta: Float64Array }): void;
}

/** The notebook's cost: C = ½‖a − y‖², δᴸ = (a − y) ⊙ σ'(zᴸ). */
export const quadratic: Loss = {
  name: "quadratic",
  cost(a, y) {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (y[i] as number);
      sum += d * d;
    }
    return 0.5 * sum;
  },
  outputDelta({ z, a, y, act, delta }) {
    for (let i = 0; i < a.length; i++) delta[i] = (a[i] as number) - (y[i] as number);
    act.scaleByDerivative(z, a, delta);
  },
};

/**
 * Binary cross-entropy, C = −Σ [y ln a + (1 − y) ln(1 − a)], for sigmoid outputs only: there
 * σ'(z) cancels and δᴸ = a − y (Nielsen's CrossEntropyCost). Terms with y = 0 or 1 are
 * taken as their limits so that a saturated, correct output costs 0, not NaN.
 */
export const crossEntropy: Loss = {
  name: "cross-entropy",
  cost(a, y) {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const ai = a[i] as number;
      const yi = y[i] as number;
      if (yi !== 0) sum -= yi * Math.log(ai);
      if (yi !== 1) sum -= (1 - yi) * Math.log(1 - ai);
    }
    return sum;
  },
  outputDelta({ a, y, delta }) {
    for (let i = 0; i < a.length; i++) delta[i] = (a[i] as number) - (y[i] as number);
  },
};

export function isLossName(name: unknown): name is LossName {
  return typeof name === "string" && (LOSS_NAMES as readonly string[]).includes(name);
}

export function loss(name: LossName): Loss {
  return name === "quadratic" ? quadratic : crossEntropy;
}
