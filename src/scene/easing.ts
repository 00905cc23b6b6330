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
