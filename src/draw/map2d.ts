import { type Canvas, type CanvasPattern, type CanvasRenderingContext2D, createCanvas, type ImageData } from "canvas";
import { classColours } from "./classes.ts";
import { rgbOf, withAlpha } from "./colour.ts";
import { stampsFor } from "./dots.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import type { Paint } from "./paint.ts";
import { smoothstep } from "./smoothstep.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { ClassCountError, MAX_CLASSES, type Theme } from "./theme.ts";

/**
 * A network's decision regions over a square grid of its input plane (`classRegions` in
 * src/scene computes them from a run): each grid point's class, how sure the network is
 * there, and the outputs the boundary is traced from.
 */
export interface ClassRegions {
  /** Grid points per side; point (i, j) sits at the centre of cell (row i from the top, column j). */
  size: number;
  /** [low, high] on both axes: must be the map's own range. */
  range: [number, number];
  /** Output units K: several are read by argmax, one against `threshold`. */
  units: number;
  /** K planes of size x size: output k at point (i, j) is values[k * size * size + i * size + j]. */
  values: Float64Array;
  /** One output unit: the value where the class changes (0.5 for labels 0/1, 0 for -1/+1). */
  threshold?: number;
  /** Each grid point's class, as a colour index (0 to 7). */
  classes: Uint8Array;
  /** How sure the network is at each grid point, 0 (a tie) to 1: strength of the tint. */
  certainty: Float64Array;
}

/** What a class map shows; drawn with `drawClassMap(paint, rect, options)`. */
export interface ClassMapFigure {
  title?: string;
  /**
   * Where the title goes: centred over the map (default), or at the rectangle's left edge, in
   * line with the headings of a column it sits in.
   */
  titleAlign?: "map" | "left";
  /** The square region of the plane shown: [low, high] on both axes. */
  range: [number, number];
  /** Points (flat x, y pairs) and their classes. */
  points: ArrayLike<number>;
  labels: ArrayLike<number>;
  /**
   * The model's output on a size x size grid over `range` (row 0 at the top, i.e. highest y),
   * for the shaded regions and the boundary where it crosses `threshold`.
   */
  field?: { values: Float64Array; size: number; threshold: number };
  /**
   * The model's decision regions for any number of output units (up to 8 classes): each cell
   * tinted with its class's colour and the boundary drawn where the class changes.
   * Instead of `field`.
   */
  regions?: ClassRegions;
  axisLabels?: [string, string];
  radius?: number;
  /**
   * Straight grid lines over the map, `lines` each way from edge to edge (`inputGrid`'s), drawn
   * as faintly as a 3-D panel's `curves`, so the plane and its image in a hidden layer match.
   */
  gridLines?: number;
}

/** The options of the form before Paint: theme and unit given with the rest. */
export interface ClassMapOptions extends ClassMapFigure {
  theme: Theme;
  unit: number;
}

/**
 * A 2-D view of a data set, optionally over the model's decision regions: each region is
 * tinted with its class colour (stronger where the network is more certain) and the boundary
 * between regions is drawn in the accent colour.
 */
export function drawClassMap(paint: Paint, rect: Rect, options: ClassMapFigure): void;
export function drawClassMap(ctx: CanvasRenderingContext2D, rect: Rect, options: ClassMapOptions): void;
export function drawClassMap(
  target: Paint | CanvasRenderingContext2D,
  rect: Rect,
  options: ClassMapFigure | ClassMapOptions,
): void {
  if ("ctx" in target) drawMap(target.ctx, rect, { ...options, theme: target.theme, unit: target.unit });
  else drawMap(target, rect, options as ClassMapOptions);
}

