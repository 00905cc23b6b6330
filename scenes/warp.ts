// The input plane, bent: a [2, 3, 3, 1] sigmoid network learns the circles, and the grid lines
// of its input plane are carried with the points into the 3-D space of the second hidden layer.
// We watch the flat sheet stretch and fold until the output unit's plane can cut it in two:
// the inner circle lifted to one side, the outer ring to the other.
//
// Training: the headline's (hidden.ts): 1000 circles points (factor 0.3, noise 0.1), standard-
// normal initialisation, batches of 50 at learning rate 5, reshuffled, 30 epochs. Points and
// grid lines are the forward pass of the network at each moment (weights averaged over the
// same 1.5 epochs as the rest of the figure), so a point on a grid line stays on it.
// `warpScene` makes the same figure for another data set (scenes/warp-moons.ts).
import {
  acrossPlaneCamera,
  type BeatCaption,
  defineScene,
  drawPanel3d,
  type FigurePanel,
  inputGrid,
  layerActivations,
  networkLabel,
  outputPlane,
  paintFor,
  prepareTrainingFigure,
  type Run,
  runNetwork,
  type Seed,
  stateAround,
  type TrainConfig,
  themeNamed,
  trainingFigure,
  warpedGrid,
} from "../src/index.ts";

const LAYER = 2;
const SMOOTHING = 1.5;

export interface WarpSceneOptions {
  name: string;
  seed: number;
  data: (seed: Seed) => TrainConfig["data"];
  /** Epochs of training; the rest is the headline's. */
  epochs?: number;
  /** The input square shown, and gridded: [low, high] on both axes. */
  range: [number, number];
  classNames: [string, string];
  /** What the viewer should see the sheet do, said as training ends. */
  closing: string;
  /** The clip's length in seconds. Default 14. */
  duration?: number;
  /** The side column. Default legend, loss, regions. */
  side?: FigurePanel[];
  title?: string;
  /** The captions, in place of the figure's own (`lines`: the grid lines each way). */
  captions?: (run: Run, lines: number) => BeatCaption[];
}

/** The warped-grid figure for a data set; this file's default is the circles. */
export function warpScene(options: WarpSceneOptions) {
  const { name, range, classNames, closing } = options;
  return defineScene({
    name,
    seed: options.seed,
    duration: options.duration ?? 14,
    train: (seed) => ({
      sizes: [2, 3, 3, 1],
      activation: "sigmoid",
      loss: "quadratic",
      data: options.data(seed),
      init: { scheme: "normal", seed },
      epochs: options.epochs ?? 30,
      batchSize: 50,
      learningRate: 5,
      shuffle: true,
      seed,
      snapshot: { layers: [LAYER], everyBatches: 5 },
    }),

    prepare: (context) => {
      const { run, duration } = context;
      const lines = 13;
      const captions = options.captions?.(run, lines) ?? [
        {
          at: "title:end",
          text: `Each grey curve is one of the ${2 * lines} straight lines on the right, sent through the first two layers.`,
        },
        { at: "training:0.1", text: "As the weights change, the sheet stretches and folds in the 3-D space..." },
        { at: "training:middle", text: closing },
        { at: "end", text: "A plane in the hidden space is a curve in the input plane: the boundary on the right." },
      ];
      const made = prepareTrainingFigure(context, {
        title: options.title ?? "The input plane, bent by a network",
        subtitle: `A ${networkLabel(run.config)} network carries the whole plane, not only the points, into its second hidden layer.`,
        range,
        classNames,
        side: options.side ?? ["legend", "loss", "regions"],
        main: "scene",
        window: SMOOTHING,
        timeline: { titleCard: 2, holdStart: 1.5, holdEnd: 2.2 },
        captions,
        gridLines: lines,
      });
      const figure = { ...made, boundary: "decision plane (output = ½)", boundaryMarker: "square" as const };
      const { clock } = figure;
      // The headline's camera, ending 24° across the plane (not 14°): the bent sheet on it shows.
      const from = clock.phases.titleEnd;
      const camera = acrossPlaneCamera({ run, clock, layer: LAYER, duration, from, window: SMOOTHING, tilt: 24 });
      const grid = inputGrid(range, { lines });
      const inputs = Float64Array.from(run.data.X.flat());
      return { figure, camera, grid, inputs, captions: figure.captions };
    },
    captions: (prepared) => prepared.captions,
    beats: (prepared) => prepared.figure.clock.beats,
    snapshots: ["start", "training:middle", "end"],

    draw: (ctx, frame, { figure, camera, grid, inputs }) => {
      const paint = paintFor(ctx, frame, themeNamed(frame.theme));
      trainingFigure(paint, frame, figure, (rect, _state, at) => {
        const state = stateAround(frame.run, at.epoch, { window: SMOOTHING });
        const net = runNetwork(frame.run, state);
        drawPanel3d(paint, rect, {
          view: camera,
          time: frame.time,
          labels: figure.labels,
          axisLabels: ["h₁", "h₂", "h₃"],
          points: layerActivations(net, inputs, LAYER),
          curves: warpedGrid(net, grid, LAYER),
          plane: outputPlane(state),
        });
      });
    },
  });
}

export default warpScene({
  name: "warp",
  seed: 3,
  data: (seed) => ({ dataset: "circles", n: 1000, factor: 0.3, noise: 0.1, seed }),
  range: [-1.5, 1.5],
  classNames: ["outer circle (y = 0)", "inner circle (y = 1)"],
  closing: "...until the inner disc is lifted clear of the ring around it...",
});
