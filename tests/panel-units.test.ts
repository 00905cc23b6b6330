// The 3-D panel in a layer's own units: a tanh layer in [−1, 1], a ReLU layer in its own range.
// Every point lands inside the panel, nothing is drawn outside it, and what cannot be shown
// is one clear error.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import { drawPanel3d, LIGHT, PanelDataError, paintFor, registerFonts } from "../src/draw/index.ts";
import {
  cloudCamera,
  FigureError,
  outputPlane,
  panelBox,
  prepareTrainingFigure,
  stateAt,
  timeline,
  trainingFigure,
} from "../src/index.ts";
import { type Run, train } from "../src/train/index.ts";

registerFonts();

function layerRun(activation: "tanh" | "relu"): Run {
  return train({
    sizes: [2, 3, 3, 1],
    activation,
    outputActivation: "sigmoid",
    data: { dataset: "circles", n: 200, factor: 0.3, noise: 0.1, seed: 1 },
    init: { scheme: "xavier", seed: 1 },
    epochs: 20,
    batchSize: 20,
    learningRate: 0.5,
    snapshot: { layers: [2] },
  });
}

const rect = { x: 120, y: 60, width: 400, height: 260 };

/** Draws the run's last state in the panel; returns the camera and the canvas' pixels. */
function drawLast(run: Run, azimuth: number) {
  const canvas = createCanvas(640, 380);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ff00ff"; // outside the panel: magenta, which nothing draws
  ctx.fillRect(0, 0, 640, 380);
  ctx.fillStyle = LIGHT.background;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  const paint = paintFor(ctx, { width: 1280, height: 760 }, LIGHT);
  const state = stateAt(run, run.snapshots.at(-1)?.epoch ?? 0, 2);
  const box = panelBox(run, 2);
  const camera = drawPanel3d(paint, rect, {
    view: { azimuth, elevation: 20 },
    points: state.activations,
    labels: run.data.y,
    plane: outputPlane(state),
    box,
  });
  return { camera, box, state, data: ctx.getImageData(0, 0, 640, 380).data };
}

describe("drawPanel3d in the layer's own units", () => {
  for (const activation of ["tanh", "relu"] as const) {
    test(`a ${activation} layer: every point's pixel lies inside the panel, and nothing is drawn outside it`, () => {
      const run = layerRun(activation);
      const box = panelBox(run, 2);
      if (activation === "tanh")
        assert.deepEqual(box, [
          [-1, 1],
          [-1, 1],
          [-1, 1],
        ]);
      else {
        // Bounds that hold every snapshot's points, five round steps apart.
        for (const [a, [lo, hi]] of box.entries()) {
          for (const s of run.snapshots)
            for (const p of s.activations["2"] ?? []) assert.ok((p[a] as number) >= lo && (p[a] as number) <= hi);
          const step = (hi - lo) / 5;
          const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
          assert.ok(
            [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9),
            `step ${step}`,
          );
        }
      }
      for (const azimuth of [-60, 30, 135]) {
        const { camera, state, data } = drawLast(run, azimuth);
        const n = run.data.y.length;
        for (let i = 0; i < n; i++) {
          const u = [0, 1, 2].map((a) => {
            const [lo, hi] = box[a] as [number, number];
            return ((state.activations[3 * i + a] as number) - lo) / (hi - lo);
          }) as [number, number, number];
          const p = camera.project(u);
          assert.ok(
            p.x >= rect.x && p.x <= rect.x + rect.width && p.y >= rect.y && p.y <= rect.y + rect.height,
            `point ${i} at (${p.x.toFixed(1)}, ${p.y.toFixed(1)}) from azimuth ${azimuth}`,
          );
        }
        let outside = 0;
        for (let y = 0; y < 380; y++) {
          for (let x = 0; x < 640; x++) {
            if (x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height) continue;
            const k = 4 * (y * 640 + x);
            if (data[k] !== 255 || data[k + 1] !== 0 || data[k + 2] !== 255) outside++;
          }
        }
        assert.equal(outside, 0, `pixels drawn outside the panel from azimuth ${azimuth}`);
      }
    });
  }

  test("a tanh layer without a box is an error naming the point and the way out; so are labels of another length", () => {
    const run = layerRun("tanh");
    const state = stateAt(run, run.snapshots.at(-1)?.epoch ?? 0, 2);
    const canvas = createCanvas(640, 380);
    const paint = paintFor(canvas.getContext("2d"), { width: 1280, height: 760 }, LIGHT);
    const view = { azimuth: 30, elevation: 20 };
    assert.throws(
      () => drawPanel3d(paint, rect, { view, points: state.activations, labels: run.data.y }),
      (error: Error) =>
        error instanceof PanelDataError &&
        /lies outside the \[0, 1\]³ box .* give box: panelBox\(run, layer\)/.test(error.message),
    );
    assert.throws(
      () =>
        drawPanel3d(paint, rect, {
          view,
          points: state.activations,
          labels: run.data.y.slice(1),
          box: panelBox(run, 2),
        }),
      (error: Error) => error instanceof PanelDataError && /199 labels; give one label per point/.test(error.message),
    );
  });

  test("points outside a given box are left out, not drawn past it", () => {
    const canvas = createCanvas(640, 380);
    const paint = paintFor(canvas.getContext("2d"), { width: 1280, height: 760 }, LIGHT);
    const points = Float64Array.from([0.5, 0.5, 0.5, 5, 0.5, 0.5]);
    const camera = drawPanel3d(paint, rect, {
      view: { azimuth: 30, elevation: 20 },
      points,
      labels: [0, 1],
      box: [
        [0, 1],
        [0, 1],
        [0, 1],
      ],
    });
    assert.ok(camera, "drawn without an error");
  });
});