function drawMap(ctx: CanvasRenderingContext2D, rect: Rect, options: ClassMapOptions): void {
  const { theme, unit, range, points, labels } = options;
  const regions = mapRegions(options);
  const titleHeight = options.title ? 30 * unit : 0;
  const side = Math.min(rect.width, rect.height - titleHeight);
  const box: Rect = { x: rect.x + (rect.width - side) / 2, y: rect.y + titleHeight, width: side, height: side };

  if (options.title) {
    // Centred over the map, but kept inside the rectangle when it is wider than the map.
    const titleFont = font(18 * unit, "bold");
    const width = measureTextCached(options.title, titleFont);
    const centred = Math.max(rect.x, Math.min(box.x + (box.width - width) / 2, rect.x + rect.width - width));
    const left = options.titleAlign === "left" ? rect.x : centred;
    fillTextCached(ctx, options.title, left, rect.y, { font: titleFont, color: theme.ink, baseline: "top" });
  }
  ctx.save();
  ctx.fillStyle = theme.pane;
  ctx.fillRect(box.x, box.y, box.width, box.height);
  if (regions) {
    drawTint(ctx, regions, theme, box);
    const pen = new FadingPen(regions);
    if (regions.units === 1) traceContour(pen, regions, box);
    else traceClassBoundaries(pen, regions, box);
    pen.stroke(ctx, theme.accent, 2 * unit);
  }
  if (options.gridLines && options.gridLines > 1) {
    ctx.beginPath();
    for (let i = 0; i < options.gridLines; i++) {
      const f = i / (options.gridLines - 1);
      ctx.moveTo(box.x + f * box.width, box.y);
      ctx.lineTo(box.x + f * box.width, box.y + box.height);
      ctx.moveTo(box.x, box.y + f * box.height);
      ctx.lineTo(box.x + box.width, box.y + f * box.height);
    }
    ctx.strokeStyle = withAlpha(theme.muted, 0.35);
    ctx.lineWidth = 1 * unit;
    ctx.stroke();
  }
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1 * unit;
  ctx.strokeRect(box.x, box.y, box.width, box.height);

  // Points outside `range` are cut at the map's border, never drawn past it.
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.width, box.height);
  ctx.clip();
  ctx.globalAlpha *= 0.9;
  const dots = dotLayer(points, labels, box, range, theme, (options.radius ?? 2.6) * unit, 0.6 * unit);
  ctx.drawImage(dots.image, dots.x, dots.y);
  ctx.restore();

  const [xLabel, yLabel] = options.axisLabels ?? ["x₁", "x₂"];
  const style = { font: font(16 * unit, "normal", "italic"), color: theme.muted } as const;
  fillTextCached(ctx, xLabel, box.x + box.width / 2, box.y + box.height + 6 * unit, {
    ...style,
    align: "center",
    baseline: "top",
  });
  fillTextCached(ctx, yLabel, box.x - 8 * unit, box.y + box.height / 2, {
    ...style,
    align: "right",
    baseline: "middle",
  });
}

/**
 * The data points drawn once onto a transparent layer and reused while they stay put (they
 * do in input space): the layer depends only on the points, the box and the style, so the
 * cache is memoisation and frames stay pure.
 */
const dotLayers = new WeakMap<ArrayLike<number>, Map<string, { image: Canvas; x: number; y: number }>>();

function dotLayer(
  points: ArrayLike<number>,
  labels: ArrayLike<number>,
  box: Rect,
  range: [number, number],
  theme: Theme,
  radius: number,
  lineWidth: number,
): { image: Canvas; x: number; y: number } {
  const key = [
    box.x,
    box.y,
    box.width,
    range[0],
    range[1],
    radius,
    lineWidth,
    theme.classes.join(),
    labels.length,
  ].join("|");
  // Several layers per set of points: a frame may show the same data twice (a title card's
  // map over the figure's side map), and one slot would redraw both every frame.
  let layers = dotLayers.get(points);
  if (!layers) {
    layers = new Map();
    dotLayers.set(points, layers);
  }
  const cached = layers.get(key);
  if (cached) return cached;
  const margin = Math.ceil(radius + lineWidth) + 2;
  const x = Math.floor(box.x) - margin;
  const y = Math.floor(box.y) - margin;
  const image = createCanvas(Math.ceil(box.width) + 2 * margin + 1, Math.ceil(box.height) + 2 * margin + 1);
  const ctx = image.getContext("2d");
  const stamps = theme.classes.map((fill, k) => stampsFor(fill, theme.classOutlines[k] as string, lineWidth));
  const colours = classColours(labels, "drawClassMap: labels");
  const span = range[1] - range[0];
  for (let i = 0; i < labels.length; i++) {
    const px = box.x - x + (((points[2 * i] as number) - range[0]) / span) * box.width;
    const py = box.y - y + box.height - (((points[2 * i + 1] as number) - range[0]) / span) * box.height;
    stamps[colours.index(labels[i] as number)]?.stamp(ctx, radius, px, py);
  }
  const layer = { image, x, y };
  if (layers.size >= 4) layers.delete(layers.keys().next().value as string);
  layers.set(key, layer);
  return layer;
}

/**
 * The regions the map shades: given, or made from a one-output `field` by its threshold (the
 * form scenes used before `regions`; the same pixels as then).
 */
