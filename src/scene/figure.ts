import { drawNetworkDiagram } from "../draw/diagram.ts";
import type { Rect } from "../draw/geometry.ts";
import { type ClassRegions, drawClassMap } from "../draw/map2d.ts";
import { formatNumber } from "../draw/numbers.ts";
import type { Paint } from "../draw/paint.ts";
import type { Panels } from "../draw/panels.ts";
import { drawPlot } from "../draw/plot.ts";
import { classLegend, drawLegend, trainingStatus } from "../draw/text.ts";
import { feedforward } from "../nn/example.ts";
import { loss as lossNamed } from "../nn/loss.ts";
import { type Run, thresholdRule } from "../train/index.ts";
import { hasRows } from "../train/rows.ts";
import { encodeDataset } from "../train/targets.ts";
import type { BeatCaption } from "./captions.ts";
import { type CourseFigure, courseFigure, prepareCourseFigure } from "./course.ts";
import { stateAround } from "./framing.ts";
import { type RunState, stateAt } from "./interpolate.ts";
import { runNetwork } from "./network.ts";
import { classRegions } from "./regions.ts";
import { type Timeline, type TimelineOptions, type TimelineState, timeline } from "./timeline.ts";

/** A panel of the side column the figure can draw. */
/** Side panels: the legend, the loss and accuracy curves, the input plane's regions, the network's weights now. */
export type FigurePanel = "legend" | "loss" | "accuracy" | "regions" | "network";

export type { BeatCaption } from "./captions.ts";

/** What differs between training scenes; everything else comes from the run. */
export interface TrainingFigureOptions {
  title: string;
  subtitle?: string;
  /** The square of the input plane shown by the decision regions: [low, high] on both axes. */
  range: [number, number];
  /** Class names in label order; default "class k" (or "y = 0", "y = 1" for one output). */
  classNames?: string[];
  captions?: BeatCaption[];
  /** The side column, top to bottom. Default legend, loss, accuracy. */
  side?: FigurePanel[];
  /** What fills the main panel: the decision regions, or the scene's own drawing. Default "regions"
   * unless `side` shows them. */
  main?: "regions" | "scene";
  /** The clip's layout; the training phase takes what the others leave. Default 1.5 s title card, 1.5 s holds. */
  timeline?: Omit<TimelineOptions, "duration" | "epochs">;
  /**
   * Epochs the run is averaged over around each moment (`stateAround`): regions, curves and the
   * main panel's state. Default: the epochs the clip passes in half a second around the moment
   * (`shutterWindow`); 0 shows each snapshot as it is.
   */
  window?: number;
  /** The scene draws its own title card (see `CourseFigureOptions.ownTitleCard`). */
  ownTitleCard?: boolean;
  /** Straight grid lines on the input-space map, this many each way (the lines a scene carries into a hidden layer). */
  gridLines?: number;
  /**
   * The hidden layer whose points the main panel shows: the state handed to the main panel's
   * function then holds that layer's activations (`state.activations`), averaged like the rest.
   */
  layer?: number;
}

/** What `prepareTrainingFigure` builds once per render, for every frame: a course figure whose body is the run's. */
export interface TrainingFigure extends CourseFigure<"main" | "side"> {
  range: [number, number];
  side: FigurePanel[];
  main: "regions" | "scene";
  clock: Timeline;
  epochs: number;
  /** The run's network, e.g. "[2, 8, 8, 1] tanh → sigmoid". */
  network: string;
  classNames?: string[];
  boundary: string;
  /** The boundary's legend key: a line (default, as the maps draw it), or a square for a plane in 3-D. */
  boundaryMarker?: "line" | "square";
  points: Float64Array;
  labels: ArrayLike<number>;
  snapshotEpochs: number[];
  losses: number[];
  accuracies: number[];
  /** Grid lines on the input-space map, each way. */
  gridLines?: number;
  /** The largest |w| over the run: the network panel's full edge width, the same in every frame. */
  weightScale: number;
  /** Top of the loss axis: the largest loss, up to a round tenth. */
  maxLoss: number;
  /** The loss panel's title: the loss the run trains with. */
  lossTitle: string;
  /** Epochs the run is averaged over (0: none; undefined: half a second of the clip, `shutterWindow`). */
  window?: number;
  /** The layer whose activations the state carries, when the scene asked for one. */
  layer?: number;
}

