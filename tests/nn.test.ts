import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  type ActivationName,
  BatchWorkspace,
  backpropBatch,
  backpropExample,
  backpropExamples,
  feedforward,
  forwardBatch,
  fromRows,
  type Gradients,
  gradientCheck,
  initNetwork,
  type LossName,
  type Matrix,
  Network,
  toRows,
  transpose,
} from "../src/nn/index.ts";
import { stream } from "../src/random/index.ts";

interface GradientCase {
  sizes: number[];
  activation: ActivationName;
  outputActivation: ActivationName;
  loss: LossName;
  weights: number[][][];
  biases: number[][];
  examples: { x: number[]; y: number[]; weights: number[][][]; biases: number[][] }[];
}
const gradients: { cases: GradientCase[] } = JSON.parse(
  readFileSync(new URL("fixtures/gradients.json", import.meta.url), "utf8"),
);
const toy = JSON.parse(readFileSync(new URL("fixtures/toy1d.json", import.meta.url), "utf8"));

function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, "shapes differ");
  return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i])));
}

const plain = (g: Gradients) => ({ weights: g.weights.map(toRows), biases: g.biases.map((b) => Array.from(b)) });

function networkOf(c: GradientCase): Network {
  return Network.fromPlain(c, c);
}

/** The examples of a case as a batch: X and Y with one column per example. */
function batchOf(c: GradientCase): { X: Matrix; Y: Matrix } {
  return { X: transpose(fromRows(c.examples.map((e) => e.x))), Y: transpose(fromRows(c.examples.map((e) => e.y))) };
}

function batchGradients(net: Network, batch: { X: Matrix; Y: Matrix }): Gradients {
  const ws = new BatchWorkspace(net.sizes, batch.X.cols);
  (ws.as[0] as Matrix).data.set(batch.X.data);
  ws.y.data.set(batch.Y.data);
  forwardBatch(net, ws);
  return backpropBatch(net, ws);
}

describe("backprop matches numpy per example (fixtures/gradients.json)", () => {
  for (const c of gradients.cases) {
    test(`[${c.sizes}] ${c.activation}/${c.outputActivation}, ${c.loss}`, () => {
      const net = networkOf(c);
      for (const e of c.examples) {
        const g = plain(backpropExample(net, e.x, e.y));
        assert.ok(maxAbsDiff(g.weights, e.weights) < 1e-12, "∂C/∂W");
        assert.ok(maxAbsDiff(g.biases, e.biases) < 1e-12, "∂C/∂b");
      }
    });
  }
});

describe("vectorised batch backprop", () => {
  for (const c of gradients.cases) {
    test(`equals the sum of per-example gradients to 1e-12: [${c.sizes}]`, () => {
      const net = networkOf(c);
      const batch = plain(batchGradients(net, batchOf(c)));
      const loop = plain(
        backpropExamples(
          net,
          c.examples.map((e) => e.x),
          c.examples.map((e) => e.y),
        ),
      );
      assert.ok(maxAbsDiff(batch.weights, loop.weights) < 1e-12);
      assert.ok(maxAbsDiff(batch.biases, loop.biases) < 1e-12);
      const numpySum = c.examples.reduce((sum, e) => sum + e.weights[0]![0]![0]!, 0);
      assert.ok(Math.abs(batch.weights[0]![0]![0]! - numpySum) < 1e-12, "and numpy's summed gradient");
    });
  }
});

