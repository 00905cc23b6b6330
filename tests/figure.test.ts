// The figure kit's layout (`panels`) and ready training figure (`trainingFigure`): panels fill
// the safe area without overlap at any frame size; the header's text is the run's own numbers
// and config; boundary.ts's captions stay with its beats when --duration changes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import boundary from "../scenes/boundary.ts";
import {
  boundaryLabel,
  captionAt,
  FigureError,
  feedforward,
  figureHeader,
  LIGHT,
  networkLabel,
  PanelError,
  paintFor,
  panels,
  prepareTrainingFigure,
  type Rect,
  type Run,
  registerFonts,
  runNetwork,
  stateAround,
  stateAt,
  train,
  trainingFigure,
  trainingStatus,
} from "../src/index.ts";

const area = (r: Rect) => r.width * r.height;
const overlap = (a: Rect, b: Rect) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
const inside = (a: Rect, b: Rect) =>
  a.x >= b.x - 1e-9 &&
  a.y >= b.y - 1e-9 &&
  a.x + a.width <= b.x + b.width + 1e-9 &&
  a.y + a.height <= b.y + b.height + 1e-9;

const run: Run = train(boundary.train?.(boundary.seed));

describe("panels", () => {
  const spec = {
    columns: [{ main: 7 }, { rows: [{ legend: 1 }, { loss: 2 }, { accuracy: 2 }], weight: 3 }],
    header: true,
    caption: true,
  } as const;

  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
    [640, 360],
  ] as const) {
    test(`at ${width}x${height}: inside the 5% safe area, no overlaps, gaps and bands fill it`, () => {
      const p = panels({ width, height, unit: height / 720 }, spec);
      const unit = height / 720;
      assert.deepEqual(p.safe, {
        x: Math.round(width * 0.05),
        y: Math.round(height * 0.05),
        width: width - 2 * Math.round(width * 0.05),
        height: height - 2 * Math.round(height * 0.05),
      });
      const named = [p.header, p.caption, p.main, p.legend, p.loss, p.accuracy] as Rect[];
      for (const r of named) assert.ok(inside(r, p.safe), JSON.stringify(r));
      for (let i = 0; i < named.length; i++)
        for (let j = i + 1; j < named.length; j++) assert.equal(overlap(named[i] as Rect, named[j] as Rect), 0);
      // Panels and their gaps (two of 24 px in the side column, one between the columns) fill the body.
      const gaps = 24 * unit * (p.body.height + 2 * p.loss.width);
      const filled = [p.main, p.legend, p.loss, p.accuracy].reduce((s, r) => s + area(r), 0);
      assert.ok(
        Math.abs(filled + gaps - area(p.body)) < 1e-6 * area(p.body) + 1,
        `${filled + gaps} vs ${area(p.body)}`,
      );
      assert.ok(Math.abs(area(p.safe) - area(p.body) - area(p.header as Rect) - area(p.caption as Rect)) < 1e-6);
      // Weights, not pixels: 7 : 3 across, 1 : 2 : 2 down.
      assert.ok(Math.abs(p.main.width / p.loss.width - 7 / 3) < 1e-9);
      assert.ok(Math.abs(p.loss.height / p.legend.height - 2) < 1e-9);
    });
  }

  test("scales with the frame: 1080p is 720p times 1.5", () => {
    const small = panels({ width: 1280, height: 720, unit: 1 }, spec);
    const large = panels({ width: 1920, height: 1080, unit: 1.5 }, spec);
    for (const name of ["main", "legend", "loss", "accuracy", "header", "caption"] as const) {
      const a = small[name] as Rect;
      const b = large[name] as Rect;
      for (const key of ["x", "y", "width", "height"] as const) assert.ok(Math.abs(b[key] - 1.5 * a[key]) < 1e-9);
    }
  });

  test("a repeated or reserved name, or a weight of 0, is a one-line error", () => {
    const size = { width: 1280, height: 720, unit: 1 };
    assert.throws(() => panels(size, { columns: [{ a: 1 }, { a: 2 }] }), PanelError);
    assert.throws(() => panels(size, { columns: [{ body: 1 }] }), /reserved/);
    assert.throws(() => panels(size, { columns: [{ a: 0 }] }), /positive/);
  });
});