/** A figure asked for something it cannot draw: a beat or panel that does not exist. */
export class FigureError extends Error {
  override name = "FigureError";
}

const PANELS: readonly FigurePanel[] = ["legend", "loss", "accuracy", "regions", "network"];

/** The run's network in one line: "[2, 8, 8, 1] tanh → sigmoid" (one name when all layers agree). */
export function networkLabel(config: {
  sizes: readonly number[];
  activation?: string;
  outputActivation?: string;
}): string {
  const hidden = config.activation ?? "sigmoid";
  const output = config.outputActivation ?? hidden;
  const sizes = `[${config.sizes.join(", ")}]`;
  if (config.sizes.length <= 2) return `${sizes} ${output}`;
  return hidden === output ? `${sizes} ${hidden}` : `${sizes} ${hidden} → ${output}`;
}

/** The legend's name for the model's boundary: where one output crosses its threshold, or the argmax changes. */
export function boundaryLabel(run: Run): string {
  const units = run.config.sizes.at(-1) ?? 1;
  if (units > 1) return "boundary (argmax changes)";
  const { threshold } = thresholdRule(run.data.y);
  return `boundary (output = ${threshold === 0.5 ? "½" : formatNumber(threshold, threshold % 1 === 0 ? 0 : 2)})`;
}

/**
 * Builds, once per render, what a training figure reuses on every frame: the timeline and its
 * beats, loss and accuracy arrays, the points and labels, the network's label, and the
 * captions placed by beats (so they stay aligned at any `--duration`).
 */
export function prepareTrainingFigure(
  context: { run: Run; duration: number },
  options: TrainingFigureOptions,
): TrainingFigure {
  const { run, duration } = context;
  const side = options.side ?? ["legend", "loss", "accuracy"];
  for (const panel of side) {
    if (!PANELS.includes(panel)) {
      throw new FigureError(`trainingFigure: there is no side panel "${panel}"; use ${PANELS.join(", ")}`);
    }
  }
  checkRange(run, options.range);
  const epochs = run.snapshots.at(-1)?.epoch ?? 0;
  const clock = timeline({ titleCard: 1.5, holdStart: 1.5, holdEnd: 2, ...options.timeline, duration, epochs });
  const losses = trainedLosses(run);
  const { title, subtitle, captions = [] } = options;
  return {
    ...prepareCourseFigure(
      { duration },
      {
        title,
        ...(subtitle !== undefined ? { subtitle } : {}),
        beats: clock.beats,
        captions,
        columns: [{ main: 7 }, { side: 3 }],
        ...(options.ownTitleCard ? { ownTitleCard: true } : {}),
      },
    ),
    range: options.range,
    side,
    main: options.main ?? (side.includes("regions") ? "scene" : "regions"),
    clock,
    epochs,
    network: networkLabel(run.config),
    ...(options.classNames ? { classNames: options.classNames } : {}),
    boundary: boundaryLabel(run),
    points: Float64Array.from(run.data.X.flat()),
    labels: run.data.y,
    snapshotEpochs: run.snapshots.map((s) => s.epoch),
    losses,
    accuracies: run.snapshots.map((s) => s.accuracy),
    maxLoss: Math.ceil(Math.max(0.1, ...losses) * 10) / 10,
    weightScale: largestWeight(run),
    ...(options.gridLines ? { gridLines: options.gridLines } : {}),
    lossTitle: (run.config.loss ?? "quadratic") === "quadratic" ? "loss (mean ½‖a − y‖²)" : "loss (mean cross-entropy)",
    ...(options.window !== undefined ? { window: options.window } : {}),
    ...(options.layer !== undefined ? { layer: checkedLayer(run, options.layer) } : {}),
  };
}

/**
 * The header's text at `time`: the status line (the run's epoch, loss and accuracy there, in
 * fixed decimals) and the network's label, both from the run.
 */
export function figureHeader(
  figure: TrainingFigure,
  _run: Run,
  time: number,
): { status: { label: string; value: string }[]; network: string } {
  const at = figure.clock(time);
  const values = {
    loss: curveAt(figure, figure.losses, at.epoch),
    accuracy: curveAt(figure, figure.accuracies, at.epoch),
  };
  return { status: trainingStatus({ ...values, epoch: at.epoch, epochs: figure.epochs }), network: figure.network };
}