function mapRegions(options: ClassMapOptions): ClassRegions | undefined {
  const { field, regions, range } = options;
  if (field && regions) throw new RangeError("drawClassMap: give regions or field, not both");
  if (regions) {
    if (regions.range[0] !== range[0] || regions.range[1] !== range[1]) {
      throw new RangeError(
        `drawClassMap: the regions cover [${regions.range.join(", ")}] but the map shows [${range.join(", ")}]; compute them over the map's range`,
      );
    }
    if (regions.units > MAX_CLASSES) throw new ClassCountError("drawClassMap: the output layer", regions.units);
    if (regions.units === 1 && regions.threshold === undefined) {
      throw new RangeError("drawClassMap: regions of one output unit need its threshold");
    }
    return regions;
  }
  if (!field) return undefined;
  const { values, size, threshold } = field;
  const classes = new Uint8Array(size * size);
  const certainty = new Float64Array(size * size);
  for (let k = 0; k < size * size; k++) {
    const v = values[k] as number;
    classes[k] = v > threshold ? 1 : 0;
    certainty[k] = Math.min(1, Math.abs(v - threshold) / 0.5);
  }
  return { size, range, units: 1, values, threshold, classes, certainty };
}

/**
 * The tint's opacity at a grid point of this certainty: 0.28 where the network is sure, and
 * nothing where it is not. Its floor of 0.08 comes in over the first fifth of certainty, so
 * a map whose outputs all lie near the threshold (an untrained network's ½ everywhere) is
 * nearly blank instead of flipping its whole colour in one frame as the mean output crosses ½.
 */
function tintAlpha(certainty: number): number {
  return 0.08 * smoothstep(0, 0.2, certainty) + 0.2 * certainty;
}

/**
 * Reusable small canvases for the field image, one per grid size, each with a copy of the
 * classes, certainty and colours it was last filled from: the same regions again (through a
 * hold, weights do not change) need not be filled again. Each keeps the one pattern that
 * paints it: node-canvas 3.2 never frees a pattern (each `createPattern` kept ~370 bytes, a
 * frame's worth of them through a long video), and a pattern shows its canvas as it is now.
 */
const tintCanvases = new Map<number, Tint>();

interface Tint {
  image: Canvas;
  pattern: CanvasPattern;
  /** The image's pixels, written whole by each fill. */
  pixels: ImageData;
  filled?: { classes: Uint8Array; certainty: Float64Array; colours: string };
}

/**
 * Each grid point in its class's colour with alpha rising with certainty, stretched smoothly
 * over the box. Drawn as a scaled pattern fill rather than a scaled drawImage (which makes
 * node-canvas build a temporary surface each call: about 5x slower); the image has a
 * one-pixel border copying its edge, so smoothing at the box's edge sees the edge's own
 * colour, as drawImage's would.
 */
