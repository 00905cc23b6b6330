import type { CanvasRenderingContext2D } from "canvas";
import { stampsFor } from "./dots.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { MINUS, withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import {
  type Box,
  bestBox,
  drawArrow,
  drawCallout,
  drawLabelledPoint,
  isScatter,
  type Marks,
  occupancy,
  onPlot,
  type Pt,
  placeLabel,
  type ToPixel,
} from "./plot-labels.ts";
import { drawLegendRow, drawPlotLegend, legendEntries } from "./plot-legend.ts";
import { type Axis, kindOf, logTicks, powerOfTenLabel, scaleOf, type Tick } from "./plot-scale.ts";
import { drawTickLabel, plotTicks, sizes, tickWidth } from "./plot-ticks.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { withAlpha } from "./theme.ts";

export { logTicks, plotTicks, powerOfTenLabel, type Tick };

/** A bad option to drawPlot: the message names the option, the problem and the fix. */
export class PlotOptionError extends Error {
  override name = "PlotOptionError";
}

/** One axis of a plot. */
export interface PlotAxis {
  /** [low, high] in data units. Default: the data's extent, widened to round numbers. */
  range?: readonly [number, number];
  /** Explicit ticks: values (labelled with the axis's number format) or values with labels. */
  ticks?: readonly (number | { value: number; label: string })[];
  /** About how many automatic ticks; by default it follows the axis length (few and round). */
  tickCount?: number;
  /** The axis title; none when absent (write one only when the unit is not obvious). */
  label?: string;
  /** A base-10 log axis: ticks at powers of ten, labelled 10⁻⁷. */
  log?: boolean;
  /** Short unlabelled ticks: 2..9 x 10^k on a log axis, half steps on a linear one. */
  minorTicks?: boolean;
  /** Grid lines at the ticks. Default true. */
  grid?: boolean;
}

/** A curve: from `xs`/`ys`, or a function `f` sampled over the x range. */
export interface LineSeries {
  kind?: "line";
  /** The legend's name for it; unnamed series are not in the legend. */
  name?: string;
  xs?: ArrayLike<number>;
  ys?: ArrayLike<number>;
  f?: (x: number) => number;
  /** Samples of `f` over the x range (evenly spaced; in log space on a log axis). Default: one per 2 px. */
  samples?: number;
  /**
   * Where `f` jumps (e.g. [0] for a step): the curve ends just before each and starts again
   * just after, at every frame size (a NaN in `f` breaks the curve only where a sample lands).
   */
  breaks?: number[];
  /** Default: the theme's class colours, in series order. */
  color?: string;
  /** Line width at 720p. Default 2.5. */
  width?: number;
  /** Dash pattern at 720p, e.g. [8, 5]. */
  dash?: number[];
  /** Draw only up to this x, ending there exactly. */
  upTo?: number;
  /** Draw only this fraction (0..1) of the series' points (of the x range, for a sampled function). */
  fraction?: number;
  /** A dot at the current end of the curve. */
  endMarker?: boolean;
}

/** Points, coloured by class (theme class colours) or in one colour. */
export interface ScatterSeries {
  kind: "scatter";
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** Class index of each point: its colour is the theme's class colour. */
  classes?: ArrayLike<number>;
  /** Legend names of the classes, in class order. */
  classNames?: readonly string[];
  /** The legend's name for points of one colour. */
  name?: string;
  color?: string;
  /** Dot radius at 720p. Default 5. */
  radius?: number;
  /** A label beside some points (undefined for none). */
  labels?: readonly (string | undefined)[];
}

export type PlotSeries = LineSeries | ScatterSeries;

/** A horizontal (`y`) or vertical (`x`) line across the plot, dashed and muted by default. */
export interface ReferenceLine {
  x?: number;
  y?: number;
  label?: string;
  color?: string;
  /** At 720p. Default [7, 5]; [] for a solid line. */
  dash?: number[];
}