/** What a frame of the figure is showing, and where the scene may draw. */
export interface FigureFrame {
  panels: Panels<"main" | "side">;
  /** The main panel, for the scene's own drawing. */
  main: Rect;
  at: TimelineState;
  /** The run at the frame's (fractional) epoch. */
  state: RunState;
}

/**
 * Draws one frame of a training figure: background, header (title; status line with epoch,
 * loss and accuracy in tabular figures; the network's label), the side column (legend, loss,
 * accuracy, regions), the decision regions, the caption of the moment and the title card,
 * fading out over everything. A scene with its own main panel draws it in `drawMain`, which
 * runs before the title card so the card fades over it too.
 */
export function trainingFigure(
  paint: Paint,
  frame: { time: number; run: Run },
  figure: TrainingFigure,
  drawMain?: (rect: Rect, state: RunState, at: TimelineState) => void,
): FigureFrame {
  const at = figure.clock(frame.time);
  const state = figureState(figure, frame.run, at.epoch, frame.time);
  const layout = courseFigure(paint, frame, figure, (layout) => {
    drawTrainingPanels(paint, layout, { figure, frame, state, at }, drawMain);
    const { status, network } = figureHeader(figure, frame.run, frame.time);
    return { status, aside: network };
  });
  return { panels: layout, main: layout.main, at, state };
}

/** The training figure's body: the main panel (regions, or the scene's) and the side column. */
function drawTrainingPanels(
  paint: Paint,
  layout: Panels<"main" | "side">,
  { figure, frame, state, at }: { figure: TrainingFigure; frame: { run: Run }; state: RunState; at: TimelineState },
  drawMain?: (rect: Rect, state: RunState, at: TimelineState) => void,
): void {
  const { ctx, theme, unit } = paint;
  const regions = () => {
    const size = Math.max(48, Math.round(128 * unit));
    return regionsOf(frame.run, state, { range: figure.range, size });
  };
  // In the side column the regions are a small second view: titled, with smaller dots.
  const map = (rect: Rect, side = false) =>
    drawClassMap(paint, rect, {
      ...(side ? { title: "input space: its boundary", titleAlign: "left" as const } : {}),
      range: figure.range,
      points: figure.points,
      labels: figure.labels,
      radius: side ? 2.6 : 4,
      regions: regions(),
      ...(figure.gridLines ? { gridLines: figure.gridLines } : {}),
    });
  // Room below the square for the x₁ label.
  if (figure.main === "regions") map({ ...layout.main, height: layout.main.height - 30 * unit });
  else drawMain?.(layout.main, state, at);

  const names = { labels: figure.labels, ...(figure.classNames ? { names: figure.classNames } : {}) };
  const entries = classLegend(theme, names, figure.boundary, figure.boundaryMarker);
  const rects = sideColumn(
    layout.side,
    figure.side.map((panel) =>
      panel === "legend" ? { height: legendHeight(entries.length, unit) } : { weight: panel === "regions" ? 1.6 : 1 },
    ),
    22 * unit,
  );
  figure.side.forEach((panel, i) => {
    const rect = rects[i] as Rect;
    if (panel === "legend") drawLegend(ctx, { x: rect.x + 8 * unit, y: rect.y + 12 * unit }, entries, { theme, unit });
    else if (panel === "regions") map(rect, true);
    else if (panel === "network") drawNetworkPanel(paint, rect, frame.run, state, figure.weightScale);
    else drawCurve(paint, rect, figure, panel, state, i === figure.side.length - 1);
  });
}

/**
 * `classRegions`, memoised by everything it depends on: the run, the weights and biases (their
 * exact values), the range and the grid. The network is evaluated on the whole grid, and holds
 * (the title card, the pauses before and after training) show the same weights for seconds;
 * a figure showing the regions twice (main panel and side column) computes them once. Frames
 * stay pure: an entry depends on its key alone. A new entry takes over the arrays of the one it
 * replaces (~0.5 MB at 720p): kept from frame to frame, they outlived the scene's process's
 * young collections and were freed only by its full ones, and a long video's process grew.
 */
function regionsOf(run: Run, state: RunState, options: { range: [number, number]; size: number }): ClassRegions {
  const key = `${options.range}|${options.size}|${state.weights}|${state.biases}`;
  const known = regionsMemo.get(run);
  if (known?.key === key) return known.regions;
  // The last state's arrays are written over: they are nobody's once a new state is drawn.
  const regions = classRegions(run, state, options, known?.regions);
  regionsMemo.set(run, { key, regions });
  return regions;
}

