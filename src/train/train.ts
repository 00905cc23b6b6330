import { BatchWorkspace, forwardBatch, type Matrix, type Network, quadratic, Sgd } from "../nn/index.ts";
import { stream } from "../random/index.ts";
import { planTraining, type TrainConfig, type TrainPlan } from "./config.ts";
import { defineRows, type FlatRows } from "./rows.ts";
import { RUN_VERSION, type Run, type Snapshot } from "./run.ts";
import { runAll, runInSlices } from "./slices.ts";
import { classifier, encodeDataset } from "./targets.ts";

export interface TrainOptions {
  /** Called with each snapshot as it is taken (epoch 0 first). */
  onSnapshot?: (snapshot: Snapshot, progress: { epoch: number; epochs: number }) => void;
  /** Folder that a CSV data path is relative to. */
  baseDir?: string;
}

/** How far training has come: epochs done (fractional within an epoch), the latest loss, seconds so far. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** The loss at the latest snapshot. */
  loss: number;
  seconds: number;
}

export interface TrainAsyncOptions extends TrainOptions {
  /** Stops training: trainAsync then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called at the first snapshot, then at most every PROGRESS_MS while training, and at the end. */
  onProgress?: (progress: TrainProgress) => void;
}

/** Raised when the loss or a parameter stops being a finite number. */
export class DivergenceError extends Error {
  override name = "DivergenceError";
}

/** How often trainAsync reports progress, at most. */
const PROGRESS_MS = 100;

/**
 * Trains a network as the config says, with mini-batch SGD (Nielsen's update_mini_batch,
 * vectorised over each batch), and returns the run with its snapshots.
 */
export function train(config: TrainConfig | unknown, options: TrainOptions = {}): Run {
  const started = performance.now();
  const plan = planTraining(config, { baseDir: options.baseDir });
  const snapshots: Snapshot[] = [];
  runAll(
    trainingSteps(plan, (snapshot, progress) => {
      snapshots.push(snapshot);
      options.onSnapshot?.(snapshot, progress);
    }),
  );
  return finishedRun(plan, snapshots, started);
}

/**
 * Trains exactly as `train` does (the same loop, the same numbers), but returns to the event
 * loop every SLICE_MS, so a signal handler, a timer or a progress display keeps running.
 * Rejects with the signal's reason when `signal` aborts.
 */
export async function trainAsync(config: TrainConfig | unknown, options: TrainAsyncOptions = {}): Promise<Run> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const started = performance.now();
  const plan = planTraining(config, { baseDir: options.baseDir });
  const { epochs } = plan.config;
  const snapshots: Snapshot[] = [];
  const steps = trainingSteps(plan, (snapshot, progress) => {
    snapshots.push(snapshot);
    options.onSnapshot?.(snapshot, progress);
  });
  const batchesPerEpoch = Math.ceil(plan.data.y.length / plan.config.batchSize);
  let lastReport = Number.NEGATIVE_INFINITY;
  const report = (epoch: number, now: number) => {
    lastReport = now;
    const loss = (snapshots.at(-1) as Snapshot).loss;
    onProgress?.({ epoch, epochs, loss, seconds: (now - started) / 1000 });
  };
  await runInSlices(steps, {
    signal,
    afterStep:
      onProgress &&
      ((batch) => {
        const now = performance.now();
        if (now - lastReport >= PROGRESS_MS) report(batch / batchesPerEpoch, now);
      }),
  });
  if (onProgress) report(epochs, performance.now());
  return finishedRun(plan, snapshots, started);
}

