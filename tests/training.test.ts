import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { train } from "../src/train/index.ts";

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
