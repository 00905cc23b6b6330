import type { ActivationName } from "../nn/activation.ts";
import { contrastRatio, isDarkBackground, mix, symbolColors, withAlpha } from "./colour.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { formatNumber } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import { clamp01, smoothstep } from "./smoothstep.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import type { Theme } from "./theme.ts";

/** The widest layer a diagram draws: more circles than this no longer read at 720p. */
export const MAX_DIAGRAM_UNITS = 10;

/** A diagram asked for something it cannot draw (a layer too wide, shapes that disagree). */
export class DiagramError extends Error {
  override name = "DiagramError";
}

/**
 * One example's numbers, layer l at index l (0 = input, L = output): the shape of
 * `traceExample`'s result (src/nn), which can be passed as it is.
 */
export interface DiagramTrace {
  /** aˡ; activations[0] is the input x. */
  activations: readonly ArrayLike<number>[];
  /** zˡ for l ≥ 1. */
  zs?: readonly ArrayLike<number>[];
  /** δˡ = ∂C/∂zˡ for l ≥ 1 (also ∂C/∂bˡ). */
  deltas?: readonly ArrayLike<number>[];
  /** The target y of the output layer. */
  target?: ArrayLike<number>;
  /** ∂C/∂Wˡ at index l − 1, row-major (rows = units in l), as the engine's Gradients. */
  gradients?: { weights: readonly { cols: number; data: ArrayLike<number> }[] };
}

/** A label on the edge from unit k of layer `layer` − 1 to unit j of layer `layer` (indices from 0). */
export interface EdgeLabel {
  layer: number;
  j: number;
  k: number;
  /** What to print: the weight wˡⱼₖ and/or its gradient ∂C/∂wˡⱼₖ. Default ["w"]. */
  show?: readonly ("w" | "dC/dw")[];
  /** Where along the edge, 0 at the left unit, 1 at the right. Default 0.5. */
  at?: number;
  /** The label's opacity (0 to 1), for cross-fading one label into another. Default 1. */
  opacity?: number;
}

/** Labels beside unit j of layer `layer` (indices from 0), one line per quantity. */
export interface NodeLabel {
  layer: number;
  j: number;
  show: readonly ("b" | "z" | "a" | "delta" | "y")[];
  /** Which side of the circle. Default "below". */
  side?: "above" | "below" | "left" | "right";
}

export interface NetworkDiagramOptions {
  /** Units per layer, input first: the run's `config.sizes`. */
  sizes: readonly number[];
  /** weights[k] is W of layer k + 1, rows = units in layer k + 1 (a Snapshot's `weights`). */
  weights?: readonly (readonly ArrayLike<number>[])[];
  /** biases[k] is b of layer k + 1 (a Snapshot's `biases`), for "b" labels. */
  biases?: readonly ArrayLike<number>[];
  /** The hidden layers' activation, for the fill's range. Default "sigmoid". */
  activation?: ActivationName;
  /** The output layer's activation. Default: `activation`. */
  outputActivation?: ActivationName;
  /** One example's numbers (`traceExample`): nodes are filled by their activations. */
  trace?: DiagramTrace;
  /** Print each activation inside its circle. Default true when there is a trace. */
  values?: boolean;
  /** Decimals of the printed activations. Default 2. */
  decimals?: number;
  /** Fill range of each layer, overriding the defaults (for fills comparable across frames). */
  ranges?: readonly (readonly [number, number] | undefined)[];
  /** Layer titles: words ("input", "hidden 1", "output"), symbols (a⁰ a¹ a²), your own, or none. */
  titles?: "words" | "symbols" | readonly string[] | false;
  /**
   * Largest |w| drawn at full width. Default: the largest |w| of these weights; pass one value
   * for a whole video so that widths compare across frames.
   */
  weightScale?: number;
  /**
   * A key under the diagram naming the edges' colours and width ("w > 0", "w < 0", "width
   * |w|"), in the space it keeps free at the bottom. Default true when weights are drawn.
   */
  edgeKey?: boolean;
  /** Forward pass progress in [0, L]: layer l and its incoming edges light up as it goes from l − 1 to l. Default L (all lit). */
  forward?: number;
  /**
   * Backward pass progress from L down to 1: δᴸ shows at L (fading in from L + 1); as it goes from
   * l to l − 1, δ travels back along Wˡ in the accent colour and δˡ⁻¹ appears. Default: no δ.
   */
  backward?: number;
  /** Print δ under each unit while the backward pass shows it (room is kept for them in every frame). Default false. */
  deltaLabels?: boolean;
  /** Print the target y beside the output units when the trace has one. Default true. */
  target?: boolean;
  /** Decimals of δ and gradient values. Default 3. */
  deltaDecimals?: number;
  labels?: { edges?: readonly EdgeLabel[]; nodes?: readonly NodeLabel[] };
}