/** An arrow from one data point to another, the head at `to`; an optional label at its tail. */
export interface PlotArrow {
  from: readonly [number, number];
  to: readonly [number, number];
  label?: string;
  color?: string;
}

/** A text box pointing at a data point. */
export interface PlotCallout {
  at: readonly [number, number];
  /** Lines separated by "\n". */
  text: string;
  /** Box centre relative to the point, in 720p pixels. Default: placed where it covers least. */
  offset?: readonly [number, number];
}

/** A dot with a label placed beside it, inside the plot, where it covers least. */
export interface LabelledPoint {
  at: readonly [number, number];
  label: string;
  /** Default: the theme's ink. */
  color?: string;
}

export type LegendCorner = "top-left" | "top-right" | "bottom-left" | "bottom-right";

export interface PlotOptions {
  x: PlotAxis;
  y: PlotAxis;
  series?: readonly PlotSeries[];
  /** No title line when absent. */
  title?: string;
  /**
   * Where the legend goes: a corner, "auto" (where it covers least; the default), "above" (one
   * row right-aligned above the data, on the y axis title's line: for data that fills the plot)
   * or "none".
   */
  legend?: LegendCorner | "auto" | "above" | "none";
  references?: readonly ReferenceLine[];
  arrows?: readonly PlotArrow[];
  callouts?: readonly PlotCallout[];
  points?: readonly LabelledPoint[];
}

/** Where the data went: scenes draw their own marks with `toPixel`. */
export interface PlotFrame {
  /** The data area: the x range spans its width, the y range its height. */
  plotRect: Rect;
  /** Canvas pixel of a data point (NaN for a non-positive value on a log axis). */
  toPixel(x: number, y: number): { x: number; y: number };
  /** Where the legend went, if one was drawn (so a scene can keep its own marks off it). */
  legendRect?: Rect;
}

/**
 * Draws a 2-D plot inside `rect`: one set of axes with few round ticks (true minus signs,
 * powers of ten on a log axis), any number of line and scatter series, a legend of line
 * samples placed where it covers least, reference lines, arrows, callouts and labelled
 * points. Everything stays inside `rect`; the data is clipped to its area. Returns the data
 * area and the mapping from data to pixels, for marks a scene draws itself.
 */
export function drawPlot(paint: Paint, rect: Rect, options: PlotOptions): PlotFrame {
  const { ctx, theme, unit } = paint;
  const series = options.series ?? [];
  checkOptions(options, series);
  const x = withRange(options.x, "x", series, options, undefined);
  const y = withRange(options.y, "y", series, options, x);
  const layout = plotLayout(paint, rect, options, x, y);
  const { plot } = layout;
  const xScale = scaleOf(x);
  const yScale = scaleOf(y);
  const toPixel = (px: number, py: number) => ({
    x: plot.x + xScale.fraction(px) * plot.width,
    // (1 - f) * height rather than height - f * height: the range's ends land exactly on the edges.
    y: plot.y + (1 - yScale.fraction(py)) * plot.height,
  });

  ctx.save();
  drawFrameText(paint, rect, options, layout);
  drawGridAndAxes(paint, layout, x, y, toPixel);

  // Where the data is, in full (not as far as it is drawn now), so that the legend and the
  // labels stay put while a series grows.
  const lines = series.map((s) => (isScatter(s) ? [] : seriesPixels(s, x, plot, toPixel)));
  const occupied = occupancy(series, lines, options, toPixel, paint);
  const boxes: Box[] = [];
  const marks: Marks = { plot, toPixel, occupied, boxes };

  ctx.save();
  ctx.beginPath();
  const bleed = sizes.bleed * unit;
  ctx.rect(plot.x - bleed, plot.y - bleed, plot.width + 2 * bleed, plot.height + 2 * bleed);
  ctx.clip();
  for (const ref of options.references ?? []) drawReference(paint, ref, marks);
  series.forEach((s, i) => {
    if (isScatter(s)) drawScatter(paint, s, marks);
    else drawLine(paint, s, i, lines[i] as Pt[], x, plot, toPixel);
  });
  for (const arrow of options.arrows ?? []) drawArrow(paint, arrow, marks);
  for (const point of options.points ?? []) drawLabelledPoint(paint, point, marks);
  for (const callout of options.callouts ?? []) drawCallout(paint, callout, marks);
  ctx.restore();

  const entries = legendEntries(series, theme);
  const legendRect =
    entries.length === 0 || options.legend === "none"
      ? undefined
      : options.legend === "above"
        ? drawLegendRow(paint, entries, rect, layout.yTitleY)
        : drawPlotLegend(paint, entries, plot, rect, options.legend ?? "auto", occupied, boxes);
  ctx.restore();
  // A copy: the layout is memoised, and a caller may change the rectangle it is given.
  const plotRect = { ...plot };
  return legendRect ? { plotRect, toPixel, legendRect } : { plotRect, toPixel };
}

