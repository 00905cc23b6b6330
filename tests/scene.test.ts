import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import hidden from "../scenes/hidden.ts";
import { DARK } from "../src/draw/index.ts";
import { FrameRenderer } from "../src/render/index.ts";
import {
  calmPace,
  captionAt,
  cloudFramings,
  defineScene,
  easeInOutCubic,
  framingAt,
  outputPlane,
  stateAt,
  timeline,
} from "../src/scene/index.ts";
import { type Snapshot, train } from "../src/train/index.ts";

describe("timeline", () => {
  const clock = timeline({ duration: 12, epochs: 30, titleCard: 2, holdStart: 1.5, holdEnd: 2 });

  test("holds at the start and the end, and moves only in between", () => {
    assert.equal(clock(0).phase, "title");
    assert.equal(clock(0).epoch, 0);
    assert.equal(clock(3).phase, "start");
    assert.equal(clock(3.49).epoch, 0);
    assert.equal(clock(6.75).phase, "training");
    assert.equal(clock(10.5).epoch, 30);
    assert.equal(clock(11.99).phase, "end");
  });

  test("training progress is eased: monotone, slow at both ends", () => {
    let last = -1;
    for (let t = 0; t <= 12; t += 0.05) {
      const { epoch } = clock(t);
      assert.ok(epoch >= last);
      last = epoch;
    }
    const step = 1 / 30;
    assert.ok(
      clock(3.5 + step).epoch < clock(6.75 + step).epoch - clock(6.75).epoch,
      "slower at the start than mid-way",
    );
    assert.ok(Math.abs(easeInOutCubic(0.5) - 0.5) < 1e-12);
  });

  test("the title card fades out before it ends", () => {
    assert.equal(clock(0).titleOpacity, 1);
    assert.ok(clock(1.9).titleOpacity > 0 && clock(1.9).titleOpacity < 1);
    assert.equal(clock(2).titleOpacity, 0);
  });

  test("training progress is halfway at the middle of the training segment", () => {
    assert.equal(clock(6.75).trainingProgress, 0.5);
  });

  test("short clips shrink the holds and keep half for training", () => {
    const short = timeline({ duration: 2, epochs: 10, titleCard: 2, holdStart: 1.5, holdEnd: 2 });
    assert.equal(short(0).phase, "title");
    assert.ok(short(1.5).epoch > 0 && short(1.5).epoch < 10);
    assert.equal(short(2).epoch, 10);
  });

  test("captions fade in and out, and each is fully shown from its own moment on", () => {
    const captions = [
      { from: 1, to: 2, text: "a" },
      { from: 2, to: 4, text: "b" },
    ];
    assert.deepEqual(captionAt(captions, 1.5), { text: "a", opacity: 1 });
    // A still at a caption's moment shows it whole (it faded in over the 0.2 s before).
    assert.deepEqual(captionAt(captions, 1), { text: "a", opacity: 1 });
    assert.deepEqual(captionAt(captions, 2), { text: "b", opacity: 1 });
    assert.equal(captionAt(captions, 0.9).text, "a");
    assert.ok(captionAt(captions, 0.9).opacity > 0 && captionAt(captions, 0.9).opacity < 1);
    // The one before gives way: fading out, then the next fading in, never both.
    assert.equal(captionAt(captions, 1.7).text, "a");
    assert.ok(captionAt(captions, 1.7).opacity < 1);
    assert.equal(captionAt(captions, 1.85).text, "b");
    assert.ok(captionAt(captions, 1.85).opacity < 1);
    assert.equal(captionAt(captions, 5).text, "");
  });
});