/** Where the diagram put things, so a scene can point at them. */
export interface DiagramLayout {
  /** centres[l][j] is unit j of layer l. */
  centres: { x: number; y: number }[][];
  radius: number;
  /** Layer titles' baseline. */
  titleY: number;
}

/**
 * The notebook's colours for symbols (w blue, b purple, a green, z orange, C red, δ the
 * accent), in shades that keep text legible on each theme, and the edge colours by sign.
 */
export interface DiagramColours {
  w: string;
  b: string;
  a: string;
  z: string;
  C: string;
  delta: string;
  positive: string;
  negative: string;
  /** The fill of a fully active unit. */
  active: string;
}

/**
 * Symbol and edge colours for a theme: the symbols in the course's one palette (`symbolColors`,
 * the same as TeX's), δ in the accent, units' activity in green.
 */
export function diagramColours(theme: Theme): DiagramColours {
  const dark = isDarkBackground(theme.background);
  return {
    ...symbolColors(theme),
    delta: theme.accent,
    // Edges by sign: positive in w's blue, negative in a neutral grey, so that no edge takes
    // the colour of another symbol (orange is z's); the key under the diagram says which.
    positive: symbolColors(theme).w,
    negative: dark ? "#9aa1ab" : "#6b7280",
    active: "#009E73",
  };
}

/** What the layout depends on: the same for every frame of a pass, so the diagram never jumps. */
export type DiagramLayoutOptions = Pick<
  NetworkDiagramOptions,
  "sizes" | "titles" | "trace" | "target" | "deltaLabels" | "weights" | "edgeKey"
>;

/**
 * The geometry of a diagram in `rect`, as `drawNetworkDiagram` lays it out: layers left to
 * right, units centred in each layer with the same spacing in every layer, radius and spacing
 * chosen to fit, room kept for the titles, the targets (y = …) and the δ labels when asked for.
 */
export function diagramLayout(paint: Pick<Paint, "unit">, rect: Rect, options: DiagramLayoutOptions): DiagramLayout {
  const { unit } = paint;
  const { sizes } = options;
  checkSizes(sizes);
  const L = sizes.length - 1;
  const widest = Math.max(...sizes);
  const deltaLabels = options.deltaLabels ?? false;
  const titleBand = (options.titles ?? false) !== false ? 40 * unit : 0;
  const below = (deltaLabels ? DELTA_LABEL_GAP * unit : 0) + edgeKeyHeight(options, unit);
  const right = showsTarget(options) ? 16 * unit + measureTextCached("y = 0", font(18 * unit)) : 0;
  const bodyTop = rect.y + titleBand;
  const bodyHeight = Math.max(1, rect.height - titleBand - below);
  const spacing = Math.min(bodyHeight / widest, 150 * unit);
  const columnGuess = rect.width / Math.max(1, L);
  // δ labels go between units: keep a line's height free between neighbouring circles.
  const fitsLabels = deltaLabels ? (spacing - DELTA_LABEL_GAP * unit) / 2 : Number.POSITIVE_INFINITY;
  const radius = Math.max(2 * unit, Math.min(0.36 * spacing, fitsLabels, 0.2 * columnGuess, 42 * unit));
  const x0 = rect.x + radius + 6 * unit;
  const x1 = rect.x + rect.width - radius - 6 * unit - right;
  const step = L > 0 ? (x1 - x0) / L : 0;
  const middle = bodyTop + bodyHeight / 2;
  const centres = sizes.map((n, l) =>
    Array.from({ length: n }, (_, j) => ({ x: x0 + l * step, y: middle + (j - (n - 1) / 2) * spacing })),
  );
  // Titles sit just above the tallest layer, not at the top of a tall rectangle.
  const top = middle - ((widest - 1) / 2) * spacing - radius;
  return { centres, radius, titleY: Math.max(rect.y + 12 * unit, top - 30 * unit) };
}

/** Room a δ label takes under a unit, in 720p pixels. */
const DELTA_LABEL_GAP = 32;

function showsTarget(options: DiagramLayoutOptions): boolean {
  return (options.target ?? true) && options.trace?.target !== undefined;
}

/**
 * A network diagram, input on the left: units as circles filled by their activation on one
 * example, edges coloured by the sign of their weight and as wide as its magnitude, optional
 * labels (w, b, z, a, δ, y) in the notebook's symbol colours, and a forward or backward pass
 * driven by a progress number, so a frame is a function of its options alone.
 *
 * Fill ranges: sigmoid [0, 1] from the background to green; tanh [−1, 1] and identity
 * [−m, m] (m the layer's largest |a|, at least 1) from grey through the background at 0 to
 * green; relu [0, m]; the input layer like identity. `ranges` overrides them.
 */
