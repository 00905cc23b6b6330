// The course scenes scenes/sigmoid.ts, scenes/gradcheck.ts and scenes/backprop.ts: their golden
// frames (640x360, named by beat), the numbers each shows against the engine computed here
// independently, and a preview render through the CLI that writes subtitles.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import backprop from "../scenes/backprop.ts";
import gradcheck from "../scenes/gradcheck.ts";
import sigmoid from "../scenes/sigmoid.ts";
import {
  BatchWorkspace,
  backpropBatch,
  backpropExample,
  forwardBatch,
  fromRows,
  type Gradients,
  gradientCheck,
  type Matrix,
  Network,
  transpose,
} from "../src/nn/index.ts";
import type { Scene, SceneContext } from "../src/scene/index.ts";
import { type Run, train } from "../src/train/index.ts";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

/** A scene's context at 640x360 and its own duration and fps, with its run (trained here) if it has one. */
function contextOf<P>(scene: Scene<P>, run: Run | undefined): SceneContext<Run | undefined> {
  return {
    run,
    seed: scene.seed,
    width: 640,
    height: 360,
    fps: scene.fps,
    frames: Math.round(scene.duration * scene.fps),
    duration: scene.duration,
    theme: "light",
  };
}

/** The prepared state as the scene's draw sees it. */
function prepared<P>(scene: Scene<P>, context: SceneContext<Run | undefined>): P {
  return scene.prepare(context);
}

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

describe("scenes/sigmoid.ts", () => {
  const context = contextOf(sigmoid, undefined);
  const state = prepared(sigmoid, context);

  test("has no network: no training config, no run", () => {
    assert.equal(sigmoid.train, undefined);
    assert.equal(sigmoid.run, undefined);
  });

  test("its curves are σ(z) = 1/(1 + e^−z) and σ′ = σ(1 − σ), and σ′ peaks at ¼ at z = 0", async () => {
    const { sigma, sigmaPrime } = await import("../scenes/sigmoid.ts");
    for (let z = -5; z <= 5; z += 0.125) {
      const s = 1 / (1 + Math.exp(-z));
      assert.ok(Math.abs(sigma(z) - s) < 1e-15, `σ(${z})`);
      assert.ok(Math.abs(sigmaPrime(z) - s * (1 - s)) < 1e-15, `σ′(${z})`);
      assert.ok(sigmaPrime(z) <= 0.25);
    }
    assert.equal(state.peak, 0.25);
  });

  test("captions are placed by beats and given to the subtitles", () => {
    const captions = sigmoid.captions?.(state, context) ?? [];
    assert.deepEqual(
      captions.map((c) => c.from),
      [state.figure.beats.time("sigma"), state.figure.beats.time("prime"), state.figure.beats.time("peak")],
    );
    assert.match(captions[2]?.text ?? "", /¼ at z = 0/);
  });
});

describe("scenes/gradcheck.ts", () => {
  const run = train(gradcheck.train?.(gradcheck.seed));
  const context = contextOf(gradcheck, run);
  const state = prepared(gradcheck, context);
  const spec = { sizes: [2, 3, 3, 1], activation: "sigmoid" as const };
  const batch = {
    X: transpose(fromRows(run.data.X.slice(0, 20))),
    Y: fromRows([run.data.y.slice(0, 20)]),
  };

  test("each point of both curves is gradientCheck's (eps 1e-7) on that snapshot", () => {
    assert.deepEqual(
      state.steps,
      run.snapshots.map((s) => s.batch),
    );
    assert.ok(state.steps.length >= 20, `${state.steps.length} checks`);
    run.snapshots.forEach((snapshot, i) => {
      const net = Network.fromPlain(spec, snapshot);
      const clean = gradientCheck(net, batch, { eps: 1e-7 }).relativeError;
      assert.equal(state.clean[i], clean, `check ${i}`);
      const corrupted = gradientCheck(net, batch, {
        eps: 1e-7,
        gradient: (n, ws) => {
          forwardBatch(n, ws);
          const g = backpropBatch(n, ws);
          const w2 = g.weights[1] as Matrix;
          w2.data[1] = (w2.data[1] as number) * 1.1; // ∂C/∂w²₁₂ 10% too large
          return g;
        },
      }).relativeError;
      assert.equal(state.corrupted[i], corrupted, `corrupted check ${i}`);
    });
  });

  test("backprop passes below 1e-7 at every step; the corrupted gradient fails far above it", () => {
    assert.ok(Math.max(...state.clean) < 1e-7, `largest ${Math.max(...state.clean)}`);
    assert.ok(Math.min(...state.corrupted) > 1e-4, `smallest ${Math.min(...state.corrupted)}`);
    assert.ok((run.snapshots.at(-1)?.accuracy ?? 0) > 0.95, "and the network learns");
  });
});

