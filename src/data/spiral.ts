import type { SpiralOptions } from "./options.ts";
import { stream } from "../random/index.ts";
import { DataError, type Dataset, linspace, requireNonNegative, requirePositiveInteger } from "./dataset.ts";

/**
 * K interleaved spiral arms (the CS231n data set): arm k has radius 0 → 1 while its angle
 * sweeps 4 radians from 4k, plus angular noise. Label k.
 */
export function makeSpiral(options: SpiralOptions = {}): Dataset {
  const { n = 300, arms = 3, noise = 0.2, seed = 0 } = options;
  requirePositiveInteger("makeSpiral: n", n);
  requirePositiveInteger("makeSpiral: arms", arms);
  if (arms < 2) throw new DataError(`makeSpiral: arms must be at least 2, got ${arms}`);
  if (n < arms) throw new DataError(`makeSpiral: n (${n}) must be at least arms (${arms})`);
  requireNonNegative("makeSpiral: noise", noise);
  const random = stream(seed, "data");
  const X: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < arms; k++) {
    const count = Math.floor(n / arms) + (k < n % arms ? 1 : 0);
    const radii = linspace(0, 1, count);
    const angles = linspace(4 * k, 4 * (k + 1), count);
    for (let i = 0; i < count; i++) {
      const r = radii[i] as number;
      const t = (angles[i] as number) + random.normal(0, noise);
      X.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push(k);
    }
  }
  return { X, y };
}
