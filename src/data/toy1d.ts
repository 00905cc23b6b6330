import type { Toy1dOptions } from "./options.ts";
import { type Dataset, linspace, requirePositiveInteger } from "./dataset.ts";

/** The notebook's 1-D toy set: N points on linspace(-5, 5), label +1 where x > 0, else -1. */
export function makeToy1d(options: Toy1dOptions = {}): Dataset {
  const { n = 20 } = options;
  requirePositiveInteger("makeToy1d: n", n);
  const xs = linspace(-5, 5, n);
  return { X: xs.map((x) => [x]), y: xs.map((x) => (x > 0 ? 1 : -1)) };
}
