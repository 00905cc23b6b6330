// The course's closing video: a [2,3,3,1] sigmoid network learns the circles data set, and
// we watch its 1000 points move through the 3-D space of the second hidden layer until a
// plane (the output unit's decision boundary) separates the two classes.
//
// Training: 1000 circles points (factor 0.3, noise 0.1), standard-normal initialisation,
// mini-batch SGD with batch size 50 and learning rate 5, reshuffled every epoch, 30 epochs.
// With the default seed the network passes 95% accuracy at about epoch 16 and ends at 100%.
// A snapshot every 5 mini-batches (4 per epoch) keeps the motion between snapshots short.
import {
  bestFitNormal,
  type CanvasRenderingContext2D,
  captionAt,
  classLegend,
  cloudCamera,
  defineScene,
  drawCaption,
  drawClassMap,
  drawHeader,
  drawLegend,
  drawLinePlot,
  drawPanel3d,
  drawTitleCard,
  frameLayout,
  Network,
  outputField,
  outputPlane,
  paintFor,
  stack,
  stateAround,
  type Theme,
  themeNamed,
  timeline,
  trainingStatus,
  type Vec3,
  viewAcrossPlane,
} from "../src/index.ts";

const TITLE = "How a hidden layer untangles two circles";
const EPOCHS = 30;
const INPUT_RANGE: [number, number] = [-1.5, 1.5];
const LAYER = 2;
// Snapshots 5 mini-batches apart carry SGD noise; show the run averaged over an epoch and a
// half around each moment, or the plane twitches where a frame passes a snapshot or two.
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
    epochs: EPOCHS,
    batchSize: 50,
    learningRate: 5,
    shuffle: true,
    seed,
    snapshot: { layers: [LAYER], everyBatches: 5 },
  }),

  prepare: ({ run, duration }) => {
    const epochs = run.snapshots.at(-1)?.epoch ?? 0;
    const clock = timeline({ duration, epochs, titleCard: 2, holdStart: 1.5, holdEnd: 2.2 });
    const { titleEnd, trainStart: start, trainEnd: end } = clock.phases;
    // The camera starts facing the untrained cloud (a flat patch: the image of the 2-D input
    // plane) and ends looking across the final decision plane, so its two sides read clearly.
    const first = run.snapshots[0];
    const last = run.snapshots.at(-1);
    const startView = viewAcrossPlane(bestFitNormal(first?.activations[String(LAYER)] ?? []), {
      tilt: 70,
      elevations: [12, 40],
    });
    const finalNormal: Vec3 = last ? outputPlane(last).normal : [0, 0, 1];
    const endView = viewAcrossPlane(finalNormal, {
      tilt: 14,
      elevations: [12, 30],
      prefer: { azimuth: startView.azimuth + 60, elevation: 20 },
    });
    return {
      clock,
      // The camera orbits slowly (50° in the whole clip), mostly while the points rest (the
      // holds), and comes closer while the cloud is small, as close as the panel allows.
      camera: cloudCamera({
        run,
        clock,
        layer: LAYER,
        duration,
        from: titleEnd,
        start: startView,
        end: endView,
        window: SMOOTHING,
      }),
      epochs,
      spec: { sizes: run.config.sizes, activation: "sigmoid" as const },
      inputs: Float64Array.from(run.data.X.flat()),
      labels: Uint8Array.from(run.data.y),
      lossEpochs: run.snapshots.map((snapshot) => snapshot.epoch),
      losses: run.snapshots.map((snapshot) => snapshot.loss),
      maxLoss: run.snapshots.reduce((most, snapshot) => Math.max(most, snapshot.loss), 0),
      captions: [
        {
          from: titleEnd,
          to: start + 0.6,
          text: "Before training, random weights squeeze all 1000 points into a small cloud.",
        },
        {
          from: start + 0.6,
          to: (start + end) / 2,
          text: "Every mini-batch, backprop nudges W and b, and every point moves with them.",
        },
        ...closingCaptions(last?.accuracy ?? 0, { from: (start + end) / 2, turn: end, to: duration + 1 }),
      ],
    };
  },

  captions: (prepared) => prepared.captions,
  beats: (prepared) => prepared.clock.beats,
  snapshots: ["title:middle", "start", "training:middle", "end"],

  draw: (ctx, frame, prepared) => {
    const { width, height } = frame;
    const theme = themeNamed(frame.theme);
    const at = prepared.clock(frame.time);
    const runState = stateAround(frame.run, at.epoch, { layer: LAYER, window: SMOOTHING });
    const layout = frameLayout(width, height, { sideFraction: 0.28 });
    const { unit } = layout;

    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    if (at.titleOpacity >= 1) {
      drawOpeningCard(ctx, frame, theme, prepared, 1);
      return;
    }

    drawPanel3d(paintFor(ctx, frame, theme), layout.main, {
      view: prepared.camera(frame.time),
      points: runState.activations,
      labels: prepared.labels,
      plane: outputPlane(runState),
      axisLabels: ["h₁", "h₂", "h₃"],
      radius: 4,
    });

    const [legendRect, lossRect, mapRect] = stack(layout.side, [0.5, 0.9, 1.3], 22 * unit);
    drawLegend(
      ctx,
      { x: legendRect.x + 8 * unit, y: legendRect.y + 12 * unit },
      classLegend(theme, ["outer circle (y = 0)", "inner circle (y = 1)"], "decision plane (output = ½)"),
      { theme, unit },
    );

    drawHeader(ctx, layout.header, {
      theme,
      unit,
      title: TITLE,
      status: [
        ...trainingStatus({ ...runState, epoch: at.epoch, epochs: prepared.epochs }),
        { label: "network", value: "[2, 3, 3, 1] sigmoid" },
      ],
    });

    drawLinePlot(ctx, lossRect, {
      theme,
      unit,
      title: "loss (mean ½‖a − y‖²)",
      xs: prepared.lossEpochs,
      ys: prepared.losses,
      upTo: at.epoch,
      xRange: [0, prepared.epochs],
      yRange: [0, Math.ceil(prepared.maxLoss * 20) / 20],
      color: theme.ink,
    });
    // The same network seen in its input plane: the boundary it draws around the inner circle.
    const network = Network.fromPlain(prepared.spec, runState);
    const fieldSize = Math.max(32, Math.round(48 * unit));
    drawClassMap(ctx, mapRect, {
      theme,
      unit,
      title: "input space: its boundary",
      range: INPUT_RANGE,
      points: prepared.inputs,
      labels: prepared.labels,
      field: { values: outputField(network, { range: INPUT_RANGE, size: fieldSize }), size: fieldSize, threshold: 0.5 },
    });

    const caption = captionAt(prepared.captions, frame.time);
    drawCaption(ctx, layout.caption, caption.text, { theme, unit, opacity: caption.opacity });

    // The title card fades out over the first frames of the scene.
    if (at.titleOpacity > 0) drawOpeningCard(ctx, frame, theme, prepared, at.titleOpacity);
  },
});

