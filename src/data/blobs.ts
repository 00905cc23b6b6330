import { type Seed, stream } from "../random/index.ts";
import { DataError, type Dataset, requireNonNegative, requirePositiveInteger, showValue } from "./dataset.ts";

export interface BlobsOptions {
  /** Total number of points, split as evenly as possible over the centres. Default 100. */
  n?: number;
  /** How many centres to draw uniformly in `box`, or the centres themselves. Default 3. */
  centers?: number | number[][];
  /** Standard deviation of each blob. Default 1. */
  std?: number;
  /** Range of the drawn centres on every axis. Default [-10, 10], as scikit-learn. */
  box?: [number, number];
  /** Dimension of drawn centres. Default 2. */
  dims?: number;
  seed?: Seed;
}

/** Isotropic Gaussian blobs (scikit-learn's make_blobs, without its shuffle): label = centre index. */
export function makeBlobs(options: BlobsOptions = {}): Dataset {
  const { n = 100, centers = 3, std = 1, box = [-10, 10], dims = 2, seed = 0 } = options;
  requirePositiveInteger("makeBlobs: n", n);
  requireNonNegative("makeBlobs: std", std);
  const random = stream(seed, "data");
  const means = typeof centers === "number" ? drawCenters(centers, dims, box, random) : checkCenters(centers);
  if (n < means.length)
    throw new DataError(`makeBlobs: n (${n}) must be at least the number of centres (${means.length})`);
  const X: number[][] = [];
  const y: number[] = [];
  means.forEach((mean, k) => {
    const count = Math.floor(n / means.length) + (k < n % means.length ? 1 : 0);
    for (let i = 0; i < count; i++) {
      X.push(mean.map((m) => random.normal(m, std)));
      y.push(k);
    }
  });
  return { X, y };
}

function drawCenters(
  count: number,
  dims: number,
  box: [number, number],
  random: ReturnType<typeof stream>,
): number[][] {
  requirePositiveInteger("makeBlobs: centers", count);
  requirePositiveInteger("makeBlobs: dims", dims);
  if (!Array.isArray(box) || box.length !== 2 || !(box[0] < box[1])) {
    throw new DataError(`makeBlobs: box must be [low, high] with low < high, got ${showValue(box)}`);
  }
  return Array.from({ length: count }, () => Array.from({ length: dims }, () => random.uniformIn(box[0], box[1])));
}

function checkCenters(centers: number[][]): number[][] {
  const dims = centers[0]?.length ?? 0;
  const ok = centers.length > 0 && dims > 0 && centers.every((c) => c.length === dims && c.every(Number.isFinite));
  if (!ok) throw new DataError("makeBlobs: centers must be a non-empty list of finite points of equal length");
  return centers;
}
