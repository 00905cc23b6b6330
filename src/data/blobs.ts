import type { BlobsOptions } from "./options.ts";
import { stream } from "../random/index.ts";
import { DataError, type Dataset, requireNonNegative, requirePositiveInteger, showValue } from "./dataset.ts";

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