/**
 * The last two captions tell what the run did: with another seed (--seed) the network may
 * not separate the classes in 30 epochs, and the video must not say it did.
 */
function closingCaptions(accuracy: number, at: { from: number; turn: number; to: number }) {
  const { from, turn, to } = at;
  if (accuracy >= 0.95) {
    return [
      { from, to: turn, text: "The two circles pull apart in the space of the second hidden layer..." },
      { from: turn, to, text: "...until the output unit's plane σ(w·h + b) = ½ separates them." },
    ];
  }
  const percent = (100 * accuracy).toFixed(1);
  return [
    { from, to: turn, text: "The points move, but the two circles stay tangled in this run..." },
    {
      from: turn,
      to,
      text: `...and after ${EPOCHS} epochs the plane puts only ${percent}% of the points on their side.`,
    },
  ];
}

/** The title card, with the data set in its input plane beside the title. */
function drawOpeningCard(
  ctx: CanvasRenderingContext2D,
  frame: { width: number; height: number },
  theme: Theme,
  data: { inputs: Float64Array; labels: Uint8Array },
  opacity: number,
): void {
  const { width, height } = frame;
  const unit = height / 720;
  const figure = { x: width * 0.56, y: height * 0.18, width: height * 0.62, height: height * 0.68 };
  drawTitleCard(ctx, frame, {
    theme,
    unit,
    title: TITLE,
    subtitle: "A [2, 3, 3, 1] sigmoid network learns to tell the inner circle from the outer one.",
    opacity,
    figure,
  });
  ctx.save();
  ctx.globalAlpha = opacity;
  drawClassMap(ctx, figure, {
    theme,
    unit,
    title: "the data: 1000 points",
    range: INPUT_RANGE,
    points: data.inputs,
    labels: data.labels,
    radius: 3,
  });
  ctx.restore();
}