export function drawNetworkDiagram(paint: Paint, rect: Rect, options: NetworkDiagramOptions): DiagramLayout {
  const { ctx, theme, unit } = paint;
  checkSizes(options.sizes);
  checkShapes(options);
  const d = diagramDrawing(paint, rect, options);
  const keyHeight = edgeKeyHeight(options, unit);
  if (keyHeight > 0) drawEdgeKey(paint, { x: rect.x, y: rect.y + rect.height - keyHeight / 2 }, d.colours);
  ctx.save();
  ctx.lineCap = "round";
  drawEdges(d);
  drawLabelledEdges(d);
  drawDeltaTrails(d);
  drawUnits(d);
  drawTarget(d);
  const titles = layerTitles(options.titles ?? false, d.L);
  if (titles) {
    titles.forEach((title, l) => {
      const { x } = at(d.layout.centres, l, 0);
      drawPieces(ctx, title(d.colours, theme), { x, y: d.layout.titleY, size: 18 * unit, align: "center" });
    });
  }
  const labelContext = { options, layout: d.layout, colours: d.colours, deltaDecimals: d.deltaDecimals };
  for (const label of options.labels?.edges ?? [])
    drawEdgeLabel(paint, rect, label, { ...labelContext, opacity: d.reach });
  for (const label of options.labels?.nodes ?? [])
    drawNodeLabel(paint, rect, label, { ...labelContext, opacity: d.lit });
  ctx.restore();
  return d.layout;
}

/** What every part of a diagram's drawing shares: its layout, colours, edges and how far each pass has come. */
interface DiagramDrawing {
  paint: Paint;
  options: NetworkDiagramOptions;
  /** The output layer's index. */
  L: number;
  colours: DiagramColours;
  layout: DiagramLayout;
  deltaDecimals: number;
  /** Every edge, the weaker first (so the strong ones lie on top). */
  edges: Edge[];
  minWidth: number;
  maxWidth: number;
  /** An edge's line width for its weight. */
  edgeWidth: (w: number) => number;
  /** How lit layer l's units are by the forward pass (0 to 1). */
  lit: (l: number) => number;
  /** How far along the forward pass has drawn the edges into layer l (0 to 1). */
  reach: (l: number) => number;
  /** How much layer l's δ shows in the backward pass (0 to 1). */
  deltaShown: (l: number) => number;
  /** The backward pass's progress (L + 1 when there is none). */
  backward: number;
}

function diagramDrawing(paint: Paint, rect: Rect, options: NetworkDiagramOptions): DiagramDrawing {
  const { theme, unit } = paint;
  const { sizes, weights } = options;
  const L = sizes.length - 1;
  const layout = diagramLayout(paint, rect, options);
  const { centres, radius } = layout;
  const forward = Math.min(L, Math.max(0, options.forward ?? L));
  const backward = options.backward === undefined ? L + 1 : Math.min(L + 1, Math.max(1, options.backward));
  const scale = options.weightScale ?? largestWeight(weights);
  const edges: Edge[] = [];
  for (let l = 1; l <= L; l++) {
    for (let j = 0; j < (sizes[l] as number); j++) {
      for (let k = 0; k < (sizes[l - 1] as number); k++) {
        const w = weights ? weightAt(weights, l, j, k) : Number.NaN;
        edges.push({ l, j, k, w, ...endpoints(centres, radius, l, j, k) });
      }
    }
  }
  const strength = (w: number): number => (Number.isFinite(w) && scale > 0 ? Math.min(1, Math.abs(w) / scale) : 0);
  edges.sort((a, b) => strength(a.w) - strength(b.w));
  const maxWidth = Math.min(7 * unit, 0.3 * radius);
  const minWidth = Math.max(1 * unit, 0.6);
  return {
    paint,
    options,
    L,
    colours: diagramColours(theme),
    layout,
    deltaDecimals: options.deltaDecimals ?? 3,
    edges,
    minWidth,
    maxWidth,
    edgeWidth: (w) => minWidth + (maxWidth - minWidth) * strength(w),
    lit: (l) => (l === 0 ? 1 : smoothstep(0.45, 1, forward - (l - 1))),
    reach: (l) => smoothstep(0, 0.6, forward - (l - 1)),
    deltaShown: (l) => (l === 0 ? 0 : smoothstep(0.45, 1, l + 1 - backward)),
    backward,
  };
}

/** The edges, coloured by their weight's sign and as wide and opaque as its magnitude. */
function drawEdges(d: DiagramDrawing): void {
  const { ctx, theme } = d.paint;
  const { weights } = d.options;
  const scale = d.options.weightScale ?? largestWeight(weights);
  for (const e of d.edges) {
    const m = Number.isFinite(e.w) && scale > 0 ? Math.min(1, Math.abs(e.w) / scale) : 0;
    const shown = d.reach(e.l);
    if (shown < 1) line(ctx, e, Math.max(shown, 0), 1, theme.grid, d.minWidth);
    if (shown <= 0) continue;
    const colour = !weights ? theme.edge : e.w >= 0 ? d.colours.positive : d.colours.negative;
    ctx.globalAlpha = weights ? 0.25 + 0.75 * m : 1;
    line(ctx, e, 0, shown, colour, d.edgeWidth(e.w));
    ctx.globalAlpha = 1;
  }
}

