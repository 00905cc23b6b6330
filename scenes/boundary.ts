// A course figure for the input plane: a [2, 8, 8, 1] tanh network learns scikit-learn's two
// moons, and we watch its decision boundary (output = ½) bend around them.
//
// Training: 400 moons points (noise 0.15), Xavier init, cross-entropy with a sigmoid output,
// SGD (batch 20, rate 0.5, reshuffled), 40 epochs: past 97% by epoch 10, near 99% at the end.
// The boundary turns round in its first mini-batches, so epochs are paced on a log axis.
// Everything but the words comes from the run and the kit's training figure.
import {
  defineScene,
  logEpochs,
  networkLabel,
  paintFor,
  prepareTrainingFigure,
  themeNamed,
  trainingFigure,
} from "../src/index.ts";

export default defineScene({
  name: "boundary",
  seed: 2,
  duration: 10,
  train: (seed) => ({
    sizes: [2, 8, 8, 1],
    activation: "tanh",
    outputActivation: "sigmoid",
    loss: "cross-entropy",
    data: { dataset: "moons", n: 400, noise: 0.15, seed },
    init: { scheme: "xavier", seed },
    epochs: 40,
    batchSize: 20,
    learningRate: 0.5,
    shuffle: true,
    seed,
    // Weights are all this scene needs: a snapshot every 2 mini-batches, no activations.
    snapshot: { layers: [], everyBatches: 2 },
  }),

  prepare: ({ run, duration }) => ({
    figure: prepareTrainingFigure(
      { run, duration },
      {
        title: "How a network bends its decision boundary",
        subtitle: `A ${networkLabel(run.config)} network learns scikit-learn's two moons`,
        range: [-1.6, 2.6],
        classNames: ["upper moon (y = 0)", "lower moon (y = 1)"],
        timeline: { titleCard: 1.5, holdStart: 2.5, holdEnd: 1.5, easing: logEpochs(5) },
        captions: [
          { at: "title:end", text: "Random weights: the boundary cuts straight through both moons." },
          { at: "start:0.75", text: "Each mini-batch bends it a little towards the data..." },
          { at: "training:0.6", text: "...until it curves between the moons: two tanh layers at work." },
        ],
      },
    ),
  }),
  captions: (prepared) => prepared.figure.captions,
  beats: (prepared) => prepared.figure.clock.beats,
  snapshots: ["start", "training:middle", "end"],

  draw: (ctx, frame, { figure }) => trainingFigure(paintFor(ctx, frame, themeNamed(frame.theme)), frame, figure),
});
