// A layer too wide to draw: a [2, 8, 8, 3] tanh network learns the three-arm spiral, and we
// watch its second hidden layer (eight units) through the three directions along which its
// points spread most, kept steady from moment to moment so the view neither flips nor spins.
//
// Training: the spiral scene's (300 points, noise 0.2, Xavier initialisation, batches of 20 at
// learning rate 2, reshuffled every epoch, 200 epochs), snapshotting layer 2 every epoch.
// The walls are where the output's argmax changes within the drawn 3-D slice of the layer's
// space (through the points' mean, along the three directions): exact there, and an
// approximation for points off the slice, by as much as the share of variance left out.
import {
  cloudCamera,
  defineScene,
  drawPanel3d,
  fillTextCached,
  font,
  logEpochs,
  paintFor,
  prepareTrainingFigure,
  projectLayer,
  smoothstep,
  themeNamed,
  trainingFigure,
  type Vec3,
  viewAcrossPlane,
} from "../src/index.ts";

const LAYER = 2;
// The points are averaged over 15% of the epochs gone (at least one): the clip passes epochs
// about that much faster as training goes on (logEpochs), so this is a steady share of a second.
const window = (epoch: number) => Math.max(1, 0.15 * epoch);
// The axes follow the principal directions over four times that window: where two directions
// swap places, the view turns over about two seconds instead of a frame.
const TURN = 4;
// The walls are as firm as the slice puts points on the network's own side of them: gone at 60%,
// full at 100%, a wide ramp so they fade over a second as the agreement falls, never in a frame.
const WALLS_FROM = 0.6;
const WALLS_FULL = 1;

/** The direction of the line where the walls between three regions meet (scores w₀, w₁, w₂). */
function meetingLine(w0: Vec3, w1: Vec3, w2: Vec3): Vec3 {
  const a = [w0[0] - w1[0], w0[1] - w1[1], w0[2] - w1[2]] as const;
  const b = [w0[0] - w2[0], w0[1] - w2[1], w0[2] - w2[2]] as const;
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export default defineScene({
  name: "hidden-wide",
  seed: 2,
  duration: 14,
  train: (seed) => ({
    sizes: [2, 8, 8, 3],
    activation: "tanh",
    outputActivation: "sigmoid",
    loss: "quadratic",
    data: { dataset: "spiral", n: 300, noise: 0.2, seed },
    init: { scheme: "xavier", seed },
    epochs: 200,
    batchSize: 20,
    learningRate: 2,
    shuffle: true,
    seed,
    snapshot: { layers: [LAYER], everyBatches: 5 },
  }),

  prepare: (context) => {
    const { run, duration } = context;
    const width = run.config.sizes[LAYER] ?? 0;
    const figure = prepareTrainingFigure(context, {
      title: `Inside a layer of ${width} units`,
      subtitle: `A ${run.config.sizes.length - 2}-hidden-layer network learns three spiral arms; we look along its layer's main directions.`,
      range: [-1.2, 1.2],
      classNames: ["arm 1", "arm 2", "arm 3"],
      side: ["legend", "loss", "regions"],
      main: "scene",
      // The layer changes most in its first epochs: paced on a log scale of epochs, so its turn shows.
      timeline: { titleCard: 2, holdStart: 1.5, holdEnd: 2.2, easing: logEpochs(5) },
      captions: [
        {
          at: "title:end",
          text: `${width} units give each point ${width} coordinates: we see the 3 directions it spreads along most.`,
        },
        { at: "training:0.15", text: "As the network learns, the arms pull apart in the layer's space..." },
        { at: "training:0.7", text: "...until walls where the largest output changes can separate them." },
      ],
    });
    const projection = projectLayer(run, LAYER, { window, turn: TURN });
    // The camera ends looking 25° off the line where the three final walls meet, so they read as
    // three fans around it with a class between each two; it turns 50° towards there.
    const [w0, w1, w2] = projection.at(run.config.epochs).regions?.weights ?? [];
    const end = viewAcrossPlane(w0 && w1 && w2 ? meetingLine(w0, w1, w2) : [0, 0, 1], {
      tilt: 65,
      elevations: [12, 40],
    });
    // It comes closer while the projected cloud is small (the box holds the whole run's reach).
    const camera = cloudCamera({
      run,
      clock: figure.clock,
      layer: LAYER,
      duration,
      from: figure.clock.phases.titleEnd,
      start: { azimuth: end.azimuth - 50, elevation: end.elevation },
      end,
      box: projection.box,
      framings: projection.framings,
      window: 2,
    });
    return { figure, projection, camera, captions: figure.captions };
  },
  captions: (prepared) => prepared.captions,
  beats: (prepared) => prepared.figure.clock.beats,
  snapshots: ["start", "training:middle", "end"],

  draw: (ctx, frame, { figure, projection, camera }) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { unit, theme } = paint;
    trainingFigure(paint, frame, figure, (rect, _state, at) => {
      const { points, share, best, regions, agreement = 0 } = projection.at(at.epoch);
      const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
      const width = frame.run.config.sizes[LAYER];
      const line = 24 * unit;
      // Two lines of the same words in every frame, so only their numbers change: the drawn
      // axes' share (a little under the best while they turn towards new directions), and how
      // far the walls can be trusted (they fade with it).
      const notes = [
        `p₁, p₂, p₃ hold ${percent(share)} of the ${width} units' variance (the best three: ${percent(best)})`,
        `walls: where the largest output changes in this slice, right for ${percent(agreement)} of the points`,
      ];
      notes.forEach((note, k) => {
        fillTextCached(ctx, note, rect.x, rect.y + (16 + k * 24) * unit, { font: font(16 * unit), color: theme.muted });
      });
      const panel = { x: rect.x, y: rect.y + 2 * line, width: rect.width, height: rect.height - 2 * line };
      drawPanel3d(paint, panel, {
        view: camera,
        time: frame.time,
        box: projection.box,
        points,
        labels: figure.labels,
        axisLabels: projection.axisLabels,
        ...(regions ? { regions: { ...regions, opacity: 0.7 * smoothstep(WALLS_FROM, WALLS_FULL, agreement) } } : {}),
      });
    });
  },
});
