import type { CanvasRenderingContext2D } from "canvas";
import { stampsFor } from "./dots.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { decimalsFor, formatNumber, MINUS, withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { withAlpha } from "./theme.ts";
import { niceTicks } from "./ticks.ts";

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

/** A tick: a value and its label; `sup` is an exponent set as a superscript after `text`. */
export interface Tick {
  value: number;
  text: string;
  sup?: string;
  /** Unlabelled, short: a minor tick. */
  minor?: boolean;
}

/** The exponents of the powers of ten in [low, high] (both above 0). */
export function logTicks(low: number, high: number): number[] {
  const first = Math.ceil(Math.log10(low) - 1e-9);
  const last = Math.floor(Math.log10(high) + 1e-9);
  const exponents: number[] = [];
  for (let k = first; k <= last; k++) exponents.push(k);
  return exponents;
}

/** The label of 10^exponent: "10" with the exponent (true minus sign) as a superscript. */
export function powerOfTenLabel(exponent: number): { text: string; sup: string } {
  return { text: "10", sup: formatNumber(exponent) };
}

/** An axis whose range is known. */
type Axis = PlotAxis & { range: readonly [number, number] };

/** How ticks are chosen: the scale of the frame, and whether the axis runs up the plot. */
interface TickLayout {
  unit: number;
  vertical: boolean;
}

const sizes = {
  tick: 16,
  axisTitle: 18,
  title: 22,
  legend: 17,
  note: 16,
  /** Room around the data area that marks (end markers, dots) may use. */
  bleed: 8,
  tickGap: 8,
};

/**
 * The ticks drawPlot puts on an axis `length` pixels long: explicit ones as given, or a
 * few round ones whose labels do not collide. On a log axis, powers of ten (every second or
 * third when they would crowd; the others become minor ticks).
 */
export function plotTicks(axis: Axis, length: number, options: TickLayout): Tick[] {
  const [low, high] = axis.range;
  const { unit, vertical } = options;
  const tickFont = font(sizes.tick * unit);
  if (axis.ticks) return explicitTicks(axis, low, high);
  const fits = (ticks: Tick[]) => labelsFit(ticks, axis, length, tickFont, options);
  const exponents = axis.log ? logTicks(low, high) : [];
  if (exponents.length >= 2) {
    // Every power of ten, or every second, third, ... (multiples of the stride, so 10⁰ stays).
    const wanted = Math.max(2, axis.tickCount ?? Math.round(Math.min(7, length / (45 * unit))));
    for (const stride of [1, 2, 3, 4, 5, 6, 10, 20, 50, 100]) {
      const ticks = exponents.map((k): Tick => {
        const minor = ((k % stride) + stride) % stride !== 0;
        return minor ? { value: 10 ** k, text: "", minor } : { value: 10 ** k, ...powerOfTenLabel(k) };
      });
      if (ticks.filter((t) => !t.minor).length <= wanted && fits(ticks))
        return withLogMinors(ticks, axis, length / (exponents.length - 1) >= 60 * unit);
    }
  }
  // A linear axis, or a log axis spanning less than a decade: round numbers.
  const target =
    axis.tickCount ?? Math.round(Math.max(3, Math.min(vertical ? 4 : 5, length / ((vertical ? 70 : 110) * unit))));
  let best: Tick[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let count = 1; count <= Math.max(8, target + 2); count++) {
    const values = niceTicks(low, high, count);
    const decimals = decimalsFor(values);
    const ticks = values.map((value) => ({ value, text: formatNumber(value, decimals) }));
    if (!fits(ticks)) continue;
    // Near the wanted count, preferring steps of 1, 2 and 5 to 2.5 (which adds a decimal:
    // 0, 0.5, 1 over 0.00, 0.25, ...), and then fewer ticks.
    const step = values.length > 1 ? (values[1] as number) - (values[0] as number) : 1;
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    const quarter = Math.abs(mantissa - 2.5) < 1e-6 ? 1.5 : 0;
    // ... and ticks that reach across the range (0, 10, 20, 30 over 0, 20 on [0, 30]).
    const uncovered = 1 - ((values.at(-1) as number) - (values[0] as number)) / (high - low);
    const score = Math.abs(values.length - target) + quarter + uncovered + 0.01 * values.length;
    if (score < bestScore) {
      best = ticks;
      bestScore = score;
    }
  }
  const ticks = best ?? [
    { value: low, text: formatNumber(low, 2) },
    { value: high, text: formatNumber(high, 2) },
  ];
  if (!axis.minorTicks || ticks.length < 2) return ticks;
  const step = (ticks[1] as Tick).value - (ticks[0] as Tick).value;
  const minors: Tick[] = [];
  for (let v = (ticks[0] as Tick).value - step / 2; v <= high + 1e-9 * step; v += step)
    if (v >= low - 1e-9 * step) minors.push({ value: v, text: "", minor: true });
  return [...ticks, ...minors];
}

