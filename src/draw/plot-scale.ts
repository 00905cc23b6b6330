/**
 * How a plot's axis maps values to places: linearly, or by their base-10 logarithm. Everything
 * that differs between the two lives here, so the plot asks its axis's scale instead of
 * branching on `log`: where a value sits, which values can be drawn, the range the data rounds
 * out to, the powers of ten a log axis labels and the minor ticks between them.
 */
import { decimalsFor, formatNumber } from "./numbers.ts";
import type { PlotAxis } from "./plot.ts";
import { niceTicks } from "./ticks.ts";

/** A tick: a value and its label; `sup` is an exponent set as a superscript after `text`. */
export interface Tick {
  value: number;
  text: string;
  sup?: string;
  /** Unlabelled, short: a minor tick. */
  minor?: boolean;
}

/** An axis whose range is known. */
export type Axis = PlotAxis & { range: readonly [number, number] };

export interface Scale {
  /** Where `v` sits along the axis, 0 at the low end and 1 at the high end; NaN where it cannot be drawn. */
  fraction(v: number): number;
  /** The value at fraction `t` of the axis: samples evenly spaced on screen. */
  valueAt(t: number): number;
  /** Labels that are powers of ten carry an exponent above their line: room is kept for it. */
  readonly exponents: boolean;
  /** An explicit tick's own label when the scale has one for its value (10⁻³ on a log axis). */
  powerLabel(value: number): { text: string; sup: string } | undefined;
  /**
   * The scale's own ticks, if it has any for this range: on a log axis spanning a decade or
   * more, every power of ten or every second, third, ... (the others minor); `fits` says whether
   * the labels keep clear of each other. Undefined: round numbers, as on a linear axis.
   */
  ownTicks(
    wanted: number,
    fits: (ticks: Tick[]) => boolean,
    roomyDecades: (decades: number) => boolean,
  ): Tick[] | undefined;
}

/** What an axis's kind of scale says before its range is known. */
export interface ScaleKind {
  /** Whether a data value can be drawn at all (a log axis has no place for 0 or less). */
  drawable(v: number): boolean;
  /** The data's extent [low, high] widened to round numbers (whole decades on a log axis). */
  roundRange(low: number, high: number): [number, number];
}

const LINEAR_KIND: ScaleKind = {
  drawable: () => true,
  roundRange(low, high) {
    if (low === high) {
      const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
      low -= pad;
      high += pad;
    }
    const ticks = niceTicks(low, high, 5);
    const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : high - low;
    const round = (v: number) => Number(v.toPrecision(12));
    return [round(Math.floor(low / step + 1e-9) * step), round(Math.ceil(high / step - 1e-9) * step)];
  },
};

const LOG_KIND: ScaleKind = {
  drawable: (v) => v > 0,
  roundRange(low, high) {
    const k0 = Math.floor(Math.log10(low) + 1e-9);
    const k1 = Math.ceil(Math.log10(high) - 1e-9);
    return [10 ** k0, 10 ** Math.max(k1, k0 + 1)];
  },
};

export function kindOf(axis: PlotAxis): ScaleKind {
  return axis.log ? LOG_KIND : LINEAR_KIND;
}

/** The scale of an axis whose range is known. */
export function scaleOf(axis: Axis): Scale {
  const [low, high] = axis.range;
  if (!axis.log) {
    return {
      fraction: (v) => (v - low) / (high - low),
      valueAt: (t) => low + t * (high - low),
      exponents: false,
      powerLabel: () => undefined,
      ownTicks: () => undefined,
    };
  }
  const logLow = Math.log10(low);
  const logSpan = Math.log10(high) - logLow;
  return {
    fraction: (v) => (v > 0 ? (Math.log10(v) - logLow) / logSpan : Number.NaN),
    valueAt: (t) => 10 ** (logLow + t * logSpan),
    exponents: true,
    powerLabel(value) {
      const exponent = Math.log10(value);
      return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? powerOfTenLabel(Math.round(exponent)) : undefined;
    },
    ownTicks(wanted, fits, roomyDecades) {
      const exponents = logTicks(low, high);
      if (exponents.length < 2) return undefined;
      // Every power of ten, or every second, third, ... (multiples of the stride, so 10⁰ stays).
      for (const stride of [1, 2, 3, 4, 5, 6, 10, 20, 50, 100]) {
        const ticks = exponents.map((k): Tick => {
          const minor = ((k % stride) + stride) % stride !== 0;
          return minor ? { value: 10 ** k, text: "", minor } : { value: 10 ** k, ...powerOfTenLabel(k) };
        });
        if (ticks.filter((t) => !t.minor).length <= wanted && fits(ticks)) {
          return axis.minorTicks && roomyDecades(exponents.length - 1) ? [...ticks, ...decadeMinors(low, high)] : ticks;
        }
      }
      return undefined;
    },
  };
}

/** 2..9 x 10^k inside [low, high], as minor ticks. */
function decadeMinors(low: number, high: number): Tick[] {
  const minors: Tick[] = [];
  for (let k = Math.floor(Math.log10(low)); k <= Math.ceil(Math.log10(high)); k++) {
    for (let m = 2; m <= 9; m++) {
      const v = m * 10 ** k;
      if (v >= low && v <= high) minors.push({ value: v, text: "", minor: true });
    }
  }
  return minors;
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

/** Round-number ticks labelled with the decimals they need (the fallback of every scale). */
export function roundTicks(low: number, high: number, count: number): Tick[] {
  const values = niceTicks(low, high, count);
  const decimals = decimalsFor(values);
  return values.map((value) => ({ value, text: formatNumber(value, decimals) }));
}