function fail(message: string): never {
  throw new PlotOptionError(`drawPlot: ${message}`);
}

function checkOptions(options: PlotOptions, series: readonly PlotSeries[]): void {
  for (const name of ["x", "y"] as const) {
    const axis = options[name];
    if (!axis) fail(`${name} axis missing; give ${name}: { range: [low, high] }`);
    const range = axis.range;
    if (range === undefined) continue;
    const [low, high] = range;
    if (!(Number.isFinite(low) && Number.isFinite(high) && low < high))
      fail(`${name}.range must be [low, high] with low < high, got [${range.map(formatPlain).join(", ")}]`);
    if (axis.log && low <= 0)
      fail(
        `${name}.range [${formatPlain(low)}, ${formatPlain(high)}] cannot be drawn on a log axis: both ends must be above 0, e.g. [1e-12, 1]`,
      );
  }
  series.forEach((s, i) => {
    const what = `series[${i}]${s.name ? ` ("${s.name}")` : ""}`;
    if (isScatter(s)) {
      if (!s.xs || !s.ys || s.xs.length !== s.ys.length) fail(`${what}: a scatter needs xs and ys of the same length`);
      if (s.classes && s.classes.length !== s.xs.length) fail(`${what}: classes must have one entry per point`);
      return;
    }
    if ((s.f === undefined) === (s.xs === undefined)) fail(`${what}: give either f (a function of x) or xs and ys`);
    if (s.xs && (!s.ys || s.xs.length !== s.ys.length)) fail(`${what}: xs and ys must have the same length`);
    if (s.upTo !== undefined && s.fraction !== undefined) fail(`${what}: give upTo or fraction, not both`);
    if (s.fraction !== undefined && !(s.fraction >= 0 && s.fraction <= 1))
      fail(`${what}: fraction must be between 0 and 1, got ${s.fraction}`);
    if (s.breaks !== undefined && (s.f === undefined || !s.breaks.every(Number.isFinite)))
      fail(`${what}: breaks are x values (finite numbers) where a function f jumps`);
  });
  const legends = ["auto", "above", "none", "top-left", "top-right", "bottom-left", "bottom-right"];
  if (options.legend !== undefined && !legends.includes(options.legend))
    fail(`legend must be one of ${legends.join(", ")}, got "${options.legend}"`);
  (options.references ?? []).forEach((r, i) => {
    if ((r.x === undefined) === (r.y === undefined)) fail(`references[${i}]: give x (a vertical line) or y, not both`);
  });
}

function formatPlain(v: number): string {
  return String(v).replace("-", MINUS);
}

