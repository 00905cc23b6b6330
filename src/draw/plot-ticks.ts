/**
 * A plot's ticks and their labels: which values an axis marks (its scale's own ticks, or a few
 * round numbers whose labels keep clear of each other, or the ones it lists), and how a label
 * with an exponent is set. Sizes are at 720p, times the frame's unit.
 */
import { font } from "./fonts.ts";
import { decimalsFor, formatNumber, withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import type { PlotAxis } from "./plot.ts";
import { type Axis, roundTicks, type Scale, scaleOf, type Tick } from "./plot-scale.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";

/** How ticks are chosen: the scale of the frame, and whether the axis runs up the plot. */
export interface TickLayout {
  unit: number;
  vertical: boolean;
}

/** The plot's text sizes and gaps, at 720p. */
export const sizes = {
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
  const scale = scaleOf(axis);
  if (axis.ticks) return explicitTicks(axis, scale, low, high);
  const fits = (ticks: Tick[]) => labelsFit(ticks, scale, length, tickFont, options);
  const wanted = Math.max(2, axis.tickCount ?? Math.round(Math.min(7, length / (45 * unit))));
  const own = scale.ownTicks(wanted, fits, (decades) => length / decades >= 60 * unit);
  if (own) return own;
  // A linear axis, or a log axis spanning less than a decade: round numbers.
  const target =
    axis.tickCount ?? Math.round(Math.max(3, Math.min(vertical ? 4 : 5, length / ((vertical ? 70 : 110) * unit))));
  let best: Tick[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let count = 1; count <= Math.max(8, target + 2); count++) {
    const ticks = roundTicks(low, high, count);
    const values = ticks.map((t) => t.value);
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

/** The ticks an axis lists, inside its range; a power of ten on a log axis labelled as one. */
function explicitTicks(axis: PlotAxis, scale: Scale, low: number, high: number): Tick[] {
  const given = axis.ticks ?? [];
  const decimals = decimalsFor(given.filter((t): t is number => typeof t === "number"));
  const ticks: Tick[] = [];
  for (const t of given) {
    const value = typeof t === "number" ? t : t.value;
    const span = high - low;
    if (!Number.isFinite(value) || value < low - 1e-9 * span || value > high + 1e-9 * span) continue;
    if (typeof t !== "number") ticks.push({ value, text: withMinusSigns(t.label) });
    else ticks.push({ value, ...(scale.powerLabel(value) ?? { text: formatNumber(value, decimals) }) });
  }
  return ticks;
}

/** Whether the labelled ticks' labels keep clear of each other along the axis. */
function labelsFit(ticks: Tick[], scale: Scale, length: number, tickFont: string, options: TickLayout): boolean {
  const labelled = ticks.filter((t) => !t.minor);
  const at = (v: number) => scale.fraction(v) * length;
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

function supFont(unit: number): string {
  return font(sizes.tick * 0.72 * unit);
}

export function tickWidth(tick: Tick, tickFont: string, unit: number): number {
  const base = measureTextCached(tick.text, tickFont);
  return tick.sup ? base + 1 * unit + measureTextCached(tick.sup, supFont(unit)) : base;
}

/** A tick label with its left end at x and its baseline at y. */
export function drawTickLabel(paint: Paint, tick: Tick, x: number, y: number, tickFont: string): void {
  const { ctx, theme, unit } = paint;
  fillTextCached(ctx, tick.text, x, y, { font: tickFont, color: theme.muted });
  if (!tick.sup) return;
  const sx = x + measureTextCached(tick.text, tickFont) + 1 * unit;
  fillTextCached(ctx, tick.sup, sx, y - 0.42 * sizes.tick * unit, { font: supFont(unit), color: theme.muted });
}