describe("the training figure's text comes from the run", () => {
  test("network label from run.config", () => {
    assert.equal(networkLabel(run.config), "[2, 8, 8, 1] tanh → sigmoid");
    assert.equal(networkLabel({ sizes: [2, 3, 3, 1] }), "[2, 3, 3, 1] sigmoid");
    assert.equal(networkLabel({ sizes: [4, 3], activation: "tanh" }), "[4, 3] tanh");
    assert.equal(boundaryLabel(run), "boundary (output = ½)");
  });

  test("status line: the run's epoch, loss and accuracy at each snapshot, fixed decimals", () => {
    const figure = prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6] });
    assert.equal(figure.network, networkLabel(run.config));
    for (const snapshot of [run.snapshots[0], run.snapshots[17], run.snapshots.at(-1)]) {
      if (!snapshot) continue;
      const state = stateAt(run, snapshot.epoch);
      const status = trainingStatus({ ...state, epochs: figure.epochs });
      assert.equal(status[1]?.value, snapshot.loss.toFixed(4));
      assert.equal(status[2]?.value.trim(), `${(100 * snapshot.accuracy).toFixed(1)}%`);
      assert.equal(status[0]?.value.replaceAll("\u2007", " ").trim(), `${snapshot.epoch.toFixed(1)} / 40`);
    }
    // boundary.ts trains with cross-entropy: the figure's loss is that cost, computed here
    // independently from each snapshot's weights (the snapshots record the quadratic cost).
    assert.equal(run.config.loss, "cross-entropy");
    const crossEntropy = run.snapshots.map((s) => {
      const net = runNetwork(run, s);
      let sum = 0;
      run.data.X.forEach((x, i) => {
        const a = feedforward(net, x)[0] as number;
        const y = run.data.y[i] as number;
        sum += -(y * Math.log(a) + (1 - y) * Math.log(1 - a));
      });
      return sum / run.data.X.length;
    });
    for (const [i, l] of figure.losses.entries()) {
      assert.ok(Math.abs(l - (crossEntropy[i] as number)) < 1e-12, `snapshot ${i}`);
    }
    assert.equal(figure.lossTitle, "loss (mean cross-entropy)");
    // The header the figure draws: at the last frame, the run's final numbers and its config.
    const last = run.snapshots.at(-1) as Run["snapshots"][number];
    const header = figureHeader(figure, run, 10 - 1 / 30);
    assert.equal(header.network, "[2, 8, 8, 1] tanh → sigmoid");
    assert.deepEqual(
      header.status.map((s) => `${s.label} ${s.value.replaceAll("\u2007", "")}`),
      [
        "epoch 40.0 / 40",
        `loss ${(crossEntropy.at(-1) as number).toFixed(4)}`,
        `accuracy ${(100 * last.accuracy).toFixed(1)}%`,
      ],
    );
    // Mid-training: the curve's value at the clock's epoch, between the snapshots around it.
    const mid = figure.clock(6);
    assert.ok(mid.epoch > 0 && mid.epoch < 40);
    const k = run.snapshots.findIndex((s) => s.epoch > mid.epoch) - 1;
    const [e0, e1] = [run.snapshots[k]?.epoch as number, run.snapshots[k + 1]?.epoch as number];
    const t = (mid.epoch - e0) / (e1 - e0);
    const expected = (crossEntropy[k] as number) * (1 - t) + (crossEntropy[k + 1] as number) * t;
    assert.equal(figureHeader(figure, run, 6).status[1]?.value, expected.toFixed(4));
  });

  test("a window averages the picture's run over that many epochs (stateAround); the numbers read the curve drawn", () => {
    const figure = prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6], window: 1.5 });
    const { epoch } = figure.clock(6);
    const mean = stateAround(run, epoch, { window: 1.5 });
    assert.notEqual(mean.loss, stateAt(run, epoch).loss);
    const canvas = createCanvas(640, 360);
    const frame = trainingFigure(paintFor(canvas.getContext("2d"), canvas, LIGHT), { time: 6, run }, figure);
    assert.deepEqual(frame.state.weights, mean.weights);
    // By default a noisy run is averaged too, over the epochs the clip passes in half a second
    // around the moment (a shutter): the picture at time 6 is the run averaged over those.
    const plain = prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6] });
    assert.equal(plain.window, undefined);
    const shutter = Math.abs(plain.clock(6.25).epoch - plain.clock(5.75).epoch);
    assert.ok(shutter > 1, `${shutter} epochs in half a second mid-training`);
    const drawn = trainingFigure(paintFor(canvas.getContext("2d"), canvas, LIGHT), { time: 6, run }, plain);
    assert.deepEqual(drawn.state.weights, stateAround(run, plain.clock(6).epoch, { window: shutter }).weights);
    // In the holds the clip passes no epochs: the run shows as it is.
    const held = trainingFigure(paintFor(canvas.getContext("2d"), canvas, LIGHT), { time: 2, run }, plain);
    assert.deepEqual(held.state.weights, stateAt(run, 0).weights);
    assert.equal(prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6], window: 0 }).window, 0);
  });

  test("a run of 0 epochs (the untrained network only) draws every frame: its curves span one epoch", () => {
    registerFonts();
    // Before, every frame after the title card failed in drawPlot: an x range of [0, 0].
    const untrained = train({ ...boundary.train?.(boundary.seed), epochs: 0 });
    const figure = prepareTrainingFigure({ run: untrained, duration: 4 }, { title: "t", range: [-1.6, 2.6] });
    const canvas = createCanvas(320, 180);
    const paint = paintFor(canvas.getContext("2d"), canvas, LIGHT);
    for (let time = 0; time <= 4; time += 0.25) {
      const frame = trainingFigure(paint, { time, run: untrained }, figure);
      assert.equal(frame.state.epoch, 0);
    }
  });

  test("a figure drawing its class map for state after state allocates no grid-sized arrays: each state's regions are written over the last's", () => {
    // The regions a figure keeps from one frame to the next survived the scene's process's
    // collection before the next frame, and V8 came to move such arrays to its old generation,
    // freed only by a full collection every 90 frames. A new state's regions were ~0.5 MB of
    // new arrays at 720p (field values, certainty, the tint's copies and image): in a long
    // video ~15 MB of them were dead at once, and malloc's heap kept what they had taken.
    // Measured in a process of its own whose young generation is big enough that nothing is
    // collected while it draws: its array-buffer bytes then count every array allocated.
    const script = `
      import { createCanvas } from "canvas";
      import boundary from "./scenes/boundary.ts";
      import { LIGHT, paintFor, prepareTrainingFigure, registerFonts, train, trainingFigure } from "./src/index.ts";
      registerFonts();
      const run = train(boundary.train(boundary.seed));
      const figure = prepareTrainingFigure({ run, duration: 30 }, { title: "t", range: [-1.6, 2.6], side: ["regions", "loss"] });
      const canvas = createCanvas(1280, 720);
      const paint = paintFor(canvas.getContext("2d"), canvas, LIGHT);
      trainingFigure(paint, { time: 4, run }, figure);
      let collections = 0;
      new PerformanceObserver((list) => { collections += list.getEntries().length; }).observe({ entryTypes: ["gc"] });
      const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
      // A collection of V8's own choosing (rare) spoils an attempt: the next one draws new states.
      for (let attempt = 0; attempt < 3; attempt++) {
        const frames = 40;
        const states = new Set();
        await settle();
        collections = 0;
        const before = process.memoryUsage().arrayBuffers;
        for (let frame = 1; frame <= frames; frame++) {
          const time = 4 + 6 * (attempt + frame / frames);
          states.add(String(trainingFigure(paint, { time, run }, figure).state.weights));
        }
        const allocated = process.memoryUsage().arrayBuffers - before;
        await settle();
        if (collections === 0 || attempt === 2) {
          console.log(JSON.stringify({ allocated, states: states.size, collections }));
          break;
        }
      }
    `;
    const child = spawnSync(
      process.execPath,
      [
        "--min-semi-space-size=128",
        "--max-semi-space-size=128",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
      ],
      { encoding: "utf8", cwd: path.resolve(import.meta.dirname, "..") },
    );
    assert.equal(child.status, 0, child.stderr);
    const { allocated, states, collections } = JSON.parse(child.stdout) as Record<string, number>;
    assert.equal(collections, 0, "a collection while drawing, three times: the count would miss what it freed");
    assert.ok((states as number) >= 30, `only ${states} states drawn`);
    assert.ok(
      (allocated as number) < 8e3 * (states as number),
      `${((allocated as number) / 1e6).toFixed(1)} MB of arrays allocated for ${states} states`,
    );
  });

  test("draws at 320x180 and 1920x1080; an unknown side panel is a one-line error", () => {
    registerFonts();
    const figure = prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6] });
    for (const [w, h] of [
      [320, 180],
      [1920, 1080],
    ]) {
      const canvas = createCanvas(w as number, h as number);
      const frame = trainingFigure(paintFor(canvas.getContext("2d"), canvas, LIGHT), { time: 6, run }, figure);
      assert.ok(frame.main.width > 0 && frame.state.epoch > 0);
    }
    // A scene's own main panel: drawn in the main rect, and not under a full title card.
    const own = prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [-1.6, 2.6], main: "scene" });
    const canvas = createCanvas(320, 180);
    const paint = paintFor(canvas.getContext("2d"), canvas, LIGHT);
    const rects: Rect[] = [];
    const drawn = trainingFigure(paint, { time: 6, run }, own, (rect) => rects.push(rect));
    assert.deepEqual(rects, [drawn.main]);
    trainingFigure(paint, { time: 0, run }, own, (rect) => rects.push(rect));
    assert.equal(rects.length, 1);
    assert.throws(
      () => prepareTrainingFigure({ run, duration: 10 }, { title: "t", range: [0, 1], side: ["losss" as "loss"] }),
      FigureError,
    );
  });
});

describe("scenes/boundary.ts: captions by beats", () => {
  for (const duration of [8, 10]) {
    test(`at --duration ${duration} the caption at the start of training is the training caption`, () => {
      const context = { run, seed: boundary.seed, width: 320, height: 180, fps: 30, frames: 30 * duration, duration };
      const prepared = boundary.prepare({ ...context, theme: "light" });
      const { figure } = prepared;
      const captions = boundary.captions?.(prepared, { ...context, theme: "light" }) ?? [];
      assert.deepEqual(captions, figure.captions);
      const [opening, training, closing] = captions.map((c) => c.text);
      const beats = figure.clock.beats;
      const start = beats.time("training");
      const shown = captionAt(captions, start);
      assert.equal(shown.text, training);
      assert.ok(shown.opacity > 0.99, `opacity ${shown.opacity}`);
      // The opening caption shows on the untrained network, the closing one from mid-training to the end.
      assert.equal(captionAt(captions, beats.time("start:0.4")).text, opening);
      assert.equal(captionAt(captions, beats.time("training:0.6")).text, closing);
      assert.equal(captionAt(captions, duration - 1 / 30).text, closing);
    });
  }
});