/** Labelled edges again, on top and outlined, so the eye finds them under their labels. */
function drawLabelledEdges(d: DiagramDrawing): void {
  const { ctx, theme, unit } = d.paint;
  const { weights } = d.options;
  const { centres, radius } = d.layout;
  for (const { layer: l, j, k } of d.options.labels?.edges ?? []) {
    const shown = d.reach(l);
    if (!weights || shown <= 0) continue;
    const w = weightAt(weights, l, j, k);
    const e = endpoints(centres, radius, l, j, k);
    const width = Math.max(d.edgeWidth(w), 3 * unit);
    line(ctx, e, 0, shown, theme.background, width + 4 * unit);
    line(ctx, e, 0, shown, w >= 0 ? d.colours.positive : d.colours.negative, width);
  }
}

/**
 * δ travelling back along Wˡ while the backward progress goes from l to l − 1. Each edge
 * carries wˡⱼₖ δˡⱼ, its term of BP2's sum for δˡ⁻¹ₖ: as wide as that term is large among
 * this layer's, so the paths that matter stand out.
 */
function drawDeltaTrails(d: DiagramDrawing): void {
  const { ctx, theme, unit } = d.paint;
  const { trace } = d.options;
  const { minWidth, maxWidth } = d;
  for (let l = d.L; l >= 2; l--) {
    const f = l - d.backward;
    if (f <= 0 || f >= 1) continue;
    const head = smoothstep(0, 0.6, f);
    const fade = 1 - smoothstep(0.75, 1, f);
    const trail = d.edges
      .filter((e) => e.l === l)
      .map((e) => ({ e, carried: Math.abs(e.w * ((trace?.deltas?.[l]?.[e.j] as number | undefined) ?? 1)) }))
      .sort((a, b) => a.carried - b.carried);
    const most = Math.max(...trail.map(({ carried }) => (Number.isFinite(carried) ? carried : 0)));
    ctx.fillStyle = d.colours.delta;
    for (const { e, carried } of trail) {
      const m = most > 0 && Number.isFinite(carried) ? carried / most : 1;
      // The weight's colour gives way under the trail, so δ reads as the accent, not a blend.
      ctx.globalAlpha = fade;
      line(ctx, e, 1 - head, 1, theme.background, d.edgeWidth(e.w) + 1 * unit);
      ctx.globalAlpha = fade * (0.35 + 0.65 * m);
      line(ctx, e, 1 - head, 1, d.colours.delta, minWidth + (maxWidth - minWidth) * m);
      // A dot at each head, so a still frame shows which way δ travels.
      ctx.beginPath();
      ctx.arc(e.x1 + (e.x0 - e.x1) * head, e.y1 + (e.y0 - e.y1) * head, (2 + 2 * m) * unit, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }
}

/** The units: filled by their activation, ringed when their δ shows, with their values and δ labels. */
function drawUnits(d: DiagramDrawing): void {
  const { ctx, theme, unit } = d.paint;
  const { options } = d;
  const { sizes, trace } = options;
  const { centres, radius } = d.layout;
  const valueFont = fitValueFont(radius, unit, options.decimals ?? 2);
  const showValues = (options.values ?? trace !== undefined) && valueFont !== null;
  const showDeltas = options.backward !== undefined && (options.deltaLabels ?? false);
  for (let l = 0; l <= d.L; l++) {
    const values = trace?.activations[l];
    const range = options.ranges?.[l] ?? defaultRange(layerKind(options, l), values);
    const shown = d.lit(l);
    for (let j = 0; j < (sizes[l] as number); j++) {
      const { x, y } = at(centres, l, j);
      const value = values?.[j];
      const full = value === undefined ? theme.background : rampColour(value, range, theme, d.colours);
      const fill = mix(theme.background, full, shown);
      const deltaShown = d.deltaShown(l);
      if (deltaShown > 0) {
        ctx.globalAlpha = deltaShown;
        ctx.beginPath();
        ctx.arc(x, y, radius + 4 * unit, 0, 2 * Math.PI);
        ctx.strokeStyle = d.colours.delta;
        ctx.lineWidth = 3.5 * unit;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.strokeStyle = shown > 0.5 ? theme.edge : theme.grid;
      ctx.lineWidth = 1.4 * unit;
      ctx.stroke();
      if (showValues && value !== undefined && valueFont && shown > 0) {
        ctx.globalAlpha = smoothstep(0.5, 1, shown);
        fillTextCached(ctx, formatNumber(value, options.decimals ?? 2), x, y, {
          font: valueFont,
          color: readableOn(full, theme),
          align: "center",
          baseline: "middle",
        });
        ctx.globalAlpha = 1;
      }
      const delta = trace?.deltas?.[l]?.[j];
      if (showDeltas && deltaShown > 0 && delta !== undefined) {
        ctx.globalAlpha = deltaShown;
        drawPieces(
          ctx,
          [
            { text: "δ", color: d.colours.delta, italic: true },
            { text: ` = ${formatNumber(delta, d.deltaDecimals)}`, color: d.colours.delta },
          ],
          { x, y: y + radius + (DELTA_LABEL_GAP / 2) * unit, size: 16 * unit, align: "center" },
        );
        ctx.globalAlpha = 1;
      }
    }
  }
}

/** The target beside each output unit (y = 0 or 1), when the options show it. */
function drawTarget(d: DiagramDrawing): void {
  const { ctx, theme, unit } = d.paint;
  const target = showsTarget(d.options) ? d.options.trace?.target : undefined;
  if (!target) return;
  const { centres, radius } = d.layout;
  ctx.globalAlpha = d.lit(d.L);
  (centres[d.L] ?? []).forEach((c, j) => {
    drawPieces(
      ctx,
      [
        { text: "y", color: theme.ink, italic: true },
        { text: ` = ${formatNumber(target[j] ?? 0, 0)}`, color: theme.ink },
      ],
      { x: c.x + radius + 14 * unit, y: c.y, size: 18 * unit, align: "left" },
    );
  });
  ctx.globalAlpha = 1;
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) throw new DiagramError(`diagram: a network needs at least 2 layers, got [${sizes.join(",")}]`);
  sizes.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1)
      throw new DiagramError(`diagram: layer ${l} has ${n} units; every layer needs at least 1`);
    if (n > MAX_DIAGRAM_UNITS) {
      throw new DiagramError(`diagram: layer ${l} has ${n} units; at most ${MAX_DIAGRAM_UNITS} can be drawn`);
    }
  });
}