describe("the training figure's layer and the camera's box", () => {
  test("with layer, the main panel's state holds that layer's points; a layer the run did not keep is one line", () => {
    const run = layerRun("tanh");
    const figure = prepareTrainingFigure(
      { run, duration: 6 },
      { title: "t", range: [-1.5, 1.5], main: "scene", layer: 2 },
    );
    const canvas = createCanvas(640, 360);
    const paint = paintFor(canvas.getContext("2d"), { width: 640, height: 360 }, LIGHT);
    let seen = 0;
    trainingFigure(paint, { time: 4, run }, figure, (_rect, state) => {
      seen = state.activations.length;
    });
    assert.equal(seen, 3 * run.data.y.length);
    assert.throws(
      () => prepareTrainingFigure({ run, duration: 6 }, { title: "t", range: [-1.5, 1.5], layer: 1 }),
      (error: Error) =>
        error instanceof FigureError &&
        /no activations of layer 1; add snapshot: \{ layers: \[1\] \}/.test(error.message),
    );
  });

  test("cloudCamera frames the panel's box: a cloud at the centre of [−1, 1]³ is targeted at the unit box's centre", () => {
    const run = layerRun("tanh");
    const clock = timeline({ duration: 6, epochs: 20 });
    const camera = cloudCamera({
      run,
      clock,
      layer: 2,
      duration: 6,
      start: { azimuth: 0, elevation: 20 },
      end: { azimuth: 30, elevation: 20 },
      box: panelBox(run, 2),
    });
    for (const t of [0, 3, 6]) {
      const { target = [0.5, 0.5, 0.5] } = camera(t);
      for (const c of target)
        assert.ok(c >= 0 && c <= 1, `target ${target} at ${t} s is in the unit box the panel draws in`);
    }
  });
});

test("a training figure whose range leaves out more than 2% of the data says so in one line, with the data's extent", () => {
  const run = layerRun("tanh");
  assert.throws(
    () => prepareTrainingFigure({ run, duration: 6 }, { title: "t", range: [-0.5, 0.5] }),
    (error: Error) =>
      error instanceof FigureError && /points lie outside range \[-0.5, 0.5\] \(the data spans x₁ \[/.test(error.message),
  );
  assert.doesNotThrow(() => prepareTrainingFigure({ run, duration: 6 }, { title: "t", range: [-1.5, 1.5] }));
});