describe("interpolation between snapshots", () => {
  const run = train({
    sizes: [2, 3, 3, 1],
    data: { dataset: "circles", n: 100, factor: 0.3, noise: 0.1 },
    epochs: 4,
    batchSize: 10,
    learningRate: 3,
    snapshot: { layers: [2] },
  });

  test("is exact at every snapshot", () => {
    for (const snapshot of run.snapshots) {
      const state = stateAt(run, snapshot.epoch, 2);
      assert.deepEqual(Array.from(state.activations.slice(0, 3)), snapshot.activations["2"]?.[0]);
      assert.equal(state.loss, snapshot.loss);
      assert.deepEqual(state.weights, snapshot.weights);
    }
  });

  test("lies between the two snapshots around it", () => {
    const state = stateAt(run, 1.25, 2);
    const a = run.snapshots[1]?.activations["2"]?.[7]?.[1] as number;
    const b = run.snapshots[2]?.activations["2"]?.[7]?.[1] as number;
    assert.ok(Math.abs((state.activations[7 * 3 + 1] as number) - (0.75 * a + 0.25 * b)) < 1e-12);
    assert.equal(stateAt(run, -1, 2).epoch, 0);
    assert.equal(stateAt(run, 99, 2).loss, run.snapshots.at(-1)?.loss);
  });

  test("the camera comes closer to a small cloud and backs off as it grows", () => {
    const framings = cloudFramings(run, 2);
    const small = framingAt(run, [{ centre: [0.2, 0.3, 0.4], extent: 0.05 }, ...framings.slice(1)], 0);
    assert.equal(small.zoom, 1.5);
    assert.ok(Math.abs((small.target[0] as number) - (0.5 + 0.8 * (0.2 - 0.5))) < 1e-12);
    const big = framingAt(
      run,
      framings.map((f) => ({ ...f, extent: 0.9 })),
      2.5,
    );
    assert.deepEqual(big, { target: [0.5, 0.5, 0.5], zoom: 1 });
  });

  test("outputPlane is the output unit's weights and bias, at an epoch or at a snapshot", () => {
    const state = stateAt(run, 2.5);
    assert.deepEqual(outputPlane(state), { normal: state.weights[2]?.[0], offset: state.biases[2]?.[0] });
    const last = run.snapshots.at(-1);
    assert.ok(last);
    assert.deepEqual(outputPlane(last), { normal: last.weights[2]?.[0], offset: last.biases[2]?.[0] });
  });

  test("outputPlane asks which unit when the output layer has several", () => {
    const threeClasses = train({
      sizes: [2, 3, 3, 3],
      data: { dataset: "blobs", n: 30, centers: 3 },
      epochs: 1,
      batchSize: 10,
      learningRate: 1,
    });
    const last = threeClasses.snapshots.at(-1);
    assert.ok(last);
    assert.throws(
      () => outputPlane(last),
      /the output layer has 3 units, each with its own plane: pick one with outputPlane\(state, \{ unit: k \}\), k from 0 to 2/,
    );
    assert.deepEqual(outputPlane(last, { unit: 2 }), { normal: last.weights[2]?.[2], offset: last.biases[2]?.[2] });
    assert.throws(
      () => outputPlane(last, { unit: 3 }),
      /unit 3 is not an output unit: the output layer has 3 \(0 to 2\)/,
    );
  });

  test("outputPlane needs a last hidden layer of 3 units, the space it is drawn in", () => {
    const flat = train({
      sizes: [2, 4, 1],
      data: { dataset: "circles", n: 20, factor: 0.3, noise: 0.1 },
      epochs: 1,
      batchSize: 10,
      learningRate: 1,
    });
    assert.throws(() => outputPlane(flat.snapshots[0] as Snapshot), /that layer has 4 units, not 3/);
  });

  test("names the missing layer", () => {
    assert.throws(
      () => stateAt(run, 1, 1),
      /no activations of layer 1; add it to the training config's snapshot.layers/,
    );
  });
});