/** The axis with its range: the given one, or the data's extent widened to round numbers. */
function withRange(
  axis: PlotAxis,
  name: "x" | "y",
  series: readonly PlotSeries[],
  options: PlotOptions,
  xAxis: Axis | undefined,
): Axis {
  if (axis.range) return axis as Axis;
  const kind = kindOf(axis);
  const values: number[] = [];
  const add = (v: number) => {
    if (Number.isFinite(v) && kind.drawable(v)) values.push(v);
  };
  for (const s of series) {
    if (!isScatter(s) && s.f) {
      if (name === "x" || !xAxis) continue;
      for (const x of sampleXs(s, xAxis, 200)) add(s.f(x));
      continue;
    }
    const list = name === "x" ? s.xs : s.ys;
    for (let i = 0; i < (list?.length ?? 0); i++) add(list?.[i] as number);
  }
  for (const p of options.points ?? []) add(p.at[name === "x" ? 0 : 1]);
  for (const r of options.references ?? []) if (r[name] !== undefined) add(r[name] as number);
  if (values.length === 0)
    fail(`${name}.range is needed: there is no data to take it from (a function series needs an x range)`);
  return { ...axis, range: kind.roundRange(Math.min(...values), Math.max(...values)) };
}

interface Layout {
  plot: Rect;
  xTicks: Tick[];
  yTicks: Tick[];
  titleY: number;
  yTitleY: number;
  xTitleY: number;
}

/** Places the title, axis titles, tick labels and the data area, all inside `rect`. */
/**
 * `layoutPlot`, memoised by all it reads: a figure's plots keep their rectangle, titles and
 * axes from frame to frame while their series grow, and fitting the ticks measures text. An
 * entry depends on its key alone, so frames stay pure.
 */
function plotLayout(paint: Paint, rect: Rect, options: PlotOptions, x: Axis, y: Axis): Layout {
  const { title, legend } = options;
  const key = JSON.stringify([paint.unit, rect, title, legend, options.x.label, options.y.label, x, y]);
  let layout = layouts.get(key);
  if (!layout) {
    layout = layoutPlot(paint, rect, options, x, y);
    if (layouts.size >= 64) layouts.delete(layouts.keys().next().value as string);
    layouts.set(key, layout);
  }
  return layout;
}

const layouts = new Map<string, Layout>();

function layoutPlot(paint: Paint, rect: Rect, options: PlotOptions, x: Axis, y: Axis): Layout {
  const { unit } = paint;
  const tickFont = font(sizes.tick * unit);
  const tickSize = sizes.tick * unit;
  let top = rect.y;
  const titleY = top;
  if (options.title) top += sizes.title * unit * 1.2 + 8 * unit;
  const yTitleY = top;
  if (options.y.label || options.legend === "above") top += sizes.axisTitle * unit * 1.2 + 6 * unit;
  // Room for the top y label's upper half (and its exponent, on a log axis).
  const plotTop = top + Math.max(sizes.bleed * unit, (scaleOf(y).exponents ? 0.8 : 0.6) * tickSize);

  let bottom = rect.y + rect.height;
  const xTitleY = bottom - sizes.axisTitle * unit * 0.28;
  if (options.x.label) bottom -= sizes.axisTitle * unit * 1.25 + 4 * unit;
  // Tick labels: a digit's height plus room for descenders (and for exponents above).
  const xLabelHeight = (scaleOf(x).exponents ? 0.98 : 0.76) * tickSize + 0.24 * tickSize;
  const plotBottom = bottom - xLabelHeight - sizes.tickGap * unit;
  const plotHeight = plotBottom - plotTop;
  if (plotHeight < 24 * unit)
    fail(
      `rect ${Math.round(rect.width)}x${Math.round(rect.height)} is too small for a plot with these titles at unit ${unit.toFixed(2)}; give it more room`,
    );

  const yTicks = plotTicks(y, plotHeight, { unit, vertical: true });
  const yLabelWidth = Math.max(0, ...yTicks.filter((t) => !t.minor).map((t) => tickWidth(t, tickFont, unit)));
  const { left, right, xTicks } = fitXTicks(
    paint,
    rect,
    x,
    rect.x + yLabelWidth + sizes.tickGap * unit,
    rect.x + rect.width - sizes.bleed * unit,
  );
  return {
    plot: { x: left, y: plotTop, width: right - left, height: plotHeight },
    xTicks,
    yTicks,
    titleY,
    yTitleY,
    xTitleY,
  };
}

