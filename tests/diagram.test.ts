import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type ActivationName,
  BatchWorkspace,
  backpropBatch,
  backpropExample,
  forwardBatch,
  type Gradients,
  initNetwork,
  type LossName,
  type Matrix,
  Network,
  toRows,
  traceExample,
} from "../src/nn/index.ts";
import { train } from "../src/train/index.ts";

/** A [2,3,3,1] sigmoid network trained on circles (99.75% after 30 epochs), as a scene would train it. */
const circles = train({
  sizes: [2, 3, 3, 1],
  activation: "sigmoid",
  data: { dataset: "circles", n: 400, factor: 0.3, noise: 0.1, seed: 3 },
  init: { scheme: "normal", seed: 3 },
  epochs: 30,
  batchSize: 20,
  learningRate: 5,
  shuffle: true,
  seed: 3,
  snapshot: { layers: [] },
});
const last = circles.snapshots.at(-1)!;
const circlesNet = Network.fromPlain({ sizes: [2, 3, 3, 1], activation: "sigmoid" }, last);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "shapes differ");
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs((a[i] as number) - (b[i] as number)));
  return most;
}

function gradientGap(g: Gradients, h: Gradients): number {
  return Math.max(
    ...g.weights.map((w, k) => maxAbsDiff(w.data, (h.weights[k] as Matrix).data)),
    ...g.biases.map((b, k) => maxAbsDiff(b, h.biases[k] as Float64Array)),
  );
}

/** The engine's vectorised backprop on a batch of one example. */
function batchOfOne(net: Network, x: number[], y: Float64Array): { grads: Gradients; ws: BatchWorkspace } {
  const ws = new BatchWorkspace(net.sizes, 1);
  (ws.as[0] as Matrix).data.set(x);
  ws.y.data.set(y);
  forwardBatch(net, ws);
  return { grads: backpropBatch(net, ws), ws };
}

/** traceExample against the engine's own backprop for one example, to 1e-12. */
function agreesWithEngine(net: Network, x: number[], label: number): void {
  const trace = traceExample(net, x, label);
  const engine = backpropExample(net, x, trace.target);
  assert.ok(
    gradientGap(trace.gradients, engine) < 1e-12,
    `∂C/∂W, ∂C/∂b differ by ${gradientGap(trace.gradients, engine)}`,
  );
  const { grads, ws } = batchOfOne(net, x, trace.target);
  assert.ok(gradientGap(trace.gradients, grads) < 1e-12, "and the vectorised batch backprop");
  for (let l = 1; l <= net.depth; l++) {
    assert.ok(maxAbsDiff(trace.zs[l]!, (ws.zs[l] as Matrix).data) < 1e-12, `z of layer ${l}`);
    assert.ok(maxAbsDiff(trace.activations[l]!, (ws.as[l] as Matrix).data) < 1e-12, `a of layer ${l}`);
    assert.ok(maxAbsDiff(trace.deltas[l]!, (ws.deltas[l] as Matrix).data) < 1e-12, `δ of layer ${l}`);
    // BP3 and BP4 as the diagram shows them: ∂C/∂b = δ, ∂C/∂w_jk = δ_j a_k.
    assert.deepEqual(Array.from(trace.gradients.biases[l - 1]!), Array.from(trace.deltas[l]!));
    const dW = toRows(trace.gradients.weights[l - 1]!);
    dW.forEach((row, j) => {
      row.forEach((g, k) => {
        assert.ok(g === trace.deltas[l]![j]! * trace.activations[l - 1]![k]!, `∂C/∂w of layer ${l}`);
      });
    });
  }
  assert.ok(Math.abs(trace.cost - net.loss.cost(trace.activations[net.depth]!, trace.target)) === 0);
}

describe("traceExample: one example's z, a, δ and gradients", () => {
  test("equal the engine's backprop on a [2,3,3,1] sigmoid network trained on circles", () => {
    assert.ok(last.accuracy > 0.95, `the run trained (accuracy ${last.accuracy})`);
    for (let i = 0; i < circles.data.y.length; i += 7)
      agreesWithEngine(circlesNet, circles.data.X[i]!, circles.data.y[i]!);
  });

  const cases: [ActivationName, ActivationName, LossName][] = [
    ["sigmoid", "sigmoid", "quadratic"],
    ["tanh", "sigmoid", "cross-entropy"],
    ["relu", "identity", "quadratic"],
  ];
  for (const [activation, outputActivation, loss] of cases) {
    test(`equal the engine's backprop on a [3,5,2,2] network, ${activation}/${outputActivation}, ${loss}`, () => {
      const net = initNetwork(
        { sizes: [3, 5, 2, 2], activation, outputActivation, loss },
        { scheme: "normal", seed: 5 },
      );
      const inputs = [
        [0.5, -1.25, 2],
        [-0.3, 0.8, 0.1],
        [1.7, 0.2, -0.9],
        [0, 0, 0],
      ];
      inputs.forEach((x, i) => {
        agreesWithEngine(net, x, i % 2);
      });
    });
  }

  test("a class label is encoded as training encodes it; a bad one is refused", () => {
    const net = initNetwork({ sizes: [3, 5, 2, 2], activation: "sigmoid" }, { scheme: "normal", seed: 5 });
    assert.deepEqual(Array.from(traceExample(net, [1, 2, 3], 1).target), [0, 1]);
    assert.deepEqual(Array.from(traceExample(circlesNet, [0.1, 0.2], 1).target), [1]);
    assert.deepEqual(Array.from(traceExample(net, [1, 2, 3], [0.25, 0.75]).target), [0.25, 0.75]);
    assert.throws(() => traceExample(net, [1, 2, 3], 2), /label 2 is not a class of a network with 2 outputs/);
    assert.throws(() => traceExample(net, [1, 2], 0), /the example has 2 inputs but the network takes 3/);
  });
});