describe("the camera's pace", () => {
  const run = train(hidden.train?.(hidden.seed));
  const clock = timeline({ duration: 12, epochs: 30, titleCard: 2, holdStart: 1.5, holdEnd: 2.2 });
  const pace = calmPace({ run, clock, layer: 2, duration: 12, from: 2 });
  // How far the points move (RMS, box units) and how far the camera turns in one second.
  const dataMoved = (t: number) => {
    const a = stateAt(run, clock(t).epoch, 2).activations;
    const b = stateAt(run, clock(t + 1).epoch, 2).activations;
    return Math.sqrt(a.reduce((sum, v, k) => sum + (v - (b[k] as number)) ** 2, 0) / (a.length / 3));
  };
  const turned = (t: number) => pace(t + 1) - pace(t);

  test("runs from 0 to 1, never backwards, still before it starts", () => {
    assert.equal(pace(0), 0);
    assert.equal(pace(2), 0);
    assert.equal(pace(12), 1);
    for (let t = 0; t < 12; t += 0.05) assert.ok(pace(t + 0.05) >= pace(t));
  });

  test("works for the longest clip the command allows (an hour)", () => {
    const hour = timeline({ duration: 3600, epochs: 30, titleCard: 2 });
    const long = calmPace({ run, clock: hour, layer: 2, duration: 3600, from: 2 });
    assert.equal(long(3600), 1);
    assert.ok(long(1800) > 0 && long(1800) < 1);
  });

  test("eases in and out", () => {
    assert.ok(pace(2.1) < 0.005, `${pace(2.1)}`);
    assert.ok(1 - pace(11.9) < 0.005, `${1 - pace(11.9)}`);
  });

  test("turns slowly while the points move fast, and faster while they rest", () => {
    // One-second spans from 2.5 s (the view is up and the camera under way) to 10.5 s.
    const seconds = Array.from({ length: 17 }, (_, i) => 2.5 + i / 2);
    const busiest = seconds.reduce((a, b) => (dataMoved(b) > dataMoved(a) ? b : a));
    const calmest = seconds.filter((t) => dataMoved(t) < 0.01);
    assert.ok(calmest.length > 0, "the clip has a second when the points rest");
    for (const t of calmest) {
      assert.ok(turned(busiest) < turned(t) / 3, `busiest ${turned(busiest)} vs calm ${turned(t)} at ${t} s`);
    }
  });
});

describe("defineScene", () => {
  const draw = () => {};
  test("fills in defaults", () => {
    const scene = defineScene({ name: "x", run: "r.json", draw });
    assert.deepEqual([scene.width, scene.height, scene.fps, scene.duration, scene.seed], [1280, 720, 30, 12, 0]);
  });
  test("rejects a bad scene with a clear message", () => {
    assert.throws(() => defineScene({ name: "bad name", run: "r.json", draw }), /letters, digits/);
    // Neither train nor run is a scene with no network (a plot, an equation); both is a mistake.
    assert.doesNotThrow(() => defineScene({ name: "x", draw: () => {} }));
    assert.throws(
      () => defineScene({ name: "x", run: "r.json", train: () => ({}) as never, draw } as never),
      /gives both 'train' \(a config\) and 'run' \(a saved run file\); keep one/,
    );
    assert.throws(() => defineScene({ name: "x", run: "r.json", fps: 0, draw }), /fps must be a positive number/);
  });
});