/**
 * The data area's left and right ends and the x ticks: the labels at the ends may reach past
 * the data area, so it is narrowed until they fit in `rect`.
 */
function fitXTicks(
  paint: Paint,
  rect: Rect,
  x: Axis,
  startLeft: number,
  startRight: number,
): { left: number; right: number; xTicks: Tick[] } {
  const { unit } = paint;
  const tickFont = font(sizes.tick * unit);
  const xScale = scaleOf(x);
  let left = startLeft;
  let right = startRight;
  const overhang = (ticks: Tick[], width: number) => {
    let overLeft = 0;
    let overRight = 0;
    for (const t of ticks) {
      if (t.minor) continue;
      const at = left + xScale.fraction(t.value) * width;
      const half = tickWidth(t, tickFont, unit) / 2;
      overLeft = Math.max(overLeft, rect.x - (at - half));
      overRight = Math.max(overRight, at + half - (rect.x + rect.width));
    }
    return { overLeft, overRight };
  };
  for (let pass = 0; pass < 4; pass++) {
    const { overLeft, overRight } = overhang(plotTicks(x, right - left, { unit, vertical: false }), right - left);
    if (overLeft <= 0 && overRight <= 0) break;
    left += Math.max(0, overLeft) + 0.5;
    right -= Math.max(0, overRight) + 0.5;
  }
  if (right - left < 24 * unit)
    fail(
      `rect ${Math.round(rect.width)}x${Math.round(rect.height)} is too narrow for a plot at unit ${unit.toFixed(2)}; give it more room`,
    );
  // Should the margins still not have settled, a label that would leave the rect is dropped.
  const width = right - left;
  const xTicks = plotTicks(x, width, { unit, vertical: false }).filter(
    (t) => t.minor || (overhang([t], width).overLeft <= 0 && overhang([t], width).overRight <= 0),
  );
  return { left, right, xTicks };
}

/**
 * Text that fits in `maxWidth`: as it is, squeezed a little (to 85%), or cut with an ellipsis
 * and squeezed, rather than run out of its rect.
 */
function drawFittedText(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  style: { font: string; color: string; align?: "left" | "center" | "right"; baseline?: "top" | "alphabetic" },
): void {
  const width = measureTextCached(text, style.font);
  if (width <= maxWidth) {
    fillTextCached(ctx, text, x, y, style);
    return;
  }
  let shown = text;
  if (width * 0.85 > maxWidth) {
    const words = text.split(" ");
    while (words.length > 1 && measureTextCached(`${words.join(" ")}…`, style.font) * 0.85 > maxWidth) words.pop();
    shown = `${words.join(" ")}…`;
  }
  ctx.save();
  ctx.font = style.font;
  ctx.fillStyle = style.color;
  ctx.textAlign = style.align ?? "left";
  ctx.textBaseline = style.baseline ?? "alphabetic";
  ctx.fillText(shown, x, y, maxWidth);
  ctx.restore();
}

function drawFrameText(paint: Paint, rect: Rect, options: PlotOptions, layout: Layout): void {
  const { ctx, theme, unit } = paint;
  const { plot } = layout;
  if (options.title)
    drawFittedText(ctx, withMinusSigns(options.title), rect.x, layout.titleY, rect.width, {
      font: font(sizes.title * unit, "bold"),
      color: theme.ink,
      baseline: "top",
    });
  const titleFont = font(sizes.axisTitle * unit);
  if (options.y.label)
    drawFittedText(ctx, withMinusSigns(options.y.label), rect.x, layout.yTitleY, rect.width, {
      font: titleFont,
      color: theme.ink,
      baseline: "top",
    });
  if (options.x.label) {
    const text = withMinusSigns(options.x.label);
    const width = measureTextCached(text, titleFont);
    // Centred under the data when it fits there, else as far left as it must go.
    const cx = Math.min(
      Math.max(plot.x + plot.width / 2, rect.x + width / 2),
      rect.x + rect.width - Math.min(width, rect.width) / 2,
    );
    drawFittedText(ctx, text, cx, layout.xTitleY, rect.width, { font: titleFont, color: theme.ink, align: "center" });
  }
}