describe("gradient check", () => {
  const random = stream("gradcheck", "data");
  const cases: [number[], ActivationName, ActivationName, LossName][] = [
    [[2, 3, 3, 1], "sigmoid", "sigmoid", "quadratic"],
    [[2, 4, 1], "tanh", "tanh", "quadratic"],
    [[3, 5, 2, 2], "tanh", "sigmoid", "cross-entropy"],
    [[2, 3, 3, 1], "sigmoid", "sigmoid", "cross-entropy"],
  ];
  for (const [sizes, activation, outputActivation, loss] of cases) {
    const net = initNetwork({ sizes, activation, outputActivation, loss }, { scheme: "normal", seed: 3 });
    const m = 7;
    const X = transpose(
      fromRows(Array.from({ length: m }, () => Array.from({ length: sizes[0]! }, () => random.normal()))),
    );
    const outputs = sizes.at(-1)!;
    const Y = transpose(
      fromRows(Array.from({ length: m }, () => Array.from({ length: outputs }, () => random.integer(0, 2)))),
    );

    test(`two-sided eps 1e-7 agrees below 1e-7: [${sizes}] ${activation}/${outputActivation} ${loss}`, () => {
      const { relativeError } = gradientCheck(net, { X, Y });
      assert.ok(relativeError < 1e-7, `relative error ${relativeError}`);
    });

    test(`fails when one gradient term is corrupted: [${sizes}] ${activation}`, () => {
      const { relativeError } = gradientCheck(
        net,
        { X, Y },
        {
          gradient: (n, ws) => {
            forwardBatch(n, ws);
            const g = backpropBatch(n, ws);
            const w = g.weights[0] as Matrix;
            w.data[1] = (w.data[1] as number) * 1.01 + 1e-3;
            return g;
          },
        },
      );
      assert.ok(relativeError > 1e-7, `relative error ${relativeError} should expose the corruption`);
    });
  }
});

describe("the notebook's 1-D toy network (fixtures/toy1d.json)", () => {
  test("hidden activations and outputs match numpy", () => {
    const net = Network.fromPlain({ sizes: toy.sizes, activation: "sigmoid", outputActivation: "tanh" }, toy);
    const outputs = toy.x.map((x: number) => feedforward(net, [x])[0]);
    assert.ok(maxAbsDiff(outputs, toy.outputs) < 1e-12);
    const ws = new BatchWorkspace(net.sizes, toy.n);
    (ws.as[0] as Matrix).data.set(toy.x);
    forwardBatch(net, ws);
    assert.ok(maxAbsDiff(toRows(transpose(ws.as[1] as Matrix)), toy.hidden) < 1e-12);
    assert.ok(maxAbsDiff(Array.from((ws.as[2] as Matrix).data), toy.outputs) < 1e-12);
  });
});

describe("network shapes", () => {
  test("rejects a weight matrix of the wrong shape", () => {
    assert.throws(
      () =>
        Network.fromPlain(
          { sizes: [2, 3, 1], activation: "sigmoid" },
          { weights: [[[1, 2, 3]], [[1, 2, 3]]], biases: [[0, 0, 0], [0]] },
        ),
      /W\[1\] must be 3x2, got 1x3/,
    );
  });
  test("cross-entropy needs a sigmoid output", () => {
    assert.throws(
      () => initNetwork({ sizes: [2, 1], activation: "tanh", loss: "cross-entropy" }, { scheme: "normal", seed: 0 }),
      /sigmoid/,
    );
  });
  test("init schemes: seeded, with the documented spreads", () => {
    const spec = { sizes: [200, 300, 1], activation: "relu" as const };
    const a = initNetwork(spec, { scheme: "he", seed: 5 });
    const b = initNetwork(spec, { scheme: "he", seed: 5 });
    assert.deepEqual(a.toPlain(), b.toPlain());
    const w = a.weights[0]!.data;
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    assert.ok(Math.abs(variance - 2 / 200) < 0.1 * (2 / 200), `He variance ${variance}`);
    assert.ok(a.biases[0]!.every((v) => v === 0));
    const x = initNetwork(spec, { scheme: "xavier", seed: 5 }).weights[0]!.data;
    const vx = x.reduce((s, v) => s + v * v, 0) / x.length;
    assert.ok(Math.abs(vx - 2 / 500) < 0.1 * (2 / 500), `Xavier variance ${vx}`);
    const u = initNetwork(spec, { scheme: "uniform", seed: 5 });
    const all = [...u.weights[0]!.data, ...u.biases[0]!];
    assert.ok(all.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(all.reduce((s, v) => s + v, 0) / all.length - 0.5) < 0.01);
    const n = initNetwork(spec, { scheme: "normal", seed: 5 }).weights[0]!.data;
    const vn = n.reduce((s, v) => s + v * v, 0) / n.length;
    assert.ok(Math.abs(vn - 1) < 0.02, `normal variance ${vn}`);
  });
});
