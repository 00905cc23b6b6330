import type { XorOptions } from "./options.ts";
import { stream } from "../random/index.ts";
import { type Dataset, requireNonNegative, requirePositiveInteger } from "./dataset.ts";

/** The XOR problem: label 1 where the two coordinates have opposite signs, else 0. */
export function makeXor(options: XorOptions = {}): Dataset {
  const { n = 200, noise = 0, seed = 0 } = options;
  requirePositiveInteger("makeXor: n", n);
  requireNonNegative("makeXor: noise", noise);
  const random = stream(seed, "data");
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = random.uniformIn(-1, 1);
    const b = random.uniformIn(-1, 1);
    y.push(a > 0 !== b > 0 ? 1 : 0);
    X.push(noise > 0 ? [a + random.normal(0, noise), b + random.normal(0, noise)] : [a, b]);
  }
  return { X, y };
}