function drawGridAndAxes(
  paint: Paint,
  layout: Layout,
  x: Axis,
  y: Axis,
  toPixel: (x: number, y: number) => { x: number; y: number },
): void {
  const { ctx, theme, unit } = paint;
  const { plot, xTicks, yTicks } = layout;
  const xAt = (v: number) => toPixel(v, y.range[0]).x;
  const yAt = (v: number) => toPixel(x.range[0], v).y;
  const bottom = plot.y + plot.height;
  const right = plot.x + plot.width;

  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1 * unit;
  ctx.beginPath();
  if (y.grid !== false)
    for (const t of yTicks)
      if (!t.minor && Math.abs(yAt(t.value) - bottom) > 0.5) {
        ctx.moveTo(plot.x, yAt(t.value));
        ctx.lineTo(right, yAt(t.value));
      }
  if (x.grid !== false)
    for (const t of xTicks)
      if (!t.minor && Math.abs(xAt(t.value) - plot.x) > 0.5) {
        ctx.moveTo(xAt(t.value), plot.y);
        ctx.lineTo(xAt(t.value), bottom);
      }
  ctx.stroke();

  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1.2 * unit;
  ctx.beginPath();
  ctx.moveTo(plot.x, plot.y);
  ctx.lineTo(plot.x, bottom);
  ctx.lineTo(right, bottom);
  const minor = 4 * unit;
  const major = 6 * unit;
  // Tick marks: short ones for minor ticks; major ones only where there is no grid line.
  for (const t of yTicks) {
    const length = t.minor ? minor : y.grid === false ? major : 0;
    if (length === 0) continue;
    ctx.moveTo(plot.x, yAt(t.value));
    ctx.lineTo(plot.x - length, yAt(t.value));
  }
  for (const t of xTicks) {
    const length = t.minor ? minor : x.grid === false ? major : 0;
    if (length === 0) continue;
    ctx.moveTo(xAt(t.value), bottom);
    ctx.lineTo(xAt(t.value), bottom + length);
  }
  ctx.stroke();
  drawTickLabels(paint, layout, scaleOf(x).exponents, xAt, yAt);
}

/** The labels of the major ticks: left of the y axis, under the x axis (lower when they carry exponents). */
function drawTickLabels(
  paint: Paint,
  layout: Layout,
  exponents: boolean,
  xAt: (v: number) => number,
  yAt: (v: number) => number,
): void {
  const { unit } = paint;
  const { plot, xTicks, yTicks } = layout;
  const tickFont = font(sizes.tick * unit);
  const tickSize = sizes.tick * unit;
  const bottom = plot.y + plot.height;
  for (const t of yTicks) {
    if (t.minor) continue;
    const w = tickWidth(t, tickFont, unit);
    drawTickLabel(paint, t, plot.x - sizes.tickGap * unit - w, yAt(t.value) + 0.365 * tickSize, tickFont);
  }
  const ascent = (exponents ? 0.98 : 0.76) * tickSize;
  for (const t of xTicks) {
    if (t.minor) continue;
    const w = tickWidth(t, tickFont, unit);
    drawTickLabel(paint, t, xAt(t.value) - w / 2, bottom + sizes.tickGap * unit + ascent, tickFont);
  }
}

function sampleXs(s: LineSeries, x: Axis, defaultCount: number): number[] {
  const count = Math.max(2, Math.round(s.samples ?? defaultCount));
  const scale = scaleOf(x);
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    xs.push(scale.valueAt(t));
  }
  return xs;
}