const regionsMemo = new WeakMap<Run, { key: string; regions: ClassRegions }>();

/** The network's diagram with the run's weights at this moment: edges coloured by sign, widths by |w|. */
function drawNetworkPanel(paint: Paint, rect: Rect, run: Run, state: RunState, weightScale: number): void {
  const { sizes, activation = "sigmoid", outputActivation } = run.config;
  drawNetworkDiagram(paint, rect, {
    sizes,
    weights: state.weights,
    biases: state.biases,
    activation,
    ...(outputActivation ? { outputActivation } : {}),
    titles: "symbols",
    weightScale,
    edgeKey: false,
  });
}

function largestWeight(run: Run): number {
  let most = 0;
  for (const snapshot of run.snapshots)
    for (const w of snapshot.weights) for (const row of w) for (const v of row) most = Math.max(most, Math.abs(v));
  return most || 1;
}

/**
 * Epochs the figure averages the run over by default: the epochs the training beat passes in
 * half a second (at its mean pace), and at least one. Snapshots a few mini-batches
 * apart carry SGD noise, and a clip that passes several of them a frame shows it as regions
 * and curves that jump and come back; averaged over that window the learning stays and the
 * noise goes. The first and last snapshots still show exactly (`stateAround`).
 */
export function defaultWindow(epochs: number, trainingSeconds: number): number {
  return trainingSeconds > 0 ? Math.max(1, (0.5 * epochs) / trainingSeconds) : 1;
}

/**
 * Epochs a training figure averages the run over at `time` by default: those the clip passes
 * in `seconds` around it, like a camera's shutter. Where the clip runs through many noisy
 * snapshots a frame, they are averaged and the learning shows without the SGD noise; where it
 * runs slowly, or holds, the state is shown as it is.
 */
export function shutterWindow(clock: (time: number) => { epoch: number }, time: number, seconds = 0.5): number {
  return Math.abs(clock(time + seconds / 2).epoch - clock(time - seconds / 2).epoch);
}

/**
 * The loss the run trained with, at each snapshot. Snapshots record the quadratic cost
 * whatever trains (so runs compare); a figure of a cross-entropy run shows the cost it minimises.
 */
export function trainedLosses(run: Run): number[] {
  const name = run.config.loss ?? "quadratic";
  if (name === "quadratic") return run.snapshots.map((s) => s.loss);
  const { cost } = lossNamed(name);
  const outputs = run.config.sizes.at(-1) ?? 1;
  const { Y } = encodeDataset(run.data, outputs);
  return run.snapshots.map((snapshot) => {
    const net = runNetwork(run, snapshot);
    let sum = 0;
    run.data.X.forEach((x, i) => {
      sum += cost(feedforward(net, x), Y.subarray(i * outputs, (i + 1) * outputs));
    });
    return sum / run.data.X.length;
  });
}

/**
 * A curve's value at `epoch`, between the snapshots around it: the header's numbers and the
 * curve's end dot read the curve drawn, so the dot sits on it.
 */
function curveAt(figure: TrainingFigure, values: number[], epoch: number): number {
  const epochs = figure.snapshotEpochs;
  let k = 0;
  while (k + 1 < epochs.length && (epochs[k + 1] as number) <= epoch) k++;
  const e0 = epochs[k] as number;
  const e1 = epochs[k + 1];
  if (e1 === undefined || e1 === e0) return values[k] as number;
  const t = Math.min(1, Math.max(0, (epoch - e0) / (e1 - e0)));
  return (values[k] as number) * (1 - t) + (values[k + 1] as number) * t;
}

/** The run at `epoch`, averaged over the figure's window at `time` (0: the run as it is). */
function figureState(figure: TrainingFigure, run: Run, epoch: number, time: number): RunState {
  const { layer } = figure;
  const window = figure.window ?? shutterWindow(figure.clock, time);
  return window > 0
    ? stateAround(run, epoch, { window, ...(layer !== undefined ? { layer } : {}) })
    : stateAt(run, epoch, layer);
}

/**
 * The figure's maps show the input plane over `range` and cut points outside it at their
 * border: more than 2% of the data outside is a mistake, said in one line with the data's own
 * extent, rather than classes silently missing from the picture.
 */
