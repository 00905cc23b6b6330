import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import {
  DARK,
  DiagramError,
  diagramLayout,
  drawNetworkDiagram,
  LIGHT,
  type NetworkDiagramOptions,
  paintFor,
  type Rect,
  registerFonts,
  type Theme,
} from "../src/draw/index.ts";
import { formatNumber } from "../src/draw/numbers.ts";
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
import { expectMatchesGolden } from "./golden.ts";

registerFonts();

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

describe("network diagram", () => {
  const rect: Rect = { x: 32, y: 18, width: 576, height: 324 };
  const paint = { unit: 0.5 };

  test("reads left to right: layers in order, every circle inside the rectangle, none overlapping", () => {
    for (const sizes of [
      [2, 3, 3, 1],
      [4, 8, 8, 3],
      [10, 10],
      [1, 1, 1, 1, 1, 1],
    ]) {
      const { centres, radius } = diagramLayout(paint, rect, { sizes, titles: "words", deltaLabels: true });
      centres.forEach((layer, l) => {
        assert.equal(layer.length, sizes[l]);
        for (const c of layer) {
          assert.ok(c.x - radius >= rect.x && c.x + radius <= rect.x + rect.width, `[${sizes}] x inside`);
          assert.ok(c.y - radius >= rect.y && c.y + radius <= rect.y + rect.height, `[${sizes}] y inside`);
          if (l > 0) assert.ok(c.x > centres[l - 1]![0]!.x + 2 * radius, "left to right");
        }
        for (let j = 1; j < layer.length; j++) assert.ok(layer[j]!.y - layer[j - 1]!.y > 2 * radius, "apart");
      });
    }
  });

  test("the layout is the same in every frame of a pass, and diagramLayout gives it beforehand", () => {
    const base = { ...example(245), titles: "symbols" as const, deltaLabels: true };
    const canvas = createCanvas(640, 360);
    const paint = paintFor(canvas.getContext("2d"), canvas, LIGHT);
    const expected = diagramLayout(paint, rect, base);
    for (const pass of [{}, { forward: 0 }, { forward: 1.5 }, { backward: 3.6 }, { backward: 1 }]) {
      assert.deepEqual(drawNetworkDiagram(paint, rect, { ...base, ...pass }), expected, JSON.stringify(pass));
    }
  });

  test("units are filled by their activation: sigmoid 0 to 1 from the background to green, tanh −1 grey", () => {
    const centreColour = (options: NetworkDiagramOptions, theme: Theme = LIGHT): string => {
      const canvas = createCanvas(640, 360);
      const ctx = canvas.getContext("2d");
      const layout = drawNetworkDiagram(paintFor(ctx, canvas, theme), rect, { ...options, values: false });
      const { x, y } = layout.centres[1]![0]!;
      const [r, g, b] = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
      return `#${[r!, g!, b!].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    };
    const unit = (a: number, activation: ActivationName = "sigmoid") =>
      ({ sizes: [1, 1], activation, trace: { activations: [[0], [a]] } }) as NetworkDiagramOptions;
    assert.equal(centreColour(unit(1)), "#009e73");
    assert.equal(centreColour(unit(0)), LIGHT.background);
    assert.equal(centreColour(unit(0, "tanh")), LIGHT.background);
    assert.equal(centreColour(unit(-1, "tanh")), LIGHT.muted);
    assert.equal(centreColour(unit(0, "sigmoid"), DARK), DARK.background);
  });

  test("a layer too wide to draw is refused with one line naming it", () => {
    assert.throws(
      () => diagramLayout(paint, rect, { sizes: [2, 12, 1] }),
      (e: Error) => e instanceof DiagramError && e.message === "diagram: layer 1 has 12 units; at most 10 can be drawn",
    );
  });

  test("numbers that do not fit the network are refused, naming what differs", () => {
    const draw = (options: Partial<NetworkDiagramOptions>) => () =>
      render(LIGHT, 320, 180, { sizes: [2, 3, 3, 1], ...options });
    assert.throws(
      draw({ weights: last.weights.slice(1) }),
      /diagram: 2 weight matrices for the 3 weight layers of \[2,3,3,1\]/,
    );
    assert.throws(
      draw({ sizes: [2, 4, 3, 1], weights: last.weights }),
      /diagram: W of layer 1 must be 4x2 for \[2,4,3,1\], got 3x2/,
    );
    assert.throws(
      draw({
        trace: {
          activations: [
            [1, 2],
            [1, 2, 3],
            [1, 2, 3],
          ],
        },
      }),
      /diagram: the trace's activations cover 3 layers, the network \[2,3,3,1\] has 4/,
    );
    assert.throws(
      draw({ weights: last.weights, labels: { edges: [{ layer: 2, j: 0, k: 3 }] } }),
      /diagram: an edge label names unit k = 3 of layer 1, which has units 0..2/,
    );
  });

  test("numbers print with fixed decimals and a true minus sign", () => {
    assert.equal(formatNumber(-0.953, 2), "\u22120.95");
    assert.equal(formatNumber(0.5, 2), "0.50");
    assert.equal(formatNumber(-0.0004, 3), "0.000");
  });

  test("a frame is a function of its options: the end of a pass is the diagram at rest", () => {
    const base = example(245);
    const rest = render(LIGHT, 320, 180, base);
    assert.ok(rest.equals(render(LIGHT, 320, 180, base)), "same options, same pixels");
    assert.ok(rest.equals(render(LIGHT, 320, 180, { ...base, forward: 3 })), "forward = L is at rest");
    assert.ok(rest.equals(render(LIGHT, 320, 180, { ...base, backward: 4 })), "backward = L + 1 shows no δ yet");
    assert.ok(!rest.equals(render(LIGHT, 320, 180, { ...base, forward: 1.5 })), "mid forward differs");
    assert.ok(!rest.equals(render(LIGHT, 320, 180, { ...base, backward: 3 })), "δᴸ shows at backward = L");
  });
});

describe("golden images of the network diagram", () => {
  test("[2,3,3,1] at rest with an example's activations and a labelled weight", () => {
    expectMatchesGolden(
      "diagram-rest",
      render(LIGHT, 640, 360, {
        ...example(245),
        titles: "words",
        labels: { edges: [{ layer: 2, j: 0, k: 1 }] },
      }),
    );
  });

  test("[2,3,3,1] mid forward pass", () => {
    expectMatchesGolden(
      "diagram-forward",
      render(LIGHT, 640, 360, { ...example(245), titles: "symbols", forward: 1.5 }),
    );
  });

  test("[2,3,3,1] mid backward pass with δ labels", () => {
    expectMatchesGolden(
      "diagram-backward",
      render(LIGHT, 640, 360, {
        ...example(245),
        titles: "symbols",
        backward: 1.6,
        deltaLabels: true,
        labels: { edges: [{ layer: 3, j: 0, k: 1, show: ["w", "dC/dw"] }] },
      }),
    );
  });

  test("[4,8,8,3] trained on blobs, dark theme", () => {
    const run = train({
      sizes: [4, 8, 8, 3],
      activation: "sigmoid",
      data: { dataset: "blobs", n: 300, centers: 3, dims: 4, box: [-2, 2], std: 0.7, seed: 2 },
      init: { scheme: "normal", seed: 2 },
      epochs: 10,
      batchSize: 10,
      learningRate: 3,
      shuffle: true,
      seed: 2,
      snapshot: { layers: [] },
    });
    const snapshot = run.snapshots.at(-1)!;
    const net = Network.fromPlain({ sizes: [4, 8, 8, 3], activation: "sigmoid" }, snapshot);
    const i = 17;
    expectMatchesGolden(
      "diagram-wide-dark",
      render(DARK, 640, 360, {
        sizes: [4, 8, 8, 3],
        weights: snapshot.weights,
        trace: traceExample(net, run.data.X[i]!, run.data.y[i]!),
        titles: "words",
      }),
    );
  });
});

/** The trained circles network on example i. */
function example(i: number): NetworkDiagramOptions {
  return {
    sizes: [2, 3, 3, 1],
    weights: last.weights,
    biases: last.biases,
    trace: traceExample(circlesNet, circles.data.X[i]!, circles.data.y[i]!),
  };
}

/** The diagram in the frame's safe area (5% margins), as a PNG. */
function render(theme: Theme, width: number, height: number, options: NetworkDiagramOptions): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  const paint = paintFor(ctx, { width, height }, theme);
  const mx = width * 0.05;
  const my = height * 0.05;
  drawNetworkDiagram(paint, { x: mx, y: my, width: width - 2 * mx, height: height - 2 * my }, options);
  return canvas.toBuffer("image/png");
}

describe("one symbol palette", () => {
  test("the diagram's symbols are TeX's colours, in the light and the dark variant, each at least 3:1 on its background", async () => {
    const { diagramColours } = await import("../src/draw/diagram.ts");
    const { symbolColors, contrastRatio } = await import("../src/draw/colour.ts");
    const { LIGHT: light, DARK: dark } = await import("../src/draw/theme.ts");
    for (const theme of [light, dark]) {
      const diagram = diagramColours(theme);
      const tex = symbolColors(theme);
      for (const symbol of ["w", "b", "a", "z", "C"] as const) {
        assert.equal(diagram[symbol], tex[symbol], `${symbol} on ${theme.background}`);
        assert.ok(contrastRatio(tex[symbol], theme.background) >= 3, `${symbol} ${tex[symbol]} on ${theme.background}`);
      }
    }
  });
});
