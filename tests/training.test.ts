import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { type Run, type TrainProgress, train, trainAsync } from "../src/train/index.ts";

interface TrainingFixture {
  sizes: number[];
  X: number[][];
  y: number[];
  init: { weights: number[][][]; biases: number[][] };
  runs: {
    name: string;
    order: number[];
    epochs: number;
    batchSize: number;
    learningRate: number;
    momentum: number;
    history: { epoch: number; weights: number[][][]; biases: number[][]; loss: number }[];
    final: { activations: number[][]; accuracy: number };
  }[];
}

const fixture: TrainingFixture = JSON.parse(readFileSync(new URL("fixtures/training.json", import.meta.url), "utf8"));

function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, "shapes differ");
  return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i])));
}

describe("training matches numpy's Nielsen-style mini-batch SGD (fixtures/training.json)", () => {
  for (const ref of fixture.runs) {
    test(ref.name, () => {
      const run = train({
        sizes: fixture.sizes,
        activation: "sigmoid",
        loss: "quadratic",
        data: { X: ref.order.map((i) => fixture.X[i]), y: ref.order.map((i) => fixture.y[i]) },
        init: fixture.init,
        epochs: ref.epochs,
        batchSize: ref.batchSize,
        learningRate: ref.learningRate,
        momentum: ref.momentum,
        shuffle: false,
        snapshot: { layers: [2] },
      });
      assert.equal(run.snapshots.length, ref.epochs + 1, "one snapshot before training and one per epoch");
      ref.history.forEach((expected, e) => {
        const got = run.snapshots[e];
        assert.ok(got);
        assert.equal(got.epoch, expected.epoch);
        assert.ok(maxAbsDiff(got.weights, expected.weights) < 1e-9, `weights at epoch ${e}`);
        assert.ok(maxAbsDiff(got.biases, expected.biases) < 1e-9, `biases at epoch ${e}`);
        assert.ok(Math.abs(got.loss - expected.loss) < 1e-9, `loss at epoch ${e}: ${got.loss} vs ${expected.loss}`);
      });
      const last = run.snapshots.at(-1);
      assert.ok(last);
      assert.ok(maxAbsDiff(last.activations["2"], ref.final.activations) < 1e-9, "layer-2 activations after training");
      assert.equal(last.accuracy, ref.final.accuracy);
    });
  }
});

describe("trainAsync: the same training, interruptible", () => {
  const config = {
    sizes: [2, 3, 3, 1],
    data: { dataset: "circles", n: 300, factor: 0.3, noise: 0.1, seed: 2 },
    init: { scheme: "normal", seed: 1 },
    epochs: 12,
    batchSize: 25,
    learningRate: 5,
    shuffle: true,
    snapshot: { layers: [1, 2], preActivations: true, everyBatches: 5 },
  };
  /** A training that takes many seconds: 200000 epochs of 200 points, keeping no activations. */
  const long = {
    ...config,
    data: { dataset: "circles", n: 200, factor: 0.3, noise: 0.1 },
    epochs: 200_000,
    batchSize: 20,
    snapshot: { layers: [] },
  };
  const withoutSeconds = ({ seconds: _, ...run }: Run) => run;

  test("gives exactly the run train gives", async () => {
    assert.deepEqual(withoutSeconds(await trainAsync(config)), withoutSeconds(train(config)));
    for (const ref of fixture.runs.slice(0, 1)) {
      const numpy = {
        sizes: fixture.sizes,
        data: { X: ref.order.map((i) => fixture.X[i]), y: ref.order.map((i) => fixture.y[i]) },
        init: fixture.init,
        epochs: ref.epochs,
        batchSize: ref.batchSize,
        learningRate: ref.learningRate,
        snapshot: { layers: [2] },
      };
      assert.deepEqual(withoutSeconds(await trainAsync(numpy)), withoutSeconds(train(numpy)));
    }
  });

  test("reports progress: epochs rising to the end, the latest loss, at most every ~100 ms", async () => {
    const reports: TrainProgress[] = [];
    const started = performance.now();
    const run = await trainAsync({ ...long, epochs: 3000 }, { onProgress: (p) => reports.push(p) });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(reports.length >= 2, `${reports.length} reports`);
    assert.ok(reports.length <= seconds * 10 + 2, `${reports.length} reports in ${seconds} s`);
    for (let i = 1; i < reports.length; i++) {
      assert.ok(reports[i]!.epoch >= reports[i - 1]!.epoch);
      assert.ok(reports[i]!.seconds >= reports[i - 1]!.seconds);
    }
    const last = reports.at(-1)!;
    assert.deepEqual([last.epoch, last.epochs, last.loss], [3000, 3000, run.snapshots.at(-1)!.loss]);
    assert.equal(reports[0]!.loss, run.snapshots[0]!.loss);
  });

  test("a timer keeps firing while it trains", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = performance.now();
    try {
      await trainAsync({ ...long, epochs: 8000 });
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - started;
    // train() would let it fire 0 times; trainAsync lets the event loop run every ~50 ms.
    assert.ok(ms > 300, `the training is long enough to tell (${ms.toFixed(0)} ms)`);
    assert.ok(ticks >= ms / 200, `${ticks} ticks in ${ms.toFixed(0)} ms`);
  });

  test("an abort stops a long training at once, rejecting with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(reason);
    }, 300);
    await assert.rejects(trainAsync(long, { signal: controller.signal }), (e) => e === reason);
    const late = performance.now() - abortedAt;
    assert.ok(abortedAt > 0 && late < 1000, `stopped ${late.toFixed(0)} ms after the abort`);
    // An already aborted signal stops it before it starts.
    await assert.rejects(trainAsync(long, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  });

  test("is part of the public API next to train", async () => {
    const netreel = await import("../src/index.ts");
    assert.equal(netreel.trainAsync, trainAsync);
    assert.equal(netreel.train, train);
    assert.equal(typeof netreel.saveRunAsync, "function");
  });

  test("a bad config rejects the promise instead of throwing", async () => {
    const promise = trainAsync({ ...config, epochs: -1 });
    assert.ok(promise instanceof Promise);
    await assert.rejects(promise, /config field 'epochs': must be an integer >= 0, got -1/);
  });
});
