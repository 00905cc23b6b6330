import { clamp01 } from "../draw/smoothstep.ts";

export { clamp01, smoothstep } from "../draw/smoothstep.ts";

/** An easing maps progress in [0, 1] to eased progress in [0, 1], with f(0) = 0 and f(1) = 1. */
export type Easing = (t: number) => number;

export const linear: Easing = (t) => clamp01(t);

/** Cubic ease in and out: zero speed at both ends. */
export const easeInOutCubic: Easing = (t) => {
  const x = clamp01(t);
  return x < 0.5 ? 4 * x * x * x : 1 - (-2 * x + 2) ** 3 / 2;
};

/** Sine ease in and out: gentler than cubic; for slow camera moves. */
export const easeInOutSine: Easing = (t) => -(Math.cos(Math.PI * clamp01(t)) - 1) / 2;

export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

/**
 * Cubic ease in and out through epochs spaced as on a log axis: `sharpness` k gives the first
 * 1/e^k of the epochs about as much time as the next decade. Networks often change most in
 * their first mini-batches (a boundary turning round) and then refine for many epochs: paced
 * by epochs alone, that turn flashes past in a few frames. k = 0 is `easeInOutCubic`.
 */
export function logEpochs(sharpness: number): Easing {
  if (!(sharpness > 0)) return easeInOutCubic;
  const scale = Math.expm1(sharpness);
  return (t) => Math.expm1(sharpness * easeInOutCubic(t)) / scale;
}