function explicitTicks(axis: PlotAxis, low: number, high: number): Tick[] {
  const given = axis.ticks ?? [];
  const decimals = decimalsFor(given.filter((t): t is number => typeof t === "number"));
  const ticks: Tick[] = [];
  for (const t of given) {
    const value = typeof t === "number" ? t : t.value;
    const span = high - low;
    if (!Number.isFinite(value) || value < low - 1e-9 * span || value > high + 1e-9 * span) continue;
    if (typeof t !== "number") ticks.push({ value, text: withMinusSigns(t.label) });
    else if (axis.log && Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9)
      ticks.push({ value, ...powerOfTenLabel(Math.round(Math.log10(value))) });
    else ticks.push({ value, text: formatNumber(value, decimals) });
  }
  return ticks;
}

/** 2..9 x 10^k as minor ticks, when asked for and a decade has room for them. */
function withLogMinors(ticks: Tick[], axis: Axis, roomy: boolean): Tick[] {
  if (!axis.minorTicks || !roomy) return ticks;
  const [low, high] = axis.range;
  const minors: Tick[] = [];
  for (let k = Math.floor(Math.log10(low)); k <= Math.ceil(Math.log10(high)); k++) {
    for (let m = 2; m <= 9; m++) {
      const v = m * 10 ** k;
      if (v >= low && v <= high) minors.push({ value: v, text: "", minor: true });
    }
  }
  return [...ticks, ...minors];
}

/** Whether the labelled ticks' labels keep clear of each other along the axis. */
function labelsFit(ticks: Tick[], axis: Axis, length: number, tickFont: string, options: TickLayout): boolean {
  const labelled = ticks.filter((t) => !t.minor);
  const at = (v: number) => fractionOf(axis, v) * length;
  for (let i = 1; i < labelled.length; i++) {
    const a = labelled[i - 1] as Tick;
    const b = labelled[i] as Tick;
    const gap = Math.abs(at(b.value) - at(a.value));
    const need = options.vertical
      ? 1.7 * sizes.tick * options.unit
      : (tickWidth(a, tickFont, options.unit) + tickWidth(b, tickFont, options.unit)) / 2 + 14 * options.unit;
    if (gap < need) return false;
  }
  return true;
}