/**
 * Sample points with each break inside the range replaced by a point just before it, a gap
 * (NaN: no point) and a point just after it, so the curve meets the jump from both sides.
 */
function withBreaks(xs: number[], breaks: number[], x: Axis): number[] {
  const [low, high] = x.range;
  const inside = [...breaks].filter((b) => b > low && b < high).sort((a, b) => a - b);
  if (inside.length === 0) return xs;
  const epsilon = (high - low) * 1e-9;
  const out: number[] = [];
  let next = 0;
  for (const v of xs) {
    while (next < inside.length && v >= (inside[next] as number) - epsilon) {
      const b = inside[next++] as number;
      out.push(b - epsilon, Number.NaN, b + epsilon);
    }
    if (!out.length || Math.abs(v - (out.at(-1) as number)) > epsilon * 2) out.push(v);
  }
  return out;
}

/** The whole series in pixels; null where it breaks (a value that is not finite or not on a log axis). */
function seriesPixels(s: LineSeries, x: Axis, plot: Rect, toPixel: ToPixel): Pt[] {
  const xs = s.f ? withBreaks(sampleXs(s, x, Math.ceil(plot.width / 2)), s.breaks ?? [], x) : Array.from(s.xs ?? []);
  const ys = s.f ? xs.map((v) => (s.f as (x: number) => number)(v)) : Array.from(s.ys ?? []);
  return xs.map((xv, i) => {
    const p = toPixel(xv, ys[i] as number);
    return Number.isFinite(p.x) && Number.isFinite(p.y) ? p : null;
  });
}

/** The part of a series drawn now: up to an x (pixel) or a fraction of its points. */
function visiblePart(points: Pt[], s: LineSeries, toPixel: ToPixel, x: Axis): Pt[] {
  if (s.fraction !== undefined) {
    const end = s.fraction * (points.length - 1);
    const whole = Math.floor(end);
    const part = points.slice(0, whole + 1);
    const a = points[whole];
    const b = points[whole + 1];
    if (end > whole && a && b)
      part.push({ x: a.x + (end - whole) * (b.x - a.x), y: a.y + (end - whole) * (b.y - a.y) });
    return part;
  }
  if (s.upTo === undefined) return points;
  const limit = toPixel(s.upTo, 1).x;
  // A limit the x axis cannot place (0 or less on a log axis): nothing is drawn yet.
  if (!Number.isFinite(limit) && !kindOf(x).drawable(s.upTo)) return [];
  const part: Pt[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Pt;
    if (p && p.x > limit) {
      const q = points[i - 1];
      if (q) part.push({ x: limit, y: q.y + ((limit - q.x) / (p.x - q.x)) * (p.y - q.y) });
      break;
    }
    part.push(p);
  }
  return part;
}

/** A line's colour: its own, or the theme's series colours in order (not the class colours). */
function lineColor(paint: Paint, s: LineSeries, index: number): string {
  const series = paint.theme.series;
  return s.color ?? (series[index % series.length] as string);
}

