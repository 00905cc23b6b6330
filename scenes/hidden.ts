// The course's closing video: a [2,3,3,1] sigmoid network learns the circles data set, and
// we watch its 1000 points move through the 3-D space of the second hidden layer until a
// plane (the output unit's decision boundary) separates the two classes.
//
// Training: 1000 circles points (factor 0.3, noise 0.1), standard-normal initialisation,
// mini-batch SGD with batch size 50 and learning rate 5, reshuffled every epoch, 30 epochs.
// The default seed passes 95% accuracy at about epoch 16 and ends at 100%; a snapshot every 5
// mini-batches. The kit's figure draws header, side column, captions; the scene, the 3-D panel.
import {
  acrossPlaneCamera,
  defineScene,
  drawClassMap,
  drawPanel3d,
  drawTitleCard,
  networkLabel,
  outputPlane,
  paintFor,
  prepareTrainingFigure,
  stateAround,
  themeNamed,
  titleCardInk,
  trainingFigure,
} from "../src/index.ts";

const LAYER = 2;
const AXES: [string, string, string] = ["h₁", "h₂", "h₃"];
// Snapshots 5 mini-batches apart carry SGD noise: the figure averages the run over 1.5 epochs.
const SMOOTHING = 1.5;

export default defineScene({
  name: "hidden",
  seed: 3,
  duration: 12,
  train: (seed) => ({
    sizes: [2, 3, 3, 1],
    activation: "sigmoid",
    loss: "quadratic",
    data: { dataset: "circles", n: 1000, factor: 0.3, noise: 0.1, seed },
    init: { scheme: "normal", seed },
    epochs: 30,
    batchSize: 50,
    learningRate: 5,
    shuffle: true,
    seed,
    snapshot: { layers: [LAYER], everyBatches: 5 },
  }),

  prepare: (context) => {
    const { run, duration } = context;
    const n = run.data.y.length;
    // The closing captions say what the run did: with another seed (--seed) it may not separate them.
    const accuracy = run.snapshots.at(-1)?.accuracy ?? 0;
    const percent = (100 * accuracy).toFixed(1);
    const closing: [string, string] =
      accuracy >= 0.95
        ? [
            "The two circles pull apart in the space of the second hidden layer...",
            "...until the output unit's plane σ(w·h + b) = ½ separates them.",
          ]
        : [
            "The points move, but the two circles stay tangled in this run...",
            `...and after ${run.config.epochs} epochs the plane puts only ${percent}% of the points on their side.`,
          ];
    const made = prepareTrainingFigure(context, {
      title: "How a hidden layer untangles two circles",
      subtitle: `A ${networkLabel(run.config)} network learns to tell the inner circle from the outer one.`,
      range: [-1.5, 1.5],
      classNames: ["outer circle (y = 0)", "inner circle (y = 1)"],
      side: ["legend", "loss", "regions"],
      main: "scene",
      timeline: { titleCard: 2, holdStart: 1.5, holdEnd: 2.2 },
      ownTitleCard: true, // the title card, with the data beside the title, is drawn below
      window: SMOOTHING,
      captions: [
        { at: "title:end", text: `Before training, random weights squeeze all ${n} points into a small cloud.` },
        { at: "training:0.1", text: "Every mini-batch, backprop nudges W and b, and every point moves with them." },
        { at: "training:middle", text: closing[0] },
        { at: "end", text: closing[1] },
      ],
    });
    const figure = { ...made, boundary: "decision plane (output = ½)", boundaryMarker: "square" as const };
    const { clock } = figure;
    // The camera starts facing the untrained cloud (a flat patch: the input plane's image) and ends
    // across the final plane; it orbits 60° at the data's pace, closer while the cloud is small.
    const from = clock.phases.titleEnd;
    const camera = acrossPlaneCamera({ run, clock, layer: LAYER, duration, from, window: SMOOTHING });
    return { figure, camera, captions: figure.captions };
  },
  captions: (prepared) => prepared.captions,
  beats: (prepared) => prepared.figure.clock.beats,
  snapshots: ["title:middle", "start", "training:middle", "end"],
  draw: (ctx, frame, { figure, camera }) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { title, subtitle, range, points, labels } = figure;
    trainingFigure(paint, frame, figure, (rect, _state, at) => {
      const state = stateAround(frame.run, at.epoch, { layer: LAYER, window: SMOOTHING });
      const panel = { view: camera, time: frame.time, labels, axisLabels: AXES }; // a path: labels fade, never pop
      drawPanel3d(paint, rect, { ...panel, points: state.activations, plane: outputPlane(state) });
    });
    // The title card, with the data set beside the title; its text and picture fade out first.
    const opacity = figure.clock(frame.time).titleOpacity;
    if (opacity <= 0) return;
    const [w, h] = [frame.width, frame.height];
    const rect = { x: w * 0.56, y: h * 0.18, width: h * 0.62, height: h * 0.68 };
    drawTitleCard(ctx, paint, { theme: paint.theme, unit: paint.unit, title, subtitle, opacity, figure: rect });
    ctx.save();
    ctx.globalAlpha = titleCardInk(opacity);
    drawClassMap(paint, rect, { title: `the data: ${labels.length} points`, range, points, labels, radius: 3 });
    ctx.restore();
  },
});