describe("scenes/hidden.ts", () => {
  const run = train(hidden.train?.(hidden.seed));
  const context = {
    run,
    seed: hidden.seed,
    width: 320,
    height: 180,
    fps: 30,
    frames: 360,
    duration: 12,
    theme: "light" as const,
  };

  test("trains to at least 95% accuracy", () => {
    assert.ok((run.snapshots.at(-1)?.accuracy ?? 0) >= 0.95);
  });

  test("its closing caption says what the run did: separated, or not (seed 8 ends at 67%)", () => {
    const closing = (seed: number) => {
      const seeded = train(hidden.train?.(seed));
      const state = hidden.prepare({ ...context, run: seeded, seed }) as { captions: { text: string }[] };
      return { accuracy: seeded.snapshots.at(-1)?.accuracy ?? 0, text: state.captions.at(-1)?.text ?? "" };
    };
    assert.match(closing(hidden.seed as number).text, /plane σ\(w·h \+ b\) = ½ separates them/);
    const poor = closing(8);
    assert.ok(poor.accuracy < 0.95);
    assert.equal(
      poor.text,
      `...and after 30 epochs the plane puts only ${(100 * poor.accuracy).toFixed(1)}% of the points on their side.`,
    );
  });

  test("the dark theme (--theme dark) draws on the dark background", () => {
    // (Its look is checked by netreel test: scenes/__snapshots__/hidden; this checks the theme is used.)
    const renderer = new FrameRenderer(hidden, { ...context, theme: "dark" }, "scenes/hidden.ts");
    const raw = renderer.draw(359).raw;
    const [r, g, b] = [raw[2], raw[1], raw[0]]; // BGRA: the top-left pixel
    assert.equal(`#${[r, g, b].map((v) => (v as number).toString(16).padStart(2, "0")).join("")}`, DARK.background);
  });

  test("the same seed renders byte-identical frames, in any order", () => {
    const a = new FrameRenderer(hidden, context, "scenes/hidden.ts");
    const frames = [200, 17, 359].map((i) => a.draw(i).raw);
    const again = train(hidden.train?.(hidden.seed));
    const b = new FrameRenderer(hidden, { ...context, run: again }, "scenes/hidden.ts");
    assert.ok(b.draw(359).raw.equals(frames[2] as Buffer));
    assert.ok(b.draw(17).raw.equals(frames[1] as Buffer));
    assert.ok(b.draw(200).raw.equals(frames[0] as Buffer));
  });

  test("a different seed renders a different run", () => {
    const other = train(hidden.train?.(7));
    assert.notDeepEqual(other.snapshots.at(-1)?.weights, run.snapshots.at(-1)?.weights);
  });
});

describe("scenes/boundary.ts", () => {
  test("trains to at least 95% (its frames are checked by netreel test: scenes/__snapshots__/boundary)", async () => {
    const { default: boundary } = await import("../scenes/boundary.ts");
    const run = train(boundary.train?.(boundary.seed));
    assert.ok((run.snapshots.at(-1)?.accuracy ?? 0) >= 0.95);
  });
});

test("default output names: by the scene's name; a dark render gets -dark so it does not replace the light one", async () => {
  const { outputTargets } = await import("../src/render/index.ts");
  const names = (options: Parameters<typeof outputTargets>[0], formats: ("mp4" | "gif" | "png")[] = ["mp4"]) => [
    ...outputTargets(options, "lecture", formats).values(),
  ];
  assert.deepEqual(names({}), [path.join("output", "lecture.mp4")]);
  assert.deepEqual(names({ theme: "dark" }), [path.join("output", "lecture-dark.mp4")]);
  assert.deepEqual(names({ theme: "dark", frame: 12 }), [path.join("output", "lecture-frame12-dark.png")]);
  assert.deepEqual(names({ frame: "training:middle" }), [path.join("output", "lecture-training-middle.png")]);
  assert.deepEqual(names({ theme: "dark", out: "x.mp4" }), ["x.mp4"], "a name you give is kept");
  assert.deepEqual(names({ theme: "dark", outputDir: "/tmp/o" }, ["mp4", "gif"]), [
    "/tmp/o/lecture-dark.mp4",
    "/tmp/o/lecture-dark.gif",
  ]);
});

test("panelBox of a ReLU layer of two units says so in one line (its range has no third axis: it looped forever)", async () => {
  const { panelBox } = await import("../src/scene/index.ts");
  const { train } = await import("../src/train/index.ts");
  const run = train({
    sizes: [2, 2, 1],
    activation: "relu",
    outputActivation: "sigmoid",
    data: { dataset: "circles", n: 100, seed: 1 },
    init: { scheme: "normal", seed: 1 },
    epochs: 1,
    batchSize: 20,
    learningRate: 0.5,
    seed: 1,
    snapshot: { layers: [1] },
  });
  assert.throws(
    () => panelBox(run, 1),
    /^RangeError: panelBox: layer 1 has 2 units; a 3-D panel shows a layer of three$/,
  );
});