/**
 * Every array the options give against `sizes`, each refused with its own line. Long on
 * purpose: one flat list of independent checks (weights, biases, trace, labels, ranges).
 */
function checkShapes(options: NetworkDiagramOptions): void {
  const { sizes, weights, biases, trace } = options;
  const L = sizes.length - 1;
  const shape = `[${sizes.join(",")}]`;
  if (weights) {
    if (weights.length !== L) {
      throw new DiagramError(
        `diagram: ${weights.length} weight matrices for the ${L} weight layers of ${shape}; pass the same network's sizes and weights`,
      );
    }
    weights.forEach((w, k) => {
      const rows = sizes[k + 1] as number;
      const cols = sizes[k] as number;
      if (w.length !== rows || w.some((row) => row.length !== cols)) {
        throw new DiagramError(
          `diagram: W of layer ${k + 1} must be ${rows}x${cols} for ${shape}, got ${w.length}x${w[0]?.length ?? 0}; pass the same network's sizes and weights`,
        );
      }
    });
  }
  biases?.forEach((b, k) => {
    if (b.length !== sizes[k + 1]) {
      throw new DiagramError(
        `diagram: b of layer ${k + 1} must have ${sizes[k + 1]} entries for ${shape}, got ${b.length}`,
      );
    }
  });
  if (trace) {
    const layers = (name: string, list: readonly ArrayLike<number>[] | undefined, from: number) => {
      if (!list) return;
      if (list.length !== L + 1) {
        throw new DiagramError(
          `diagram: the trace's ${name} cover ${list.length} layers, the network ${shape} has ${L + 1}; trace the same network`,
        );
      }
      for (let l = from; l <= L; l++) {
        if (list[l]?.length !== sizes[l]) {
          throw new DiagramError(
            `diagram: the trace's ${name} of layer ${l} have ${list[l]?.length} entries, the layer has ${sizes[l]} units; trace the same network`,
          );
        }
      }
    };
    layers("activations", trace.activations, 0);
    layers("zs", trace.zs, 1);
    layers("deltas", trace.deltas, 1);
  }
  const inRange = (what: string, l: number, j: number, k: number | null) => {
    if (!Number.isInteger(l) || l < (k === null ? 0 : 1) || l > L) {
      throw new DiagramError(`diagram: ${what} names layer ${l}; ${shape} has layers ${k === null ? 0 : 1}..${L}`);
    }
    if (!Number.isInteger(j) || j < 0 || j >= (sizes[l] as number)) {
      throw new DiagramError(
        `diagram: ${what} names unit j = ${j} of layer ${l}, which has units 0..${(sizes[l] as number) - 1}`,
      );
    }
    if (k !== null && (!Number.isInteger(k) || k < 0 || k >= (sizes[l - 1] as number))) {
      throw new DiagramError(
        `diagram: ${what} names unit k = ${k} of layer ${l - 1}, which has units 0..${(sizes[l - 1] as number) - 1}`,
      );
    }
  };
  for (const e of options.labels?.edges ?? []) inRange("an edge label", e.layer, e.j, e.k);
  for (const n of options.labels?.nodes ?? []) inRange("a node label", n.layer, n.j, null);
}

