import type { CirclesOptions } from "./options.ts";
import { DataError, type Dataset, finish, linspace, requireNonNegative, showValue, splitCount } from "./dataset.ts";

/**
 * scikit-learn's make_circles: an outer circle of radius 1 (label 0) around an inner
 * circle of radius `factor` (label 1), angles evenly spaced, then shuffled, then noise.
 */
export function makeCircles(options: CirclesOptions = {}): Dataset {
  const { n = 100, factor = 0.8, noise = 0, seed = 0, shuffle = true } = options;
  const [nOut, nIn] = splitCount("makeCircles", n);
  if (typeof factor !== "number" || !(factor > 0 && factor < 1)) {
    throw new DataError(`makeCircles: factor must be in (0, 1), got ${showValue(factor)}`);
  }
  requireNonNegative("makeCircles: noise", noise);
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOut, false)) {
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, nIn, false)) {
    X.push([factor * Math.cos(t), factor * Math.sin(t)]);
    y.push(1);
  }
  return finish({ X, y }, { noise, seed, shuffle });
}