function finishedRun(plan: TrainPlan, snapshots: Snapshot[], started: number): Run {
  return {
    version: RUN_VERSION,
    config: plan.config,
    data: plan.data,
    snapshots,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The training loop itself, calling `record` with every snapshot. */
export function runTraining(plan: TrainPlan, record: NonNullable<TrainOptions["onSnapshot"]>): void {
  runAll(trainingSteps(plan, record));
}

/**
 * The one training loop that `train`, `trainAsync` and `runTraining` drive. It yields the
 * number of mini-batches done after the first snapshot and after every mini-batch, so a
 * driver can return to the event loop between them; the numbers do not depend on how it is
 * driven.
 */
function* trainingSteps(
  plan: TrainPlan,
  record: NonNullable<TrainOptions["onSnapshot"]>,
): Generator<number, void, void> {
  const { config, data, network: net } = plan;
  const n = data.y.length;
  const outputs = config.sizes[config.sizes.length - 1] as number;
  const { X, Y } = encodeDataset(data, outputs);
  const sgd = new Sgd(net, { learningRate: config.learningRate, momentum: config.momentum });
  const order = Array.from({ length: n }, (_, i) => i);
  const shuffler = stream(config.seed, "shuffle");
  const m = config.batchSize;
  const batchesPerEpoch = Math.ceil(n / m);
  const workspaces = new Map<number, BatchWorkspace>();
  const workspace = (size: number): BatchWorkspace => {
    const known = workspaces.get(size);
    if (known) return known;
    const ws = new BatchWorkspace(net.sizes, size);
    workspaces.set(size, ws);
    return ws;
  };
  const evaluator = new Evaluator(plan, X, Y);
  const every = config.snapshot.everyBatches ?? null;
  const take = (batch: number) => {
    const epoch = batch / batchesPerEpoch;
    const snapshot = evaluator.snapshot(net, epoch, batch);
    if (!Number.isFinite(snapshot.loss) || !net.parameterArrays().every((p) => p.every(Number.isFinite))) {
      throw new DivergenceError(
        `training diverged at epoch ${formatEpoch(epoch)}: the loss or a parameter is no longer a finite number; try a smaller learning rate (now ${config.learningRate})`,
      );
    }
    record(snapshot, { epoch, epochs: config.epochs });
  };

  take(0);
  yield 0;
  let batch = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    if (config.shuffle) shuffler.shuffle(order);
    for (let start = 0; start < n; start += m) {
      const ws = workspace(Math.min(m, n - start));
      ws.loadInputs(X, order, start);
      ws.loadTargets(Y, order, start);
      sgd.step(ws);
      batch++;
      if (every !== null && batch % every === 0) take(batch);
      yield batch;
    }
    if (every === null) take(batch);
    else if (epoch === config.epochs && batch % every !== 0) take(batch);
  }
}

/** The columns of a matrix, flat, one after another: one row per example. */
function columns(m: Matrix): FlatRows {
  const values = new Float64Array(m.rows * m.cols);
  for (let j = 0, at = 0; j < m.cols; j++) {
    for (let i = 0; i < m.rows; i++) values[at++] = m.data[i * m.cols + j] as number;
  }
  return { values, rows: m.cols, columns: m.rows };
}

/**
 * Each of `layers` of `matrices` as one row per example, kept flat (rows.ts): made into rows
 * only if something reads them by name. The run goes to the scene's processes and the run cache
 * packed, straight from these arrays: hidden.ts's 121 snapshots of 1000 rows were 121,000 small
 * arrays, made, copied by the young collections while training and flattened again to be sent.
 */
function perExample(matrices: readonly Matrix[], layers: readonly number[]): Record<string, number[][]> {
  const kept: Record<string, number[][]> = {};
  for (const layer of layers) defineRows(kept, String(layer), columns(matrices[layer] as Matrix));
  return kept;
}

function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}

/** Feeds the whole data set forward to measure loss and accuracy and keep activations. */
class Evaluator {
  private readonly ws: BatchWorkspace;
  private readonly plan: TrainPlan;
  private readonly Y: Float64Array;
  private readonly classify: (out: ArrayLike<number>) => number;

  constructor(plan: TrainPlan, X: Float64Array, Y: Float64Array) {
    this.plan = plan;
    this.Y = Y;
    const n = plan.data.y.length;
    this.ws = new BatchWorkspace(plan.network.sizes, n);
    const identity = Array.from({ length: n }, (_, i) => i);
    this.ws.loadInputs(X, identity, 0);
    this.ws.loadTargets(Y, identity, 0);
    this.classify = classifier(plan.data.y, plan.network.sizes[plan.network.sizes.length - 1] as number);
  }

  snapshot(net: Network, epoch: number, batch: number): Snapshot {
    const out = forwardBatch(net, this.ws);
    const { layers, preActivations } = this.plan.config.snapshot;
    const n = out.cols;
    const units = out.rows;
    const example = new Float64Array(units);
    const target = new Float64Array(units);
    let cost = 0;
    let correct = 0;
    const labels = this.plan.data.y;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < units; i++) {
        example[i] = out.data[i * n + j] as number;
        target[i] = this.Y[j * units + i] as number;
      }
      cost += quadratic.cost(example, target);
      if (this.classify(example) === labels[j]) correct++;
    }
    const snapshot: Snapshot = {
      epoch,
      batch,
      ...net.toPlain(),
      loss: cost / n,
      accuracy: correct / n,
      activations: perExample(this.ws.as, layers),
    };
    if (preActivations)
      snapshot.preActivations = perExample(
        this.ws.zs.map((z, l) => (l === 0 ? (this.ws.as[0] as Matrix) : z)),
        layers,
      );
    return snapshot;
  }
}
