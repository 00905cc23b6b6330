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
 * outputs by argmax.
 */
export function classifier(labels: number[], outputs: number): (out: ArrayLike<number>) => number {
  if (outputs > 1) {
    return (out) => {
      let best = 0;
      for (let k = 1; k < out.length; k++) if ((out[k] as number) > (out[best] as number)) best = k;
      return best;
    };
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of labels) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!(low < high)) [low, high] = [0, 1];
  const threshold = (low + high) / 2;
  return (out) => ((out[0] as number) > threshold ? high : low);
}