function checkRange(run: Run, range: [number, number]): void {
  const [lo, hi] = range;
  if (!(hi > lo)) throw new FigureError(`trainingFigure: range [${lo}, ${hi}] must run from low to high`);
  const xs = run.data.X;
  if (xs.length === 0 || (xs[0]?.length ?? 0) !== 2) return;
  const outside = xs.filter((p) => p.some((v) => v < lo || v > hi)).length;
  if (outside <= 0.02 * xs.length) return;
  const extent = (k: number) => {
    const values = xs.map((p) => p[k] as number);
    return `[${Math.min(...values).toFixed(1)}, ${Math.max(...values).toFixed(1)}]`;
  };
  throw new FigureError(
    `trainingFigure: ${outside} of ${xs.length} points lie outside range [${lo}, ${hi}] (the data spans x₁ ${extent(0)}, x₂ ${extent(1)}); widen range so the maps show them`,
  );
}

/** `layer`, when the run's snapshots carry its activations; else one line saying how to get them. */
function checkedLayer(run: Run, layer: number): number {
  const last = run.config.sizes.length - 1;
  if (!Number.isInteger(layer) || layer < 1 || layer >= last) {
    throw new FigureError(
      `trainingFigure: layer ${layer} is no hidden layer of ${networkLabel(run.config)}; use 1 to ${last - 1}`,
    );
  }
  const first = run.snapshots[0];
  if (!first || !hasRows(first.activations, String(layer))) {
    throw new FigureError(
      `trainingFigure: the run's snapshots have no activations of layer ${layer}; add snapshot: { layers: [${layer}] } to its training config`,
    );
  }
  return layer;
}

/**
 * The legend's height: its rows (28 px apart at 720p, drawn from 12 px below its top) and as
 * much below the last, so the gap under it looks like the gaps between the other blocks.
 */
function legendHeight(rows: number, unit: number): number {
  return (Math.max(1, rows) - 1) * 28 * unit + 24 * unit;
}

/**
 * The side column's blocks top to bottom, `gap` apart: those of a fixed height (the legend,
 * whose rows are fixed in pixels) get it, the others share the rest by weight.
 */
function sideColumn(rect: Rect, blocks: ({ height: number } | { weight: number })[], gap: number): Rect[] {
  const fixed = blocks.reduce((sum, block) => sum + ("height" in block ? block.height : 0), 0);
  const weights = blocks.reduce((sum, block) => sum + ("weight" in block ? block.weight : 0), 0);
  const free = Math.max(0, rect.height - gap * (blocks.length - 1) - fixed);
  let y = rect.y;
  return blocks.map((block) => {
    const height = "height" in block ? block.height : (free * block.weight) / (weights || 1);
    const part = { x: rect.x, y, width: rect.width, height };
    y += height + gap;
    return part;
  });
}

/** The run's loss or accuracy up to the frame's epoch. */
function drawCurve(
  paint: Paint,
  rect: Rect,
  figure: TrainingFigure,
  panel: "loss" | "accuracy",
  state: RunState,
  last: boolean,
): void {
  const loss = panel === "loss";
  const { ctx, theme, unit } = paint;
  const plot = drawPlot(paint, rect, {
    title: loss ? figure.lossTitle : "accuracy",
    x: { range: [0, Math.max(1, figure.epochs)], ...(last ? { label: "epoch" } : {}) },
    y: loss ? { range: [0, figure.maxLoss] } : { range: [0, 1], ticks: [0, 0.5, 1] },
    series: [
      {
        xs: figure.snapshotEpochs,
        ys: loss ? figure.losses : figure.accuracies,
        upTo: state.epoch,
        color: theme.ink,
        width: 2,
      },
    ],
    legend: "none",
  });
  // The current epoch in the model's colour, at the run's interpolated value.
  const end = plot.toPixel(state.epoch, curveAt(figure, loss ? figure.losses : figure.accuracies, state.epoch));
  ctx.save();
  ctx.beginPath();
  ctx.arc(end.x, end.y, 5 * unit, 0, 2 * Math.PI);
  ctx.fillStyle = theme.accent;
  ctx.fill();
  ctx.strokeStyle = theme.background;
  ctx.lineWidth = 1.5 * unit;
  ctx.stroke();
  ctx.restore();
}