function drawLine(
  paint: Paint,
  s: LineSeries,
  index: number,
  points: Pt[],
  x: Axis,
  plot: Rect,
  toPixel: ToPixel,
): void {
  const { ctx, theme, unit } = paint;
  const part = visiblePart(points, s, toPixel, x);
  const color = lineColor(paint, s, index);
  const width = (s.width ?? 2.5) * unit;
  // A curve leaving the range stops at the data area's edge (half its width past it, so a
  // curve along the edge is not halved); only markers may use the bleed around it.
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x - width / 2, plot.y - width / 2, plot.width + width, plot.height + width);
  ctx.clip();
  ctx.beginPath();
  let pen = false;
  let last: Pt = null;
  for (const p of part) {
    if (!p) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(p.x, p.y);
    else ctx.moveTo(p.x, p.y);
    pen = true;
    last = p;
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  ctx.setLineDash((s.dash ?? []).map((d) => d * unit));
  ctx.stroke();
  ctx.restore();
  // Nothing drawn yet (a fraction of 0, an upTo before the first point): no marker either.
  const started = part.filter((p) => p !== null).length >= 2;
  if (s.endMarker && started && last && onPlot(last, plot)) {
    ctx.beginPath();
    ctx.arc(last.x, last.y, 5 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 1.5 * unit;
    ctx.stroke();
  }
}

function drawScatter(paint: Paint, s: ScatterSeries, marks: Marks): void {
  const { plot, toPixel, occupied, boxes } = marks;
  const { ctx, theme, unit } = paint;
  const radius = (s.radius ?? 5) * unit;
  for (let i = 0; i < s.xs.length; i++) {
    const p = toPixel(s.xs[i] as number, s.ys[i] as number);
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const [fill, outline] = pointColors(paint, s, i);
    stampsFor(fill, outline, 1 * unit).stamp(ctx, radius, p.x, p.y);
  }
  s.labels?.forEach((label, i) => {
    if (!label) return;
    const p = toPixel(s.xs[i] as number, s.ys[i] as number);
    if (!onPlot(p, plot)) return;
    placeLabel(paint, withMinusSigns(label), p, radius, plot, occupied, boxes, theme.ink);
  });
}

function pointColors(paint: Paint, s: ScatterSeries, i: number): [string, string] {
  const { theme } = paint;
  if (s.classes) {
    const k = Math.max(0, Math.trunc(s.classes[i] as number));
    return [
      theme.classes[k % theme.classes.length] as string,
      theme.classOutlines[k % theme.classOutlines.length] as string,
    ];
  }
  return [s.color ?? (theme.classes[0] as string), theme.background];
}

function drawReference(paint: Paint, ref: ReferenceLine, marks: Marks): void {
  const { plot, toPixel, occupied, boxes } = marks;
  const { ctx, theme, unit } = paint;
  const color = ref.color ?? theme.muted;
  const horizontal = ref.y !== undefined;
  const at = horizontal ? toPixel(1, ref.y as number).y : toPixel(ref.x as number, 1).x;
  if (!Number.isFinite(at)) return;
  ctx.beginPath();
  if (horizontal) {
    ctx.moveTo(plot.x, at);
    ctx.lineTo(plot.x + plot.width, at);
  } else {
    ctx.moveTo(at, plot.y);
    ctx.lineTo(at, plot.y + plot.height);
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.4 * unit;
  ctx.setLineDash((ref.dash ?? [7, 5]).map((d) => d * unit));
  ctx.stroke();
  ctx.setLineDash([]);
  if (!ref.label) return;
  const text = withMinusSigns(ref.label);
  const noteFont = font(sizes.note * unit);
  const pad = 3 * unit;
  const width = measureTextCached(text, noteFont) + 2 * pad;
  const height = sizes.note * unit * 1.05 + 2 * pad;
  const gap = 3 * unit;
  const candidates: Box[] = horizontal
    ? [
        { x: plot.x + plot.width - width - gap, y: at - gap - height },
        { x: plot.x + plot.width - width - gap, y: at + gap },
        { x: plot.x + gap, y: at - gap - height },
        { x: plot.x + gap, y: at + gap },
      ].map((c) => ({ ...c, width, height }))
    : [
        { x: at + gap, y: plot.y + gap },
        { x: at - gap - width, y: plot.y + gap },
        { x: at + gap, y: plot.y + plot.height - gap - height },
        { x: at - gap - width, y: plot.y + plot.height - gap - height },
      ].map((c) => ({ ...c, width, height }));
  const box = bestBox(candidates, plot, occupied, boxes, 1 * unit);
  boxes.push(box);
  ctx.fillStyle = withAlpha(theme.background, 0.85);
  ctx.fillRect(box.x, box.y, box.width, box.height);
  fillTextCached(ctx, text, box.x + pad, box.y + pad + 0.8 * sizes.note * unit, { font: noteFont, color });
}
