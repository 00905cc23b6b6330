import { type Seed, stream } from "../random/index.ts";

/** A labelled data set: X is N x d (one row per example), y holds N labels. */
export interface Dataset {
  X: number[][];
  y: number[];
}

/** Raised for an argument a user can get wrong; the message names it and the problem. */
export class DataError extends Error {
  override name = "DataError";
}

export function requirePositiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new DataError(`${name} must be a positive integer, got ${showValue(value)}`);
  }
  return value;
}

export function requireNonNegative(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new DataError(`${name} must be a finite number >= 0, got ${showValue(value)}`);
  }
  return value;
}

// A private-use character marks where a non-finite number stood, so it can be written as
// itself instead of JSON's null (JSON.parse reads 1e999 as Infinity).
const MARK = "\uE000";
const MARKED = new RegExp(`"${MARK}([^${MARK}]*)${MARK}"`, "g");
const TOO_LARGE = " (a number too large to hold, such as 1e999)";

/**
 * A value as a message shows it: JSON, shortened to `max` characters, with Infinity and NaN
 * written as such (JSON.stringify would print null) and a note on where an Infinity comes from.
 */
export function showValue(value: unknown, max = 60): string {
  let infinite = false;
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v !== "number" || Number.isFinite(v)) return v;
    if (!Number.isNaN(v)) infinite = true;
    return `${MARK}${v}${MARK}`;
  });
  if (text === undefined) return String(value);
  const plain = text.replace(MARKED, "$1");
  const short = plain.length > max ? `${plain.slice(0, max - 3)}...` : plain;
  return infinite ? `${short}${TOO_LARGE}` : short;
}

/** numpy's linspace(start, stop, n, endpoint). */
export function linspace(start: number, stop: number, n: number, endpoint = true): number[] {
  if (n === 1) return [start];
  const steps = endpoint ? n - 1 : n;
  const step = (stop - start) / steps;
  return Array.from({ length: n }, (_, i) => start + i * step);
}

/** Reorders X and y together by `order`. */
export function reorder(data: Dataset, order: number[]): Dataset {
  return { X: order.map((i) => data.X[i] as number[]), y: order.map((i) => data.y[i] as number) };
}

export function splitCount(what: string, n: number | [number, number]): [number, number] {
  if (Array.isArray(n)) {
    if (n.length !== 2) throw new DataError(`${what}: n as a pair must be [outer, inner], got ${showValue(n)}`);
    const outer = requireCount(`${what}: n[0]`, n[0]);
    const inner = requireCount(`${what}: n[1]`, n[1]);
    if (outer + inner < 1) throw new DataError(`${what}: n must give at least one point`);
    return [outer, inner];
  }
  const total = requirePositiveInteger(`${what}: n`, n);
  const outer = Math.floor(total / 2);
  return [outer, total - outer];
}

function requireCount(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new DataError(`${name} must be an integer >= 0, got ${showValue(value)}`);
  }
  return value;
}

/** The shared tail of the scikit-learn generators: shuffle first, then add noise. */
export function finish(data: Dataset, opts: { noise: number; seed: Seed; shuffle: boolean }): Dataset {
  const random = stream(opts.seed, "data");
  const shuffled = opts.shuffle ? reorder(data, random.permutation(data.y.length)) : data;
  if (opts.noise > 0) {
    for (const row of shuffled.X) {
      for (let j = 0; j < row.length; j++) row[j] = (row[j] as number) + random.normal(0, opts.noise);
    }
  }
  return shuffled;
}
