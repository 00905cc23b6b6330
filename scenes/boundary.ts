// A course figure for the input plane: a [2, 8, 8, 1] tanh network learns scikit-learn's two
// moons, and we watch its decision boundary (output = ½) bend around them.
//
// Training: 400 moons points (noise 0.15), Xavier initialisation, cross-entropy with a sigmoid
// output, mini-batch SGD with batch size 20 and learning rate 0.5, reshuffled every epoch,
// 40 epochs. With the default seed accuracy passes 97% by epoch 10 and ends near 99%.
import {
  captionAt,
  classLegend,
  defineScene,
  drawCaption,
  drawClassMap,
  drawHeader,
  drawLegend,
  drawLinePlot,
  drawTitleCard,
  frameLayout,
  Network,
  outputField,
  stack,
  stateAt,
  themeNamed,
  timeline,
  trainingStatus,
} from "../src/index.ts";

const EPOCHS = 40;
const RANGE: [number, number] = [-1.6, 2.6];

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
    epochs: EPOCHS,
    batchSize: 20,
    learningRate: 0.5,
    shuffle: true,
    seed,
    // Weights are all this scene needs: a snapshot every 2 mini-batches, no activations.
    snapshot: { layers: [], everyBatches: 2 },
  }),

  prepare: ({ run, duration }) => {
    const epochs = run.snapshots.at(-1)?.epoch ?? 0;
    const clock = timeline({ duration, epochs, titleCard: 1.5, holdStart: 1, holdEnd: 2 });
    const trainStart = 2.5;
    const trainEnd = duration - 2;
    return {
      clock,
      epochs,
      spec: { sizes: run.config.sizes, activation: "tanh" as const, outputActivation: "sigmoid" as const },
      inputs: Float64Array.from(run.data.X.flat()),
      labels: Uint8Array.from(run.data.y),
      lossEpochs: run.snapshots.map((snapshot) => snapshot.epoch),
      losses: run.snapshots.map((snapshot) => snapshot.loss),
      accuracies: run.snapshots.map((snapshot) => snapshot.accuracy),
      maxLoss: run.snapshots.reduce((most, snapshot) => Math.max(most, snapshot.loss), 0),
      captions: [
        { from: 1.5, to: trainStart + 0.5, text: "Random weights: the boundary cuts straight through both moons." },
        {
          from: trainStart + 0.5,
          to: (trainStart + trainEnd) / 2,
          text: "Each mini-batch bends it a little towards the data...",
        },
        {
          from: (trainStart + trainEnd) / 2,
          to: duration + 1,
          text: "...until it curves between the moons: two tanh layers at work.",
        },
      ],
    };
  },

  draw: (ctx, frame, prepared) => {
    const { width, height } = frame;
    const theme = themeNamed(frame.theme);
    const at = prepared.clock(frame.time);
    const layout = frameLayout(width, height, { sideFraction: 0.3 });
    const { unit } = layout;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    const title = "How a network bends its decision boundary";
    const subtitle = "A [2, 8, 8, 1] tanh network learns scikit-learn's two moons";
    if (at.titleOpacity >= 1) {
      drawTitleCard(ctx, frame, { theme, unit, title, subtitle, opacity: 1 });
      return;
    }

    const runState = stateAt(frame.run, at.epoch);
    const network = Network.fromPlain(prepared.spec, runState);
    const size = Math.max(48, Math.round(128 * unit));
    // Room below the square for the x₁ label, above the caption.
    drawClassMap(
      ctx,
      { ...layout.main, height: layout.main.height - 30 * unit },
      {
        theme,
        unit,
        range: RANGE,
        points: prepared.inputs,
        labels: prepared.labels,
        radius: 4,
        field: { values: outputField(network, { range: RANGE, size }), size, threshold: 0.5 },
      },
    );

    drawHeader(ctx, layout.header, {
      theme,
      unit,
      title,
      status: trainingStatus({ ...runState, epoch: at.epoch, epochs: prepared.epochs }),
    });

    const [legendRect, lossRect, accuracyRect] = stack(layout.side, [0.5, 1, 1], 22 * unit);
    drawLegend(
      ctx,
      { x: legendRect.x + 8 * unit, y: legendRect.y + 12 * unit },
      classLegend(theme, ["upper moon (y = 0)", "lower moon (y = 1)"], "boundary (output = ½)"),
      { theme, unit },
    );
    const curve = {
      theme,
      unit,
      xs: prepared.lossEpochs,
      upTo: at.epoch,
      xRange: [0, prepared.epochs] as [number, number],
    };
    drawLinePlot(ctx, lossRect, {
      ...curve,
      title: "loss (mean ½‖a − y‖²)",
      ys: prepared.losses,
      yRange: [0, Math.ceil(prepared.maxLoss * 10) / 10],
      color: theme.ink,
    });
    drawLinePlot(ctx, accuracyRect, {
      ...curve,
      title: "accuracy",
      ys: prepared.accuracies,
      yRange: [0, 1],
      xLabel: "epoch",
      color: theme.ink,
    });

    const caption = captionAt(prepared.captions, frame.time);
    drawCaption(ctx, layout.caption, caption.text, { theme, unit, opacity: caption.opacity });
    if (at.titleOpacity > 0) drawTitleCard(ctx, frame, { theme, unit, title, subtitle, opacity: at.titleOpacity });
  },
});
