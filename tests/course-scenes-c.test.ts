import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import linear, { collapse } from "../scenes/linear.ts";
import nudge, { EXAMPLE, nudged, RANGE } from "../scenes/nudge.ts";
import toy1d from "../scenes/toy1d.ts";
import { backpropExample, feedforward, initNetwork, Network, train } from "../src/index.ts";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

// Their frames are checked by netreel test (scenes/__snapshots__/toy1d, linear, nudge).

describe("scenes/toy1d.ts", () => {
  test("a tanh output learns the ±1 labels; a sigmoid output is refused, since it cannot reach −1", () => {
    const config = toy1d.train?.(toy1d.seed);
    assert.equal(config?.outputActivation, "tanh");
    const run = train(config);
    assert.equal(run.snapshots.at(-1)?.accuracy, 1);
    assert.ok((run.snapshots.at(-1)?.loss ?? 1) < 0.01);
    assert.throws(() => train({ ...config, outputActivation: "sigmoid" }), /cannot reach the label -1/);
  });
});

describe("scenes/linear.ts", () => {
  test("the identity network's output is W* x + b* (W* = W³W²W¹, b* = W³(W²b¹ + b²) + b³) to 1e-12", () => {
    const sigmoidRun = train(linear.train?.(linear.seed));
    const { identity } = linear.prepare({
      run: sigmoidRun,
      seed: linear.seed,
      width: 640,
      height: 360,
      fps: 30,
      frames: 360,
      duration: 12,
      theme: "light",
    });
    assert.equal(identity.config.activation, "identity");
    // "Same shape, same start", as the first caption says.
    assert.deepEqual(identity.snapshots[0]?.weights, sigmoidRun.snapshots[0]?.weights);
    for (const snapshot of [identity.snapshots[0], identity.snapshots[7], identity.snapshots.at(-1)]) {
      assert.ok(snapshot);
      const net = Network.fromPlain({ sizes: [1, 2, 2, 1], activation: "identity" }, snapshot);
      const { W, b } = collapse(snapshot);
      // By hand for the [1, 2, 2, 1] shapes: W³ (1x2) W² (2x2) W¹ (2x1).
      const [W1, W2, W3] = snapshot.weights as [number[][], number[][], number[][]];
      const [b1, b2, b3] = snapshot.biases as [number[], number[], number[]];
      const h = (M: number[][], v: number[], c: number[]) =>
        M.map((row, i) => row.reduce((s, m, k) => s + m * (v[k] as number), 0) + (c[i] as number));
      assert.ok(Math.abs(W - (h(W3, h(W2, h(W1, [1], [0, 0]), [0, 0]), [0])[0] as number)) < 1e-12);
      assert.ok(Math.abs(b - (h(W3, h(W2, b1, b2), b3)[0] as number)) < 1e-12);
      for (const x of [-5, -2.5, -0.3, 0, 1, 3.7, 5]) {
        const out = feedforward(net, [x])[0] as number;
        assert.ok(Math.abs(out - (W * x + b)) < 1e-12, `x = ${x}: ${out} vs ${W * x + b}`);
      }
    }
  });
});

describe("scenes/nudge.ts", () => {
  const seed = Number(nudge.seed);
  for (const layer of [3, 1] as const) {
    test(`w${layer}: each drawn tangent's slope is backprop's derivative and the sweep's finite difference`, () => {
      for (const n of [-RANGE, -1.3, 0, 0.4, RANGE]) {
        const at = nudged(seed, layer, n);
        // The engine's gradient by its other path (backpropExample), at the nudged weight.
        const plain = initNetwork({ sizes: [1, 1, 1, 1], activation: "sigmoid" }, { scheme: "normal", seed }).toPlain();
        ((plain.weights[layer - 1] as number[][])[0] as number[])[0] = at.weight;
        const net = Network.fromPlain({ sizes: [1, 1, 1, 1], activation: "sigmoid" }, plain);
        const grad = backpropExample(net, [EXAMPLE.x], [EXAMPLE.y]).weights[layer - 1]?.data[0] as number;
        assert.ok(Math.abs(at.slopes.C - grad) < 1e-6, `∂C/∂w${layer} ${at.slopes.C} vs engine ${grad}`);
        if (layer === 3) {
          // The notebook's formulas by hand: ∂z/∂w = a², ∂a/∂w = σ′(z)a², ∂C/∂w = (a − y)σ′(z)a².
          const sigma = (v: number) => 1 / (1 + Math.exp(-v));
          const [w, b] = [plain.weights.map((m) => m[0]?.[0] as number), plain.biases.map((v) => v[0] as number)];
          const a2 = sigma(
            (w[1] as number) * sigma((w[0] as number) * EXAMPLE.x + (b[0] as number)) + (b[1] as number),
          );
          const a3 = sigma((w[2] as number) * a2 + (b[2] as number));
          assert.ok(Math.abs(at.slopes.z - a2) < 1e-12);
          assert.ok(Math.abs(at.slopes.a - a3 * (1 - a3) * a2) < 1e-12);
          assert.ok(Math.abs(at.slopes.C - (a3 - EXAMPLE.y) * a3 * (1 - a3) * a2) < 1e-12);
        }
        const h = 1e-5;
        const [lo, hi] = [nudged(seed, layer, n - h), nudged(seed, layer, n + h)];
        for (const key of ["z", "a", "C"] as const) {
          const fd = (hi[key] - lo[key]) / (2 * h);
          assert.ok(
            Math.abs(at.slopes[key] - fd) < 1e-6,
            `∂${key}/∂w${layer}: ${at.slopes[key]} vs finite difference ${fd}`,
          );
        }
      }
    });
  }
});

describe("course scenes render at preview size through the CLI", () => {
  for (const name of ["toy1d", "linear", "nudge"]) {
    test(`scenes/${name}.ts --preview --duration 2 exits 0 and writes its subtitles`, () => {
      const dir = mkdtempSync(path.join(tmpdir(), "netreel-course-"));
      try {
        const out = path.join(dir, `${name}.mp4`);
        const result = spawnSync(
          process.execPath,
          [NETREEL, "render", `scenes/${name}.ts`, "--preview", "--duration", "2", "--out", out],
          { cwd: root, encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stderr);
        assert.ok(existsSync(out));
        const vtt = readFileSync(path.join(dir, `${name}.vtt`), "utf8");
        assert.match(vtt, /^WEBVTT/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
