// The course notebook's 1-D toy: 20 inputs on linspace(−5, 5) labelled −1 left of zero and +1
// right of it, learnt by a [1, 1, 1, 1] network (one unit per layer). First the labels beside
// the untrained network's output over x, then that output as the network trains: the current
// curve is the network at the interpolated epoch, the faint ones are earlier snapshots.
//
// Hidden units are sigmoid, as in the notebook; the output is tanh, because a sigmoid output
// lives in (0, 1) and can never reach the label −1 (netreel refuses that configuration).
// Quadratic cost, standard-normal initialisation, SGD one example at a time, η = 0.5, 16 epochs.
import {
  defineScene,
  feedforward,
  Network,
  paintFor,
  prepareTrainingFigure,
  themeNamed,
  trainingFigure,
} from "../src/index.ts";
import { drawPlot, withAlpha } from "../src/index.ts";

const GHOSTS = [0, 1, 2, 4, 8];
type Spec = Parameters<typeof Network.fromPlain>[0];

/** The network's output over x, for a snapshot's (or an interpolated state's) weights. */
function outputOf(spec: Spec, params: { weights: number[][][]; biases: number[][] }): (x: number) => number {
  const net = Network.fromPlain(spec, params);
  return (x) => feedforward(net, [x])[0] as number;
}

const specOf = (run: { config: { sizes: number[] } }): Spec => ({
  sizes: run.config.sizes,
  activation: "sigmoid",
  outputActivation: "tanh",
});

/** `f`, remembering each value it gave: a plot samples the same xs every frame. */
function remembered(f: (x: number) => number): (x: number) => number {
  const values = new Map<number, number>();
  return (x) => {
    let y = values.get(x);
    if (y === undefined) {
      y = f(x);
      values.set(x, y);
    }
    return y;
  };
}

export default defineScene({
  name: "toy1d",
  seed: 1,
  duration: 11,
  train: (seed) => ({
    sizes: [1, 1, 1, 1],
    activation: "sigmoid",
    outputActivation: "tanh",
    data: { dataset: "toy1d", n: 20 },
    init: { scheme: "normal", seed },
    epochs: 16,
    batchSize: 1,
    learningRate: 0.5,
    shuffle: true,
    seed,
    snapshot: { layers: [], everyBatches: 5 },
  }),

  prepare: ({ run, duration }) => ({
    figure: prepareTrainingFigure(
      { run, duration },
      {
        title: "A one-unit-per-layer network learns a step",
        subtitle: "[1, 1, 1, 1]: sigmoid hidden units, a tanh output (a sigmoid cannot reach −1)",
        range: [-5, 5],
        side: ["loss", "accuracy"],
        main: "scene",
        timeline: { titleCard: 1.5, holdStart: 2, holdEnd: 1.5 },
        // SGD one example at a time is noisy: the run is averaged over 3 epochs.
        window: 3,
        captions: [
          { at: "title:end", text: "Labels: −1 for x < 0, +1 for x > 0. The untrained output barely changes with x." },
          { at: "training:start", text: "Each epoch the output bends towards the labels (faint: earlier epochs)." },
          { at: "training:0.6", text: "It becomes a step at 0: σ inside, tanh outside, so the output reaches −1." },
        ],
      },
    ),
    // The faint earlier curves do not change from frame to frame: their networks are built once
    // and each value remembered, so a frame reads them instead of running the network again.
    ghosts: run.snapshots
      .filter((s) => GHOSTS.includes(s.epoch))
      .map((s) => ({ epoch: s.epoch, f: remembered(outputOf(specOf(run), s)) })),
    spec: specOf(run),
    xs: run.data.X.map((p) => p[0] as number),
    ys: run.data.y,
  }),
  captions: (prepared) => prepared.figure.captions,
  beats: (prepared) => prepared.figure.clock.beats,
  snapshots: ["start:0.5", "training:middle", "end"],

  draw: (ctx, frame, { figure, ghosts, spec, xs, ys }) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { theme } = paint;
    trainingFigure(paint, frame, figure, (rect, state) => {
      // An earlier epoch's curve fades in over an epoch and a half once the network has passed it.
      const earlier = ghosts.filter((g) => g.epoch < state.epoch);
      const shown = (epoch: number) => 0.3 * Math.min(1, (state.epoch - epoch) / 1.5);
      drawPlot(paint, rect, {
        x: { range: [-5, 5], ticks: [-4, -2, 0, 2, 4], label: "input x" },
        y: { range: [-1.25, 1.25], ticks: [-1, 0, 1], label: "output a³" },
        series: [
          ...earlier.map((g) => ({ f: g.f, color: withAlpha(theme.series[0] as string, shown(g.epoch)), width: 2 })),
          {
            f: outputOf(spec, state),
            // A figure space before one-digit epochs keeps the legend's width when 9.9 becomes 10.0.
            name: `network output (epoch ${state.epoch.toFixed(1).padStart(4, "\u2007")})`,
            color: theme.series[0],
            width: 3.5,
          },
          {
            kind: "scatter",
            xs,
            ys,
            classes: ys.map((y) => (y > 0 ? 1 : 0)),
            classNames: ["label −1", "label +1"],
            radius: 6,
          },
        ],
        legend: "auto",
      });
    });
  },
});