/** Where a value sits along an axis, 0 at the low end and 1 at the high end. */
function fractionOf(axis: Axis, v: number): number {
  const [low, high] = axis.range;
  if (axis.log) return v > 0 ? (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : Number.NaN;
  return (v - low) / (high - low);
}

function supFont(unit: number): string {
  return font(sizes.tick * 0.72 * unit);
}

function tickWidth(tick: Tick, tickFont: string, unit: number): number {
  const base = measureTextCached(tick.text, tickFont);
  return tick.sup ? base + 1 * unit + measureTextCached(tick.sup, supFont(unit)) : base;
}

/** A tick label with its left end at x and its baseline at y. */
function drawTickLabel(paint: Paint, tick: Tick, x: number, y: number, tickFont: string): void {
  const { ctx, theme, unit } = paint;
  fillTextCached(ctx, tick.text, x, y, { font: tickFont, color: theme.muted });
  if (!tick.sup) return;
  const sx = x + measureTextCached(tick.text, tickFont) + 1 * unit;
  fillTextCached(ctx, tick.sup, sx, y - 0.42 * sizes.tick * unit, { font: supFont(unit), color: theme.muted });
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
  const layout = layoutPlot(paint, rect, options, x, y);
  const { plot } = layout;
  const toPixel = (px: number, py: number) => ({
    x: plot.x + fractionOf(x, px) * plot.width,
    // (1 - f) * height rather than height - f * height: the range's ends land exactly on the edges.
    y: plot.y + (1 - fractionOf(y, py)) * plot.height,
  });

  ctx.save();
  drawFrameText(paint, rect, options, layout);
  drawGridAndAxes(paint, layout, x, y, toPixel);

  // Where the data is, in full (not as far as it is drawn now), so that the legend and the
  // labels stay put while a series grows.
  const lines = series.map((s) => (isScatter(s) ? [] : seriesPixels(s, x, plot, toPixel)));
  const occupied = occupancy(series, lines, options, toPixel, paint);
  const boxes: Box[] = [];

  ctx.save();
  ctx.beginPath();
  const bleed = sizes.bleed * unit;
  ctx.rect(plot.x - bleed, plot.y - bleed, plot.width + 2 * bleed, plot.height + 2 * bleed);
  ctx.clip();
  for (const ref of options.references ?? []) drawReference(paint, ref, plot, toPixel, occupied, boxes);
  series.forEach((s, i) => {
    if (isScatter(s)) drawScatter(paint, s, plot, toPixel, occupied, boxes);
    else drawLine(paint, s, i, lines[i] as Pt[], x, plot, toPixel);
  });
  for (const arrow of options.arrows ?? []) drawArrow(paint, arrow, plot, toPixel, occupied, boxes);
  for (const point of options.points ?? []) drawLabelledPoint(paint, point, plot, toPixel, occupied, boxes);
  for (const callout of options.callouts ?? []) drawCallout(paint, callout, plot, toPixel, occupied, boxes);
  ctx.restore();

  const entries = legendEntries(series, theme);
  const legendRect =
    entries.length === 0 || options.legend === "none"
      ? undefined
      : options.legend === "above"
        ? drawLegendRow(paint, entries, rect, layout.yTitleY)
        : drawPlotLegend(paint, entries, plot, rect, options.legend ?? "auto", occupied, boxes);
  ctx.restore();
  return legendRect ? { plotRect: plot, toPixel, legendRect } : { plotRect: plot, toPixel };
}

/** Whether a pixel is on the data area (a mark off it, and its label, is not drawn). */
function onPlot(p: { x: number; y: number }, plot: Rect): boolean {
  return (
    p.x >= plot.x - 0.5 && p.x <= plot.x + plot.width + 0.5 && p.y >= plot.y - 0.5 && p.y <= plot.y + plot.height + 0.5
  );
}

function isScatter(s: PlotSeries): s is ScatterSeries {
  return s.kind === "scatter";
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
  const values: number[] = [];
  const add = (v: number) => {
    if (Number.isFinite(v) && (!axis.log || v > 0)) values.push(v);
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
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (axis.log) {
    const k0 = Math.floor(Math.log10(low) + 1e-9);
    const k1 = Math.ceil(Math.log10(high) - 1e-9);
    return { ...axis, range: [10 ** k0, 10 ** Math.max(k1, k0 + 1)] };
  }
  if (low === high) {
    const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
    low -= pad;
    high += pad;
  }
  const ticks = niceTicks(low, high, 5);
  const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : high - low;
  const round = (v: number) => Number(v.toPrecision(12));
  return { ...axis, range: [round(Math.floor(low / step + 1e-9) * step), round(Math.ceil(high / step - 1e-9) * step)] };
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
  const plotTop = top + Math.max(sizes.bleed * unit, (y.log ? 0.8 : 0.6) * tickSize);

  let bottom = rect.y + rect.height;
  const xTitleY = bottom - sizes.axisTitle * unit * 0.28;
  if (options.x.label) bottom -= sizes.axisTitle * unit * 1.25 + 4 * unit;
  // Tick labels: a digit's height plus room for descenders (and for exponents above).
  const xHasSup = x.log === true;
  const xLabelHeight = (xHasSup ? 0.98 : 0.76) * tickSize + 0.24 * tickSize;
  const plotBottom = bottom - xLabelHeight - sizes.tickGap * unit;
  const plotHeight = plotBottom - plotTop;
  if (plotHeight < 24 * unit)
    fail(
      `rect ${Math.round(rect.width)}x${Math.round(rect.height)} is too small for a plot with these titles at unit ${unit.toFixed(2)}; give it more room`,
    );

  const yTicks = plotTicks(y, plotHeight, { unit, vertical: true });
  const yLabelWidth = Math.max(0, ...yTicks.filter((t) => !t.minor).map((t) => tickWidth(t, tickFont, unit)));
  let left = rect.x + yLabelWidth + sizes.tickGap * unit;
  let right = rect.x + rect.width - sizes.bleed * unit;
  // The x labels at the ends may reach past the data area: narrow it until they fit in rect.
  const overhang = (ticks: Tick[], width: number) => {
    let overLeft = 0;
    let overRight = 0;
    for (const t of ticks) {
      if (t.minor) continue;
      const at = left + fractionOf(x, t.value) * width;
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
  const tickFont = font(sizes.tick * unit);
  const tickSize = sizes.tick * unit;
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

  for (const t of yTicks) {
    if (t.minor) continue;
    const w = tickWidth(t, tickFont, unit);
    drawTickLabel(paint, t, plot.x - sizes.tickGap * unit - w, yAt(t.value) + 0.365 * tickSize, tickFont);
  }
  const ascent = (x.log ? 0.98 : 0.76) * tickSize;
  for (const t of xTicks) {
    if (t.minor) continue;
    const w = tickWidth(t, tickFont, unit);
    drawTickLabel(paint, t, xAt(t.value) - w / 2, bottom + sizes.tickGap * unit + ascent, tickFont);
  }
}

type Pt = { x: number; y: number } | null;
type ToPixel = (x: number, y: number) => { x: number; y: number };

function sampleXs(s: LineSeries, x: Axis, defaultCount: number): number[] {
  const count = Math.max(2, Math.round(s.samples ?? defaultCount));
  const [low, high] = x.range;
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    xs.push(x.log ? 10 ** (Math.log10(low) + t * (Math.log10(high) - Math.log10(low))) : low + t * (high - low));
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
  if (x.log && !Number.isFinite(limit)) return [];
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

function drawScatter(paint: Paint, s: ScatterSeries, plot: Rect, toPixel: ToPixel, occupied: Pt[], boxes: Box[]): void {
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

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Points along everything drawn on the data (whole series, not only the part shown yet). */
function occupancy(
  series: readonly PlotSeries[],
  lines: Pt[][],
  options: PlotOptions,
  toPixel: ToPixel,
  paint: Paint,
): Pt[] {
  const samples: Pt[] = [];
  const step = 3 * paint.unit;
  const addSegment = (a: { x: number; y: number }, b: { x: number; y: number }) => {
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / step));
    for (let k = 0; k < n; k++) samples.push({ x: a.x + ((b.x - a.x) * k) / n, y: a.y + ((b.y - a.y) * k) / n });
  };
  series.forEach((s, i) => {
    if (isScatter(s)) {
      for (let j = 0; j < s.xs.length; j++) {
        const p = toPixel(s.xs[j] as number, s.ys[j] as number);
        if (Number.isFinite(p.x) && Number.isFinite(p.y)) samples.push(p);
      }
      return;
    }
    const line = lines[i] ?? [];
    for (let j = 1; j < line.length; j++) {
      const a = line[j - 1];
      const b = line[j];
      if (a && b) addSegment(a, b);
    }
    const end = line.at(-1);
    if (end) samples.push(end);
  });
  for (const a of options.arrows ?? []) addSegment(toPixel(a.from[0], a.from[1]), toPixel(a.to[0], a.to[1]));
  for (const p of options.points ?? []) samples.push(toPixel(p.at[0], p.at[1]));
  for (const c of options.callouts ?? []) samples.push(toPixel(c.at[0], c.at[1]));
  return samples.filter((p) => p !== null && Number.isFinite(p.x) && Number.isFinite(p.y));
}

function overlapCount(box: Box, occupied: Pt[], boxes: Box[], margin: number): number {
  let count = 0;
  for (const p of occupied) {
    if (!p) continue;
    if (
      p.x >= box.x - margin &&
      p.x <= box.x + box.width + margin &&
      p.y >= box.y - margin &&
      p.y <= box.y + box.height + margin
    )
      count++;
  }
  for (const b of boxes) {
    const w = Math.min(box.x + box.width, b.x + b.width) - Math.max(box.x, b.x);
    const h = Math.min(box.y + box.height, b.y + b.height) - Math.max(box.y, b.y);
    if (w > -margin && h > -margin) count += 1000;
  }
  return count;
}

function inside(box: Box, area: Rect): boolean {
  return (
    box.x >= area.x &&
    box.y >= area.y &&
    box.x + box.width <= area.x + area.width &&
    box.y + box.height <= area.y + area.height
  );
}

/** The first of the candidate boxes that stays inside `area` and covers the least. */
function bestBox(candidates: Box[], area: Rect, occupied: Pt[], boxes: Box[], margin: number): Box {
  let best = candidates[0] as Box;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const box of candidates) {
    const score = overlapCount(box, occupied, boxes, margin) + (inside(box, area) ? 0 : 1e9);
    if (score < bestScore) {
      best = box;
      bestScore = score;
    }
  }
  return clampBox(best, area);
}

function clampBox(box: Box, area: Rect): Box {
  return {
    ...box,
    x: Math.max(area.x, Math.min(box.x, area.x + area.width - box.width)),
    y: Math.max(area.y, Math.min(box.y, area.y + area.height - box.height)),
  };
}

/** Directions a label may take from its point, in order of preference: right, then round. */
const LABEL_DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0.7, -0.7],
  [0, -1],
  [-0.7, -0.7],
  [-1, 0],
  [0, 1],
  [0.7, 0.7],
  [-0.7, 0.7],
];

/**
 * A label beside a point, inside the plot, where it covers the least data and no other label;
 * among equals the first direction (or the one nearest `prefer`). Drawn on a faint backing.
 */
function placeLabel(
  paint: Paint,
  text: string,
  at: { x: number; y: number },
  radius: number,
  plot: Rect,
  occupied: Pt[],
  boxes: Box[],
  color: string,
  prefer?: { x: number; y: number },
): void {
  const { ctx, theme, unit } = paint;
  const noteFont = font(sizes.note * unit);
  const pad = 3 * unit;
  const width = measureTextCached(text, noteFont) + 2 * pad;
  const height = sizes.note * unit * 1.05 + 2 * pad;
  const gap = radius + 5 * unit;
  const directions = prefer
    ? [...LABEL_DIRECTIONS].sort((d, e) => e[0] * prefer.x + e[1] * prefer.y - (d[0] * prefer.x + d[1] * prefer.y))
    : LABEL_DIRECTIONS;
  // The box touches the circle of radius `gap` on the side it leaves by.
  const candidates = directions.map(([dx, dy]) => ({
    x: at.x + dx * gap - (dx < -0.1 ? width : Math.abs(dx) <= 0.1 ? width / 2 : 0),
    y: at.y + dy * gap - (dy < -0.1 ? height : Math.abs(dy) <= 0.1 ? height / 2 : 0),
    width,
    height,
  }));
  const box = bestBox(candidates, plot, occupied, boxes, 2 * unit);
  boxes.push(box);
  ctx.fillStyle = withAlpha(theme.background, 0.85);
  ctx.fillRect(box.x, box.y, box.width, box.height);
  fillTextCached(ctx, text, box.x + pad, box.y + pad + 0.8 * sizes.note * unit, { font: noteFont, color });
}

function drawLabelledPoint(
  paint: Paint,
  point: LabelledPoint,
  plot: Rect,
  toPixel: ToPixel,
  occupied: Pt[],
  boxes: Box[],
): void {
  const { ctx, theme, unit } = paint;
  const p = toPixel(point.at[0], point.at[1]);
  if (!onPlot(p, plot)) return;
  const radius = 5.5 * unit;
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = point.color ?? theme.ink;
  ctx.fill();
  ctx.strokeStyle = theme.background;
  ctx.lineWidth = 1.5 * unit;
  ctx.stroke();
  placeLabel(paint, withMinusSigns(point.label), p, radius, plot, occupied, boxes, theme.ink);
}

function drawReference(
  paint: Paint,
  ref: ReferenceLine,
  plot: Rect,
  toPixel: ToPixel,
  occupied: Pt[],
  boxes: Box[],
): void {
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

function drawArrow(paint: Paint, arrow: PlotArrow, plot: Rect, toPixel: ToPixel, occupied: Pt[], boxes: Box[]): void {
  const { ctx, theme, unit } = paint;
  const a = toPixel(arrow.from[0], arrow.from[1]);
  const b = toPixel(arrow.to[0], arrow.to[1]);
  const length = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(length > 0)) return;
  const ux = (b.x - a.x) / length;
  const uy = (b.y - a.y) / length;
  const color = arrow.color ?? theme.ink;
  const head = Math.min(12 * unit, length * 0.6);
  const half = head * 0.45;
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x - ux * head * 0.8, b.y - uy * head * 0.8);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.8 * unit;
  ctx.lineCap = "round";
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(b.x, b.y);
  ctx.lineTo(b.x - ux * head - uy * half, b.y - uy * head + ux * half);
  ctx.lineTo(b.x - ux * head + uy * half, b.y - uy * head - ux * half);
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.fill();
  // The label sits behind the tail, on the side the arrow comes from, if that is free.
  if (arrow.label)
    placeLabel(paint, withMinusSigns(arrow.label), a, 0, plot, occupied, boxes, color, { x: -ux, y: -uy });
}

