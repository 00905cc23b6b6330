// scenes/batch.ts: every number it shows is the engine's vectorised backprop on the run's first
// mini-batch, and equals the per-example reference (backpropExample, traceExample) example by
// example; the step it shows is the one training took. Its frames are checked by netreel test
// (scenes/__snapshots__/batch).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import batch, { batchPass, LAYER } from "../scenes/batch.ts";
import {
  backpropExample,
  backpropExamples,
  formatNumber,
  type Gradients,
  type Matrix,
  runNetwork,
  toRows,
  traceExample,
  train,
} from "../src/index.ts";

const TOLERANCE = 1e-12;

function maxAbsDiff(a: readonly number[] | Float64Array, b: readonly number[] | Float64Array): number {
  assert.equal(a.length, b.length, "shapes differ");
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs((a[i] as number) - (b[i] as number)));
  return most;
}

const column = (rows: number[][], j: number) => rows.map((row) => row[j] as number);

describe("scenes/batch.ts", () => {
  const run = train(batch.train?.(batch.seed));
  const context = {
    run,
    seed: batch.seed,
    width: 640,
    height: 360,
    fps: batch.fps,
    frames: Math.round(batch.duration * batch.fps),
    duration: batch.duration,
    theme: "light" as const,
  };
  const state = batch.prepare(context);
  const { pass } = state;
  const net = runNetwork(run, run.snapshots[0]);
  const L = net.depth;
  const examples = pass.X.map((x, j) => ({ x, y: [pass.y[j] as number] }));

  test("the batch is the run's first mini-batch: m = batchSize examples, taken in order, one per column of A⁰", () => {
    assert.equal(run.config.shuffle, false);
    assert.equal(pass.m, run.config.batchSize);
    assert.equal(pass.eta, run.config.learningRate);
    assert.deepEqual(pass.X, run.data.X.slice(0, pass.m));
    assert.deepEqual(pass.y, run.data.y.slice(0, pass.m));
    assert.deepEqual(pass.A[0], [column(pass.X, 0), column(pass.X, 1)], "A⁰ = Xᵀ");
    assert.ok(new Set(pass.y).size > 1, "both classes are in the batch");
    assert.deepEqual(batchPass(run), pass, "the same numbers every time");
  });

  test("each column of Z, A and Δ is that example's own pass (traceExample), to 1e-12", () => {
    examples.forEach(({ x, y }, j) => {
      const trace = traceExample(net, x, y);
      for (let l = 1; l <= L; l++) {
        const [Z, A, D] = [pass.Z[l], pass.A[l], pass.D[l]] as [number[][], number[][], number[][]];
        assert.equal(Z.length, net.sizes[l], `Z${l} has a row per unit`);
        assert.ok(
          maxAbsDiff(column(Z, j), trace.zs[l] as Float64Array) < TOLERANCE,
          `z of example ${j + 1}, layer ${l}`,
        );
        assert.ok(maxAbsDiff(column(A, j), trace.activations[l] as Float64Array) < TOLERANCE, `a, ${j + 1}, ${l}`);
        assert.ok(maxAbsDiff(column(D, j), trace.deltas[l] as Float64Array) < TOLERANCE, `δ, ${j + 1}, ${l}`);
      }
    });
  });

  test("the batch gradients are the sum (not the mean) of the per-example backpropExample gradients, to 1e-12", () => {
    const sum = backpropExamples(
      net,
      examples.map((e) => e.x),
      examples.map((e) => e.y),
    );
    const byHand = examples.map(({ x, y }) => backpropExample(net, x, y));
    for (let l = 1; l <= L; l++) {
      const added = (pick: (g: Gradients) => Float64Array) =>
        byHand.reduce((acc, g) => acc.map((v, i) => v + (pick(g)[i] as number)), new Array(pick(sum).length).fill(0));
      const weights = (g: Gradients) => (g.weights[l - 1] as Matrix).data;
      const biases = (g: Gradients) => g.biases[l - 1] as Float64Array;
      const shownW = (pass.sums.weights[l - 1] as number[][]).flat();
      const shownB = pass.sums.biases[l - 1] as number[];
      assert.ok(maxAbsDiff(shownW, weights(sum)) < TOLERANCE, `∂C/∂W${l} vs backpropExamples`);
      assert.ok(maxAbsDiff(shownW, added(weights)) < TOLERANCE, `∂C/∂W${l} vs the per-example sum`);
      assert.ok(maxAbsDiff(shownB, biases(sum)) < TOLERANCE, `∂C/∂b${l} vs backpropExamples`);
      assert.ok(maxAbsDiff(shownB, added(biases)) < TOLERANCE, `∂C/∂b${l} vs the per-example sum`);
      // BP3 as drawn: the sum of Δˡ's columns.
      const rowSums = (pass.D[l] as number[][]).map((row) => row.reduce((s, v) => s + v, 0));
      assert.ok(maxAbsDiff(shownB, rowSums) < TOLERANCE, `∂C/∂b${l} sums the columns of Δ${l}`);
    }
    assert.deepEqual(pass.gW, pass.sums.weights[LAYER - 1]);
    assert.deepEqual(
      pass.gb.map((r) => r[0]),
      pass.sums.biases[LAYER - 1],
    );
  });

  test("each example's δ aᵀ is its own backpropExample gradient, and they add up to the matrix shown as their sum", () => {
    assert.equal(pass.products.length, pass.m);
    examples.forEach(({ x, y }, j) => {
      const own = toRows(backpropExample(net, x, y).weights[LAYER - 1] as Matrix);
      assert.ok(maxAbsDiff((pass.products[j] as number[][]).flat(), own.flat()) < TOLERANCE, `example ${j + 1}`);
    });
    const total = pass.gW.map((row, i) =>
      row.map((_, k) => pass.products.reduce((s, p) => s + (p[i]?.[k] as number), 0)),
    );
    assert.ok(maxAbsDiff(total.flat(), pass.gW.flat()) < TOLERANCE);
  });

  test("the step shown, W − (η/m) Σ, is the step training took (the run's snapshot after its first mini-batch)", () => {
    const before = run.snapshots[0]?.weights[LAYER - 1] as number[][];
    const after = run.snapshots[1]?.weights[LAYER - 1] as number[][];
    assert.equal(run.snapshots[1]?.batch, 1);
    assert.deepEqual(pass.W, before);
    assert.ok(maxAbsDiff(pass.stepped.flat(), after.flat()) < TOLERANCE);
    const mean = pass.gW.map((row) => row.map((g) => g / pass.m));
    const byMean = before.map((row, i) => row.map((w, k) => w - pass.eta * (mean[i]?.[k] as number)));
    assert.ok(maxAbsDiff(pass.stepped.flat(), byMean.flat()) < TOLERANCE, "η times the batch's mean gradient");
    assert.deepEqual(pass.loss, [run.snapshots[0]?.loss, run.snapshots[1]?.loss]);
  });

  test("captions and equations take m, η and the losses from the run; snapshots name existing beats", () => {
    const captions = batch.captions?.(state, context) ?? [];
    const text = captions.map((c) => c.text).join("\n");
    assert.match(text, new RegExp(`m = ${run.config.batchSize}`));
    assert.ok(text.includes(`(${run.config.learningRate}/${run.config.batchSize})`));
    for (const loss of pass.loss) assert.ok(text.includes(formatNumber(loss, 4)));
    assert.ok(state.equations.some((s) => s.text.includes(`\\frac{${pass.eta}}{${pass.m}}`)));
    for (const ref of batch.snapshots ?? []) {
      if (typeof ref === "string" && !ref.endsWith("s")) state.figure.beats.time(ref);
    }
  });
});