describe("scenes/backprop.ts", () => {
  const run = train(backprop.train?.(backprop.seed));
  const context = contextOf(backprop, run);
  const state = prepared(backprop, context);
  const last = run.snapshots.at(-1);
  assert.ok(last);
  const net = Network.fromPlain({ sizes: [2, 3, 3, 1], activation: "sigmoid" }, last);
  const x = run.data.X[state.index] as number[];
  const y = [run.data.y[state.index] as number];

  test("its δ and gradients equal the engine's backprop for the example, to 1e-12", () => {
    const engine = backpropExample(net, x, y);
    assert.ok(gradientGap(state.trace.gradients, engine) < 1e-12, "per-example backprop");
    const ws = new BatchWorkspace(net.sizes, 1);
    (ws.as[0] as Matrix).data.set(x);
    ws.y.data.set(y);
    forwardBatch(net, ws);
    const batch = backpropBatch(net, ws);
    assert.ok(gradientGap(state.trace.gradients, batch) < 1e-12, "vectorised backprop");
    for (let l = 1; l <= 3; l++) {
      assert.ok(maxAbsDiff(state.trace.deltas[l] as Float64Array, (ws.deltas[l] as Matrix).data) < 1e-12, `δ${l}`);
      assert.ok(maxAbsDiff(state.trace.activations[l] as Float64Array, (ws.as[l] as Matrix).data) < 1e-12, `a${l}`);
    }
  });

  test("the highlighted weight, its gradient and its SGD step are the engine's", () => {
    const { layer, j, k } = state.edge;
    const W = net.weights[layer - 1] as Matrix;
    assert.equal(state.w, W.data[j * W.cols + k]);
    const engine = backpropExample(net, x, y).weights[layer - 1] as Matrix;
    assert.ok(Math.abs(state.dw - (engine.data[j * engine.cols + k] as number)) < 1e-12);
    // The step is the engine's SGD on a batch of this one example: W ← W − (η/1) ∂C/∂W.
    const stepped = net.copy();
    const g = backpropExample(stepped, x, y);
    const target = stepped.weights[layer - 1] as Matrix;
    target.data.forEach((v, i) => {
      target.data[i] = v - run.config.learningRate * ((g.weights[layer - 1] as Matrix).data[i] as number);
    });
    assert.ok(Math.abs(state.updated - (target.data[j * target.cols + k] as number)) < 1e-12);
    assert.equal(state.updatedWeights[layer - 1]?.[j]?.[k], state.updated);
  });

  test("the example is classified right and the captions carry its numbers", () => {
    const out = state.trace.activations[3]?.[0] as number;
    assert.equal(out >= 0.5, y[0] === 1);
    const captions = backprop.captions?.(state, context) ?? [];
    assert.equal(captions.length, 5);
    assert.ok(captions.some((c) => c.text.includes(state.dw.toFixed(3).replace("-", "−"))));
    assert.ok(captions.some((c) => c.text.includes(state.updated.toFixed(2).replace("-", "−"))));
  });
});

describe("the course scenes render through the CLI", () => {
  const work = mkdtempSync(path.join(tmpdir(), "netreel-course-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  for (const name of ["sigmoid", "gradcheck", "backprop"]) {
    test(`${name}: --preview --duration 2 exits 0 and writes the video and its subtitles`, () => {
      const out = path.join(work, `${name}.mp4`);
      const result = spawnSync(
        process.execPath,
        [NETREEL, "render", `scenes/${name}.ts`, "--preview", "--duration", "2", "--out", out],
        { cwd: root, encoding: "utf8" },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.ok(existsSync(out), "the video");
      const vtt = readFileSync(path.join(work, `${name}.vtt`), "utf8");
      assert.match(vtt, /^WEBVTT\n/);
      assert.ok(vtt.split("-->").length - 1 >= 2, "at least two cues");
    });
  }
});
