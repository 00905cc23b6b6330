import type { MoonsOptions } from "./options.ts";
import { type Dataset, finish, linspace, requireNonNegative, splitCount } from "./dataset.ts";

/** scikit-learn's make_moons: two interleaving half circles, labels 0 (upper) and 1. */
export function makeMoons(options: MoonsOptions = {}): Dataset {
  const { n = 100, noise = 0, seed = 0, shuffle = true } = options;
  const [nOut, nIn] = splitCount("makeMoons", n);
  requireNonNegative("makeMoons: noise", noise);
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, nOut)) {
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, nIn)) {
    X.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5]);
    y.push(1);
  }
  return finish({ X, y }, { noise, seed, shuffle });
}