function drawCallout(
  paint: Paint,
  callout: PlotCallout,
  plot: Rect,
  toPixel: ToPixel,
  occupied: Pt[],
  boxes: Box[],
): void {
  const { ctx, theme, unit } = paint;
  const p = toPixel(callout.at[0], callout.at[1]);
  if (!onPlot(p, plot)) return;
  const noteFont = font(sizes.note * unit);
  const lines = withMinusSigns(callout.text).split("\n");
  const pad = 7 * unit;
  const lineHeight = sizes.note * unit * 1.3;
  const width = Math.max(...lines.map((l) => measureTextCached(l, noteFont))) + 2 * pad;
  const height = lines.length * lineHeight - 0.3 * sizes.note * unit + 2 * pad;
  const reach = 46 * unit;
  const directions = [
    [1, -1],
    [-1, -1],
    [1, 1],
    [-1, 1],
    [0, -1.3],
    [0, 1.3],
    [1.4, 0],
    [-1.4, 0],
  ] as const;
  // Near the point first, then twice as far: the nearest box that covers least wins.
  const centres: [number, number][] = callout.offset
    ? [[callout.offset[0] * unit, callout.offset[1] * unit]]
    : [1, 2].flatMap((far) =>
        directions.map(([dx, dy]): [number, number] => [
          dx * (far * reach + width / 2),
          dy * (far * reach * 0.6 + height / 2),
        ]),
      );
  const candidates = centres.map(([dx, dy]) => ({ x: p.x + dx - width / 2, y: p.y + dy - height / 2, width, height }));
  const box = bestBox(candidates, plot, occupied, boxes, 2 * unit);
  boxes.push(box);
  // A ring around the point (its own colour stays visible) and a pointer from the box's edge to the ring.
  const ring = 9 * unit;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const scale = Math.min(
    Math.abs(p.x - cx) > 0 ? box.width / 2 / Math.abs(p.x - cx) : Number.POSITIVE_INFINITY,
    Math.abs(p.y - cy) > 0 ? box.height / 2 / Math.abs(p.y - cy) : Number.POSITIVE_INFINITY,
  );
  const fromX = cx + (p.x - cx) * scale;
  const fromY = cy + (p.y - cy) * scale;
  const reachLength = Math.hypot(p.x - fromX, p.y - fromY);
  ctx.strokeStyle = theme.ink;
  ctx.lineWidth = 1.4 * unit;
  if (scale < 1 && reachLength > ring) {
    ctx.beginPath();
    ctx.moveTo(fromX, fromY);
    ctx.lineTo(p.x + ((fromX - p.x) * ring) / reachLength, p.y + ((fromY - p.y) * ring) / reachLength);
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(p.x, p.y, ring, 0, 2 * Math.PI);
  ctx.stroke();
  roundedRect(ctx, box, 5 * unit);
  ctx.fillStyle = theme.background;
  ctx.fill();
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1 * unit;
  ctx.stroke();
  lines.forEach((line, i) => {
    fillTextCached(ctx, line, box.x + pad, box.y + pad + 0.76 * sizes.note * unit + i * lineHeight, {
      font: noteFont,
      color: theme.ink,
    });
  });
}

function roundedRect(ctx: CanvasRenderingContext2D, box: Box, r: number): void {
  const { x, y, width: w, height: h } = box;
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

interface LegendEntry {
  label: string;
  color: string;
  outline?: string;
  width?: number;
  dash?: number[];
  marker: "line" | "dot";
}

function legendEntries(series: readonly PlotSeries[], theme: Paint["theme"]): LegendEntry[] {
  const entries: LegendEntry[] = [];
  series.forEach((s, i) => {
    if (isScatter(s)) {
      if (s.classes && s.classNames)
        s.classNames.forEach((name, k) => {
          entries.push({
            label: name,
            color: theme.classes[k % theme.classes.length] as string,
            outline: theme.classOutlines[k % theme.classOutlines.length] as string,
            marker: "dot",
          });
        });
      else if (s.name) entries.push({ label: s.name, color: s.color ?? (theme.classes[0] as string), marker: "dot" });
      return;
    }
    if (s.name)
      entries.push({
        label: s.name,
        color: s.color ?? (theme.series[i % theme.series.length] as string),
        width: s.width ?? 2.5,
        dash: s.dash ?? [],
        marker: "line",
      });
  });
  return entries.map((e) => ({ ...e, label: withMinusSigns(e.label) }));
}

function drawPlotLegend(
  paint: Paint,
  entries: LegendEntry[],
  plot: Rect,
  rect: Rect,
  where: LegendCorner | "auto",
  occupied: Pt[],
  boxes: Box[],
): Rect {
  const { ctx, theme, unit } = paint;
  const legendFont = font(sizes.legend * unit);
  const pad = 9 * unit;
  const sample = 28 * unit;
  const row = sizes.legend * unit * 1.45;
  const width = sample + 9 * unit + Math.max(...entries.map((e) => measureTextCached(e.label, legendFont))) + 2 * pad;
  const height = entries.length * row - (row - sizes.legend * unit) + 2 * pad;
  const inset = 8 * unit;
  const corners: Record<LegendCorner, Box> = {
    "top-left": { x: plot.x + inset, y: plot.y + inset, width, height },
    "top-right": { x: plot.x + plot.width - inset - width, y: plot.y + inset, width, height },
    "bottom-left": { x: plot.x + inset, y: plot.y + plot.height - inset - height, width, height },
    "bottom-right": { x: plot.x + plot.width - inset - width, y: plot.y + plot.height - inset - height, width, height },
  };
  const order: LegendCorner[] = ["top-left", "top-right", "bottom-right", "bottom-left"];
  const box =
    where === "auto"
      ? clampBox(
          bestBox(
            order.map((c) => corners[c]),
            plot,
            occupied,
            boxes,
            4 * unit,
          ),
          rect,
        )
      : clampBox(corners[where], rect);
  roundedRect(ctx, box, 5 * unit);
  ctx.fillStyle = withAlpha(theme.background, 0.9);
  ctx.fill();
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1 * unit;
  ctx.stroke();
  entries.forEach((e, i) => {
    const cy = box.y + pad + sizes.legend * unit * 0.5 + i * row;
    drawLegendEntry(paint, e, box.x + pad, cy, sample);
  });
  return box;
}

/** The legend as one row, right-aligned on the line of the y axis title, above the data. */
function drawLegendRow(paint: Paint, entries: LegendEntry[], rect: Rect, top: number): Rect {
  const { unit } = paint;
  const legendFont = font(sizes.legend * unit);
  const sample = 28 * unit;
  const widths = entries.map((e) => sample + 9 * unit + measureTextCached(e.label, legendFont));
  const gap = 24 * unit;
  const width = widths.reduce((sum, w) => sum + w, 0) + gap * (entries.length - 1);
  const cy = top + sizes.axisTitle * unit * 0.55;
  let x = rect.x + rect.width - width;
  entries.forEach((e, i) => {
    drawLegendEntry(paint, e, x, cy, sample);
    x += (widths[i] as number) + gap;
  });
  return { x: rect.x + rect.width - width, y: top, width, height: sizes.axisTitle * unit * 1.2 };
}

/** One legend entry: its line sample (or dot) from `x0`, then its label, centred on `cy`. */
function drawLegendEntry(paint: Paint, e: LegendEntry, x0: number, cy: number, sample: number): void {
  const { ctx, theme, unit } = paint;
  if (e.marker === "line") {
    ctx.beginPath();
    ctx.moveTo(x0, cy);
    ctx.lineTo(x0 + sample, cy);
    ctx.strokeStyle = e.color;
    ctx.lineWidth = (e.width ?? 2.5) * unit;
    ctx.lineCap = "butt";
    ctx.setLineDash((e.dash ?? []).map((d) => d * unit));
    ctx.stroke();
    ctx.setLineDash([]);
  } else {
    ctx.beginPath();
    ctx.arc(x0 + sample / 2, cy, 5.5 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = e.color;
    ctx.fill();
    ctx.strokeStyle = e.outline ?? theme.background;
    ctx.lineWidth = 1 * unit;
    ctx.stroke();
  }
  fillTextCached(ctx, e.label, x0 + sample + 9 * unit, cy + 0.365 * sizes.legend * unit, {
    font: font(sizes.legend * unit),
    color: theme.ink,
  });
}