function drawTint(ctx: CanvasRenderingContext2D, regions: ClassRegions, theme: Theme, box: Rect): void {
  const { size } = regions;
  const side = size + 2;
  let tint = tintCanvases.get(size);
  if (!tint) {
    const image = createCanvas(side, side);
    const context = image.getContext("2d");
    tint = { image, pattern: context.createPattern(image, "no-repeat"), pixels: context.createImageData(side, side) };
    tintCanvases.set(size, tint);
  }
  const { pattern, filled } = tint;
  const colours = theme.classes.join();
  const same =
    filled !== undefined &&
    filled.colours === colours &&
    sameValues(filled.classes, regions.classes) &&
    sameValues(filled.certainty, regions.certainty);
  if (!same) {
    fillTint(tint, regions, theme);
    // Copied into the arrays of the last fill, not new ones: kept from frame to frame, new
    // ones outlived the scene's process's young collections (see figure.ts's regionsOf).
    const kept = tint.filled ?? { classes: new Uint8Array(size * size), certainty: new Float64Array(size * size) };
    kept.classes.set(regions.classes);
    kept.certainty.set(regions.certainty);
    tint.filled = { ...kept, colours };
  }
  ctx.save();
  ctx.translate(box.x, box.y);
  ctx.scale(box.width / size, box.height / size);
  ctx.translate(-1, -1);
  ctx.fillStyle = pattern;
  ctx.fillRect(1, 1, size, size);
  ctx.restore();
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The tint's image: each grid point's class colour at its certainty's alpha, edges repeated. */
function fillTint({ image, pixels }: Tint, regions: ClassRegions, theme: Theme): void {
  const { classes, certainty, size } = regions;
  const side = size + 2;
  const rgb = theme.classes.map(rgbOf);
  for (let row = 0; row < side; row++) {
    const i = Math.min(size - 1, Math.max(0, row - 1));
    for (let column = 0; column < side; column++) {
      const k = i * size + Math.min(size - 1, Math.max(0, column - 1));
      const c = rgb[classes[k] as number];
      if (!c) throw new ClassCountError("drawClassMap: the regions", (classes[k] as number) + 1);
      const o = 4 * (row * side + column);
      pixels.data[o] = c[0] as number;
      pixels.data[o + 1] = c[1] as number;
      pixels.data[o + 2] = c[2] as number;
      pixels.data[o + 3] = Math.round(255 * tintAlpha(certainty[k] as number));
    }
  }
  image.getContext("2d").putImageData(pixels, 0, 0);
}

/**
 * Where the argmax changes, traced like marching squares: on each grid edge whose two ends
 * have different classes a and b, the crossing is where the line between them makes
 * output a equal output b (linear along the edge, so neighbouring cells share it exactly);
 * a cell's two crossings are joined by a segment, and where three or four classes meet in a
 * cell, its crossings are joined at their mean point. Long on purpose: one pass over the cells
 * reusing its scratch arrays (this runs for every cell of every frame's class map); cut in two,
 * a cell's crossings and their joining would pass eight values between them.
 */
function traceClassBoundaries(pen: FadingPen, regions: ClassRegions, box: Rect): void {
  const { values, size, classes } = regions;
  const plane = size * size;
  const cell = box.width / size;
  const x0 = box.x + 0.5 * cell;
  const y0 = box.y + 0.5 * cell;
  const xs = new Float64Array(4);
  const ys = new Float64Array(4);
  // Corners clockwise from the top left, as grid offsets (row, column).
  const corners = [
    [0, 0],
    [0, 1],
    [1, 1],
    [1, 0],
  ] as const;
  const seen = new Set<number>();
  for (let i = 0; i < size - 1; i++) {
    for (let j = 0; j < size - 1; j++) {
      const top = i * size + j;
      const first = classes[top];
      if (classes[top + 1] === first && classes[top + size] === first && classes[top + size + 1] === first) continue;
      const at = corners.map(([di, dj]) => (i + di) * size + j + dj);
      const kinds = at.map((p) => classes[p] as number);
      let n = 0;
      for (let e = 0; e < 4; e++) {
        const p = at[e] as number;
        const q = at[(e + 1) % 4] as number;
        const a = kinds[e] as number;
        const b = kinds[(e + 1) % 4] as number;
        if (a === b) continue;
        // Output a minus output b: >= 0 at p (a wins there), <= 0 at q.
        const dp = (values[a * plane + p] as number) - (values[b * plane + p] as number);
        const dq = (values[a * plane + q] as number) - (values[b * plane + q] as number);
        const t = dp - dq > 0 ? Math.min(1, Math.max(0, dp / (dp - dq))) : 0.5;
        const [pi, pj] = corners[e] as readonly [number, number];
        const [qi, qj] = corners[(e + 1) % 4] as readonly [number, number];
        xs[n] = j + pj + t * (qj - pj);
        ys[n] = i + pi + t * (qi - pi);
        n++;
      }
      seen.clear();
      for (const kind of kinds) seen.add(kind);
      if (n === 2 || (n === 4 && seen.size === 2)) {
        // One segment, or a saddle of two classes: two, paired around the cell.
        for (let k = 0; k + 1 < n; k += 2) {
          const [ax, ay] = [x0 + (xs[k] as number) * cell, y0 + (ys[k] as number) * cell];
          pen.segment(i, j, ax, ay, x0 + (xs[k + 1] as number) * cell, y0 + (ys[k + 1] as number) * cell);
        }
      } else {
        let mx = 0;
        let my = 0;
        for (let k = 0; k < n; k++) {
          mx += (xs[k] as number) / n;
          my += (ys[k] as number) / n;
        }
        for (let k = 0; k < n; k++) {
          pen.segment(
            i,
            j,
            x0 + mx * cell,
            y0 + my * cell,
            x0 + (xs[k] as number) * cell,
            y0 + (ys[k] as number) * cell,
          );
        }
      }
    }
  }
}

/** Marching squares: the line where the field crosses its threshold, linearly interpolated. */
function traceContour(pen: FadingPen, regions: ClassRegions, box: Rect): void {
  const { values, size } = regions;
  const threshold = regions.threshold as number;
  const cell = box.width / size;
  // Sample (i, j) sits at the centre of grid cell (row i, column j).
  const x0 = box.x + 0.5 * cell;
  const y0 = box.y + 0.5 * cell;
  const crossings = new Float64Array(8);
  for (let i = 0; i < size - 1; i++) {
    for (let j = 0; j < size - 1; j++) {
      // Corners clockwise from the top left, and the cell's four edges between them.
      const a = (values[i * size + j] as number) - threshold;
      const b = (values[i * size + j + 1] as number) - threshold;
      const c = (values[(i + 1) * size + j + 1] as number) - threshold;
      const d = (values[(i + 1) * size + j] as number) - threshold;
      let n = 0;
      if (a > 0 !== b > 0) {
        crossings[n++] = j + a / (a - b);
        crossings[n++] = i;
      }
      if (b > 0 !== c > 0) {
        crossings[n++] = j + 1;
        crossings[n++] = i + b / (b - c);
      }
      if (c > 0 !== d > 0) {
        crossings[n++] = j + 1 - c / (c - d);
        crossings[n++] = i + 1;
      }
      if (d > 0 !== a > 0) {
        crossings[n++] = j;
        crossings[n++] = i + 1 - d / (d - a);
      }
      // Two crossings: one segment; four (a saddle): two, paired around the cell.
      for (let k = 0; k + 3 < n; k += 4) {
        pen.segment(
          i,
          j,
          x0 + (crossings[k] as number) * cell,
          y0 + (crossings[k + 1] as number) * cell,
          x0 + (crossings[k + 2] as number) * cell,
          y0 + (crossings[k + 3] as number) * cell,
        );
      }
    }
  }
}

/**
 * Collects a boundary's segments and strokes each as firmly as the boundary is drawn there:
 * fully where the outputs cross steeply, fading out where they are nearly flat. There the
 * boundary is where an almost flat output happens to cross, and a tiny change of weights
 * throws it across the map or folds it in one frame; drawn faintly, it neither claims more
 * than the network knows nor jumps. Steepness is the slope of the certainty next to the line
 * times the grid's size: how far certainty would rise across the whole map at that slope;
 * under ¼ the line is not drawn, from 1 it is drawn fully.
 */
class FadingPen {
  /** Opacity steps a segment is rounded to; each is one path, stroked once. */
  static readonly LEVELS = 16;
  private readonly levels: number[][] = Array.from({ length: FadingPen.LEVELS + 1 }, () => []);
  constructor(private readonly regions: ClassRegions) {}

  segment(i: number, j: number, ax: number, ay: number, bx: number, by: number): void {
    const { certainty, size } = this.regions;
    // Certainty is 0 on the boundary and rises away from it: the most it reaches within the
    // cell's ring of neighbours (up to about two cells away), per 1.5 cells, is its slope. The
    // ring rather than the cell's own corners, so a firm line has no gaps where one cell's
    // corners all happen to lie close to it, or where a third class nearly ties.
    let most = 0;
    for (let r = Math.max(0, i - 1); r <= Math.min(size - 1, i + 2); r++)
      for (let c = Math.max(0, j - 1); c <= Math.min(size - 1, j + 2); c++)
        most = Math.max(most, certainty[r * size + c] as number);
    const rise = (most / 1.5) * size;
    const level = Math.round(FadingPen.LEVELS * smoothstep(0.25, 1, rise));
    if (level > 0) this.levels[level]?.push(ax, ay, bx, by);
  }

  stroke(ctx: CanvasRenderingContext2D, color: string, lineWidth: number): void {
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth;
    const opacity = ctx.globalAlpha;
    this.levels.forEach((xy, level) => {
      if (xy.length === 0) return;
      ctx.globalAlpha = (opacity * level) / FadingPen.LEVELS;
      // Round caps join a firm line's segments; on a faint one, where two steps of opacity
      // meet, they would overlap and show as beads.
      ctx.lineCap = level === FadingPen.LEVELS ? "round" : "butt";
      ctx.beginPath();
      for (let k = 0; k < xy.length; k += 4) {
        ctx.moveTo(xy[k] as number, xy[k + 1] as number);
        ctx.lineTo(xy[k + 2] as number, xy[k + 3] as number);
      }
      ctx.stroke();
    });
    ctx.restore();
  }
}