// ---------------------------------------------------------------------------------------------
// Edges

interface Edge {
  l: number;
  j: number;
  k: number;
  w: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** From the rim of unit k in layer l − 1 to the rim of unit j in layer l. */
function endpoints(
  centres: Point[][],
  radius: number,
  l: number,
  j: number,
  k: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const a = at(centres, l - 1, k);
  const b = at(centres, l, j);
  const length = Math.hypot(b.x - a.x, b.y - a.y);
  const ux = (b.x - a.x) / length;
  const uy = (b.y - a.y) / length;
  return { x0: a.x + ux * radius, y0: a.y + uy * radius, x1: b.x - ux * radius, y1: b.y - uy * radius };
}

/** The part of an edge from fraction `from` to `to` (0 at the left unit). */
/** The band the edges' key keeps free at the bottom of the diagram's rectangle (0 without one). */
function edgeKeyHeight(options: Pick<NetworkDiagramOptions, "edgeKey" | "weights">, unit: number): number {
  return (options.edgeKey ?? true) && options.weights !== undefined ? 24 * unit : 0;
}

/** "— w > 0   — w < 0   width |w|": the edges' key, one line at `at` (its vertical middle). */
function drawEdgeKey(paint: Paint, at: { x: number; y: number }, colours: DiagramColours): void {
  const { ctx, theme, unit } = paint;
  const keyFont = font(14 * unit);
  let x = at.x;
  const sample = 18 * unit;
  for (const [colour, text] of [
    [colours.positive, "w > 0"],
    [colours.negative, "w < 0"],
  ] as const) {
    line(ctx, { x0: x, y0: at.y, x1: x + sample, y1: at.y }, 0, 1, colour, 3 * unit);
    x += sample + 6 * unit;
    fillTextCached(ctx, text, x, at.y, { font: keyFont, color: theme.muted, baseline: "middle" });
    x += measureTextCached(text, keyFont) + 16 * unit;
  }
  fillTextCached(ctx, "width: |w|", x, at.y, { font: keyFont, color: theme.muted, baseline: "middle" });
}

function line(
  ctx: Paint["ctx"],
  e: { x0: number; y0: number; x1: number; y1: number },
  from: number,
  to: number,
  colour: string,
  width: number,
): void {
  if (to <= from) return;
  ctx.beginPath();
  ctx.moveTo(e.x0 + (e.x1 - e.x0) * from, e.y0 + (e.y1 - e.y0) * from);
  ctx.lineTo(e.x0 + (e.x1 - e.x0) * to, e.y0 + (e.y1 - e.y0) * to);
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

interface Point {
  x: number;
  y: number;
}

/** Unit j of layer l (checked by the caller). */
function at(centres: Point[][], l: number, j: number): Point {
  return (centres[l] as Point[])[j] as Point;
}

/** wˡⱼₖ from weights[l − 1] (checked by checkShapes). */
function weightAt(weights: NonNullable<NetworkDiagramOptions["weights"]>, l: number, j: number, k: number): number {
  return ((weights[l - 1] as readonly ArrayLike<number>[])[j] as ArrayLike<number>)[k] as number;
}

function largestWeight(weights: NetworkDiagramOptions["weights"]): number {
  let most = 0;
  for (const w of weights ?? [])
    for (const row of w) for (let k = 0; k < row.length; k++) most = Math.max(most, Math.abs(row[k] as number));
  return most;
}

// ---------------------------------------------------------------------------------------------
// Fills

type LayerKind = ActivationName | "input";

function layerKind(options: NetworkDiagramOptions, l: number): LayerKind {
  const L = options.sizes.length - 1;
  if (l === 0) return "input";
  const hidden = options.activation ?? "sigmoid";
  return l === L ? (options.outputActivation ?? hidden) : hidden;
}

/** The range a layer's fill spans; see drawNetworkDiagram. */
function defaultRange(kind: LayerKind, values: ArrayLike<number> | undefined): readonly [number, number] {
  if (kind === "sigmoid") return [0, 1];
  if (kind === "tanh") return [-1, 1];
  let most = 1;
  for (let j = 0; j < (values?.length ?? 0); j++) most = Math.max(most, Math.abs(values?.[j] as number));
  return kind === "relu" ? [0, most] : [-most, most];
}

/** Green for the top of the range, grey for the bottom of a range below zero, the background at 0 (or the range's low end). */
function rampColour(value: number, range: readonly [number, number], theme: Theme, colours: DiagramColours): string {
  const [low, high] = range;
  if (low < 0) {
    return value >= 0
      ? mix(theme.background, colours.active, clamp01(value / high))
      : mix(theme.background, theme.muted, clamp01(value / low));
  }
  return mix(theme.background, colours.active, clamp01((value - low) / (high - low)));
}

/** Ink or background, whichever reads better on `fill`. */
function readableOn(fill: string, theme: Theme): string {
  return contrastRatio(fill, theme.ink) >= contrastRatio(fill, theme.background) ? theme.ink : theme.background;
}

/** The largest font (at most 18 px at 720p) in which "−0.00" fits inside a unit; null below 13 px, too small to read. */
function fitValueFont(radius: number, unit: number, decimals: number): string | null {
  const widest = formatNumber(-0.5, decimals);
  for (let size = 18; size >= 13; size -= 1) {
    const f = font(size * unit);
    if (measureTextCached(widest, f) <= 1.8 * radius) return f;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Symbols: a base letter in its colour with a superscript (the layer) and a subscript (the
// units), set as small offset text. TeX equations are the TeX module's job; these are labels.

interface Piece {
  text: string;
  color: string;
  italic?: boolean;
  sup?: string;
  sub?: string;
}

const SCRIPT = 0.68;

function pieceFont(size: number, italic: boolean | undefined): string {
  return font(size, "normal", italic ? "italic" : "normal");
}

function pieceWidth(piece: Piece, size: number): number {
  const base = measureTextCached(piece.text, pieceFont(size, piece.italic));
  const small = font(size * SCRIPT);
  const scripts = Math.max(
    piece.sup ? measureTextCached(piece.sup, small) : 0,
    piece.sub ? measureTextCached(piece.sub, small) : 0,
  );
  return base + (scripts > 0 ? scripts + size * 0.08 : 0);
}

/** Draws pieces in a row with their middle at y; returns the row's width. */
function drawPieces(
  ctx: Paint["ctx"],
  pieces: readonly Piece[],
  at: { x: number; y: number; size: number; align: "left" | "center" | "right" },
): number {
  const { size } = at;
  const width = pieces.reduce((sum, p) => sum + pieceWidth(p, size), 0);
  let x = at.align === "left" ? at.x : at.align === "center" ? at.x - width / 2 : at.x - width;
  const baseline = at.y + size * 0.36;
  const small = font(size * SCRIPT);
  for (const p of pieces) {
    fillTextCached(ctx, p.text, x, baseline, { font: pieceFont(size, p.italic), color: p.color });
    const scriptX = x + measureTextCached(p.text, pieceFont(size, p.italic)) + size * 0.08;
    if (p.sup) fillTextCached(ctx, p.sup, scriptX, baseline - size * 0.42, { font: small, color: p.color });
    if (p.sub) fillTextCached(ctx, p.sub, scriptX, baseline + size * 0.24, { font: small, color: p.color });
    x += pieceWidth(p, size);
  }
  return width;
}

function layerTitles(
  titles: NonNullable<NetworkDiagramOptions["titles"]>,
  L: number,
): ((colours: DiagramColours, theme: Theme) => Piece[])[] | null {
  if (titles === false) return null;
  const words = (l: number): string => (l === 0 ? "input" : l === L ? "output" : L === 2 ? "hidden" : `hidden ${l}`);
  return Array.from({ length: L + 1 }, (_, l) => (colours: DiagramColours, theme: Theme) => {
    if (titles === "symbols") return [{ text: "a", color: colours.a, italic: true, sup: String(l) }];
    const text = titles === "words" ? words(l) : (titles[l] ?? "");
    return [{ text, color: theme.muted }];
  });
}

// ---------------------------------------------------------------------------------------------
// Labels

interface LabelContext {
  options: NetworkDiagramOptions;
  /** How far the forward pass has shown layer l (labels fade in with it). */
  opacity: (l: number) => number;
  layout: DiagramLayout;
  colours: DiagramColours;
  deltaDecimals: number;
}

const LABEL_SIZE = 17;

function symbol(base: string, color: string, layer: number, units: string): Piece {
  return { text: base, color, italic: true, sup: String(layer), sub: units };
}

/** A label line: symbol, " = ", value, with room for the sign so values do not shift. */
function equation(lead: Piece[], value: number, decimals: number, ink: string): Piece[] {
  return [...lead, { text: ` = ${formatNumber(value, decimals)}`, color: ink }];
}

function drawEdgeLabel(paint: Paint, rect: Rect, label: EdgeLabel, c: LabelContext): void {
  const { ctx, theme } = paint;
  const { options, layout, colours } = c;
  const { layer: l, j, k } = label;
  const e = endpoints(layout.centres, layout.radius, l, j, k);
  const units = `${j + 1}${k + 1}`;
  const lines: Piece[][] = [];
  for (const what of label.show ?? ["w"]) {
    if (what === "w") {
      const w = options.weights?.[l - 1]?.[j]?.[k];
      if (w !== undefined)
        lines.push(equation([symbol("w", colours.w, l, units)], w, options.decimals ?? 2, theme.ink));
    } else {
      const g = options.trace?.gradients?.weights[l - 1];
      const value = g?.data[j * g.cols + k];
      if (value !== undefined) {
        lines.push(
          equation(
            [
              { text: "∂", color: theme.ink },
              { text: "C", color: colours.C, italic: true },
              { text: "/∂", color: theme.ink },
              symbol("w", colours.w, l, units),
            ],
            value,
            c.deltaDecimals,
            theme.ink,
          ),
        );
      }
    }
  }
  const t = label.at ?? 0.5;
  const x = e.x0 + (e.x1 - e.x0) * t;
  const y = e.y0 + (e.y1 - e.y0) * t;
  ctx.globalAlpha = c.opacity(l) * (label.opacity ?? 1);
  drawCallout(paint, rect, lines, { x, y, align: "center", anchor: { x, y } });
  ctx.globalAlpha = 1;
}

function drawNodeLabel(paint: Paint, rect: Rect, label: NodeLabel, c: LabelContext): void {
  const { theme, unit } = paint;
  const { options, layout, colours } = c;
  const { layer: l, j } = label;
  const trace = options.trace;
  const units = String(j + 1);
  const decimals = options.decimals ?? 2;
  const lines: Piece[][] = [];
  for (const what of label.show) {
    const value =
      what === "a"
        ? trace?.activations[l]?.[j]
        : what === "z"
          ? trace?.zs?.[l]?.[j]
          : what === "delta"
            ? trace?.deltas?.[l]?.[j]
            : what === "b"
              ? options.biases?.[l - 1]?.[j]
              : l === options.sizes.length - 1
                ? trace?.target?.[j]
                : undefined;
    if (value === undefined) continue;
    if (what === "y")
      lines.push(equation([{ text: "y", color: theme.ink, italic: true, sub: units }], value, 0, theme.ink));
    else if (what === "delta")
      lines.push(equation([symbol("δ", colours.delta, l, units)], value, c.deltaDecimals, theme.ink));
    else lines.push(equation([symbol(what, colours[what], l, units)], value, decimals, theme.ink));
  }
  const centre = at(layout.centres, l, j);
  const r = layout.radius + 10 * unit;
  const side = label.side ?? "below";
  const height = lines.length * LABEL_SIZE * 1.55 * unit;
  const offset = {
    above: { x: 0, y: -r - height / 2 },
    below: { x: 0, y: r + height / 2 },
    left: { x: -r, y: 0 },
    right: { x: r, y: 0 },
  }[side];
  paint.ctx.globalAlpha = c.opacity(l);
  drawCallout(paint, rect, lines, {
    x: centre.x + offset.x,
    y: centre.y + offset.y,
    align: side === "left" ? "right" : side === "right" ? "left" : "center",
  });
  paint.ctx.globalAlpha = 1;
}

/**
 * Lines of pieces on a rounded box in the background colour (so they read over edges), kept
 * inside `rect`; with an anchor, a short leader from the box to it.
 */
function drawCallout(
  paint: Paint,
  rect: Rect,
  lines: Piece[][],
  at: { x: number; y: number; align?: "left" | "center" | "right"; anchor?: { x: number; y: number } },
): void {
  if (lines.length === 0) return;
  const { ctx, theme, unit } = paint;
  const size = LABEL_SIZE * unit;
  const lineHeight = size * 1.55;
  const width = Math.max(...lines.map((pieces) => pieces.reduce((s, p) => s + pieceWidth(p, size), 0)));
  const pad = 8 * unit;
  const boxWidth = width + 2 * pad;
  const boxHeight = lines.length * lineHeight + pad;
  const align = at.align ?? "center";
  let left = align === "left" ? at.x : align === "center" ? at.x - boxWidth / 2 : at.x - boxWidth;
  // With an anchor, the box sits above it with a gap, so the labelled edge stays in view.
  let top = at.anchor ? at.anchor.y - 16 * unit - boxHeight : at.y - boxHeight / 2;
  left = Math.min(Math.max(left, rect.x), rect.x + rect.width - boxWidth);
  top = Math.min(Math.max(top, rect.y), rect.y + rect.height - boxHeight);
  if (at.anchor) {
    ctx.beginPath();
    ctx.moveTo(at.anchor.x, at.anchor.y);
    ctx.lineTo(left + boxWidth / 2, top + boxHeight);
    ctx.strokeStyle = theme.edge;
    ctx.lineWidth = 1.2 * unit;
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.roundRect(left, top, boxWidth, boxHeight, 6 * unit);
  ctx.fillStyle = withAlpha(theme.background, 0.92);
  ctx.fill();
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1 * unit;
  ctx.stroke();
  lines.forEach((pieces, i) => {
    drawPieces(ctx, pieces, { x: left + pad, y: top + pad / 2 + (i + 0.5) * lineHeight, size, align: "left" });
  });
}
