import type { Dataset } from "../data/index.ts";

/**
 * Row-major N x d inputs and N x K targets as flat Float64Arrays. One output unit: the label
 * itself is the target. K output units: labels 0..K-1 become one-hot rows.
 */
export function encodeDataset(data: Dataset, outputs: number): { X: Float64Array; Y: Float64Array; d: number } {
  const d = data.X[0]?.length ?? 0;
  const X = new Float64Array(data.y.length * d);
  data.X.forEach((row, i) => {
    X.set(row, i * d);
  });
  const Y = new Float64Array(data.y.length * outputs);
  data.y.forEach((label, i) => {
    if (outputs === 1) Y[i] = label;
    else Y[i * outputs + label] = 1;
  });
  return { X, Y, d };
}

/**
 * Classifies network outputs the way accuracy counts them: a single output is compared with
 * the midpoint of the two label values (0.5 for labels 0 and 1, 0 for -1 and +1); several
 * outputs by argmax (the first of equal outputs wins).
 */
export function classifier(labels: ArrayLike<number>, outputs: number): (out: ArrayLike<number>) => number {
  if (outputs > 1) {
    return (out) => {
      let best = 0;
      for (let k = 1; k < out.length; k++) if ((out[k] as number) > (out[best] as number)) best = k;
      return best;
    };
  }
  const { low, high, threshold } = thresholdRule(labels);
  return (out) => ((out[0] as number) > threshold ? high : low);
}

/**
 * The rule of a single output unit: the two label values it separates and the threshold
 * between them, their midpoint. Labels all equal (or none) count as 0 and 1.
 */
export function thresholdRule(labels: ArrayLike<number>): { low: number; high: number; threshold: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] as number;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!(low < high)) [low, high] = [0, 1];
  return { low, high, threshold: (low + high) / 2 };
}
