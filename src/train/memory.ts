import { getHeapStatistics } from "node:v8";

/*
 * What a run holds in memory. Its data and its weights are plain JSON-style arrays: every row (a
 * data example, a row of weights) is its own array of doubles. The activations its snapshots
 * keep are flat (train.ts, rows.ts): one Float64Array a layer, its rows made only when read.
 *
 * Calibrated with process.memoryUsage() heapUsed + arrayBuffers around train() (node
 * --expose-gc, gc() twice before each reading; Node 20.20, 64-bit; [2,3,3,1] sigmoid, 1000
 * circles points unless said), measured -> estimated with the constants below:
 *   snapshot.layers [2], 200 epochs (201 snapshots of 1000 rows of 3)    5.49 ->  5.49 MB
 *   snapshot.layers [1,2,3], 200 epochs                                  12.34 -> 12.33 MB
 *   snapshot.layers [2] with preActivations, 200 epochs                  10.56 -> 10.63 MB
 *   snapshot.layers [0,1,2,3] with preActivations, 40 epochs              6.41 ->  6.43 MB
 *   snapshot.layers [], 1500 epochs (weights and biases only)             2.12 ->  2.13 MB
 *   [2,40,2], snapshot.everyBatches 4, 3 epochs                           5.28 ->  5.30 MB
 *   snapshot.layers [2], 100 points, 400 epochs                           2.14 ->  2.14 MB
 *   the data alone, 1e6 circles points (80 bytes an example; heapUsed)   79.93 -> 80.00 MB
 * (before the activations were flat: 16.82, 45.47 and 32.61 MB for the first three.) So a row of
 * w numbers costs 48 + 8w bytes (a 32-byte array object and a 16-byte header on its doubles), a
 * list of r rows 48 + 8r (its pointers), a snapshot's own object, its scalars and its slot in the
 * run's list about 340 bytes; a kept layer 8 bytes a number and about 1040 besides (its typed
 * array and the property that makes its rows), and each snapshot's object of layers about 520.
 * tests/memory.test.ts checks a run against the memory it really takes.
 */
const NUMBER_BYTES = 8;
const ROW_BYTES = 48;
const SNAPSHOT_BYTES = 340;
const FLAT_LAYER_BYTES = 1040;
const LAYERS_BYTES = 520;

/** An array of `width` numbers (or of `width` pointers to rows). */
const rowBytes = (width: number) => ROW_BYTES + NUMBER_BYTES * width;

export interface RunShape {
  sizes: number[];
  /** Examples in the data set. */
  examples: number;
  /** Snapshots the run will take. */
  snapshots: number;
  /** Layers whose activations every snapshot keeps. */
  layers: number[];
  preActivations: boolean;
}

/** Bytes a run of this shape holds, on V8's heap and in array buffers: its data set and its snapshots. */
export function estimateRunBytes(shape: RunShape): { data: number; snapshots: number; total: number } {
  const { sizes, examples: n } = shape;
  const features = sizes[0] as number;
  // X: n rows and the list of them; y: n numbers.
  const data = n * rowBytes(features) + 2 * rowBytes(n);
  // weights[k]: a list of sizes[k+1] rows of sizes[k]; biases[k]: sizes[k+1] numbers.
  let parameters = 2 * rowBytes(sizes.length - 1);
  for (let k = 0; k + 1 < sizes.length; k++) {
    const units = sizes[k + 1] as number;
    parameters += rowBytes(units) + units * rowBytes(sizes[k] as number) + rowBytes(units);
  }
  let kept = shape.layers.length > 0 ? LAYERS_BYTES : 0;
  for (const layer of shape.layers) kept += n * NUMBER_BYTES * (sizes[layer] as number) + FLAT_LAYER_BYTES;
  if (shape.preActivations) kept *= 2;
  const snapshots = shape.snapshots * (SNAPSHOT_BYTES + parameters + kept);
  return { data, snapshots, total: data + snapshots };
}

/** How many snapshots training takes: epoch 0, then every epoch or every k mini-batches and the last one. */
export function snapshotCount(options: { epochs: number; batchesPerEpoch: number; everyBatches?: number }): number {
  const { epochs, batchesPerEpoch, everyBatches } = options;
  if (everyBatches === undefined) return 1 + epochs;
  const batches = epochs * batchesPerEpoch;
  return 1 + Math.floor(batches / everyBatches) + (batches % everyBatches === 0 ? 0 : 1);
}

/**
 * The most a run may hold: half of V8's heap limit, leaving the rest for training and writing it.
 * (A trained run's activations are array buffers, outside that heap, so training alone could
 * hold more; the limit stays what it was when they were rows on the heap. Writing the run keeps
 * them flat: run.ts `jsonChunks`.)
 */
export function runMemoryLimit(): number {
  return getHeapStatistics().heap_size_limit / 2;
}

/**
 * Why a run of this shape does not fit under `limit` bytes, in one sentence naming the
 * estimate, the limit and what to change; null when it fits.
 */
export function runTooLarge(shape: RunShape, limit: number): string | null {
  const bytes = estimateRunBytes(shape);
  if (bytes.total <= limit) return null;
  const units = shape.layers.reduce((sum, layer) => sum + (shape.sizes[layer] as number), 0);
  const each =
    units === 0
      ? "the weights and biases"
      : `${shape.examples} examples x ${units} units${shape.preActivations ? " and their pre-activations" : ""}`;
  const snapshots = `${shape.snapshots} snapshot${shape.snapshots === 1 ? "" : "s"} of ${each}`;
  const data = `${shape.examples} examples x ${shape.sizes[0]} features`;
  const total = formatBytes(bytes.total);
  const limits = `more than this process can hold (${formatBytes(limit)}, half of Node's heap limit)`;
  const fewer =
    "take fewer snapshots (fewer epochs or a larger snapshot.everyBatches), keep fewer layers (snapshot.layers) or use fewer examples";
  if (bytes.data < 0.05 * bytes.total)
    return `the run would hold about ${total} of snapshots (${snapshots}), ${limits}; ${fewer}`;
  if (bytes.snapshots < 0.05 * bytes.total)
    return `the data set would take about ${total} (${data}), ${limits}; use fewer examples`;
  return `the run would hold about ${total}: ${formatBytes(bytes.data)} of data (${data}) and ${formatBytes(bytes.snapshots)} of snapshots (${snapshots}), ${limits}; ${fewer}`;
}

/** 1536 -> "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
