import { clamp01 } from "./easing.ts";

/**
 * Named beats: a clip cut into named stretches of time, so captions, camera moves and reveals
 * say *when* by name ("training:middle") instead of in seconds, and stay aligned when
 * `--duration` stretches the clip. A beat either lasts a fixed number of `seconds` (a title
 * card, a hold) or takes a share of what is left by `weight` (the part that moves).
 */
export interface BeatSpec {
  name: string;
  /** A fixed length in seconds. */
  seconds?: number;
  /** A share of the time the fixed beats leave (default 1 when `seconds` is not given). */
  weight?: number;
  /**
   * The beat starts with an intended cut (a new picture at once): the motion check does not
   * report the change into its first frame.
   */
  cut?: boolean;
}

/**
 * A moment named by a beat: `"training"` or `"training:start"` (its start), `"training:end"`,
 * `"training:middle"`, `"training:0.25"` (a quarter of the way through); or seconds.
 */
export type BeatRef = string | number;

/** A beat that does not exist, or a reference to one that cannot be read; one line. */
export class BeatError extends Error {
  override name = "BeatError";
}

export interface Beats {
  /** Length of the clip in seconds. */
  readonly duration: number;
  /** The beats' names, in order. */
  readonly names: readonly string[];
  /** The beats that start with an intended cut (`cut: true`). */
  readonly cuts?: readonly string[];
  /** Where a beat starts and ends, in seconds. */
  span(name: string): { start: number; end: number };
  /** The moment a reference names, in seconds. */
  time(ref: BeatRef): number;
  /** How far through beat `name` the clip is at `time`: 0 before it, 1 after it. */
  progress(name: string, time: number): number;
  /** The beat playing at `time` and how far through it. */
  at(time: number): { name: string; progress: number };
  /**
   * The training epoch shown at `time`, when the beats come from a training `timeline` (the
   * studio's scrubber shows it).
   */
  epochAt?: (time: number) => number;
}

/**
 * Lays beats out over `duration` seconds: fixed beats keep their length, weighted beats share
 * the rest. When the fixed beats would leave the weighted ones less than `minFlexible` of the
 * clip (default half), the fixed beats shrink together; with no weighted beat, every beat is
 * stretched or shrunk to fill the clip.
 */
export function beats(duration: number, specs: readonly BeatSpec[], options: { minFlexible?: number } = {}): Beats {
  if (!(duration > 0)) throw new BeatError(`beats need a positive duration, got ${duration}`);
  checkBeatSpecs(specs);
  const spans = beatSpans(duration, specs, options.minFlexible ?? 0.5);
  const names = specs.map((s) => s.name);
  const span = (name: string) => {
    const found = spans.get(name);
    if (!found) throw new BeatError(`there is no beat named "${name}"; the beats are ${names.join(", ")}`);
    return found;
  };
  return {
    duration,
    names,
    cuts: specs.filter((s) => s.cut).map((s) => s.name),
    span,
    time(ref) {
      if (typeof ref === "number") return ref;
      const [name, where = "start", extra] = ref.split(":");
      if (extra !== undefined) throw new BeatError(`cannot read the beat reference "${ref}": one ':' at most`);
      const { start, end } = span(name as string);
      const fraction = where === "start" ? 0 : where === "middle" ? 0.5 : where === "end" ? 1 : Number(where);
      if (where.trim() === "" || !(fraction >= 0 && fraction <= 1)) {
        throw new BeatError(
          `cannot read the beat reference "${ref}": after ':' comes start, middle, end or a fraction from 0 to 1`,
        );
      }
      return start + fraction * (end - start);
    },
    progress(name, time) {
      const { start, end } = span(name);
      return end > start ? clamp01((time - start) / (end - start)) : time >= start ? 1 : 0;
    },
    at(time) {
      let current = names[0] ?? "";
      for (const name of names) {
        const { start, end } = span(name);
        if (time >= start && end > start) current = name;
      }
      return { name: current, progress: current === "" ? 0 : this.progress(current, time) };
    },
  };
}

/** Names that are words and differ, lengths and weights that are numbers: each refused with its own line. */
function checkBeatSpecs(specs: readonly BeatSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!/^[A-Za-z][\w-]*$/.test(spec.name)) {
      throw new BeatError(`a beat's name is letters, digits, - and _, starting with a letter; got "${spec.name}"`);
    }
    if (seen.has(spec.name)) throw new BeatError(`two beats are named "${spec.name}"`);
    seen.add(spec.name);
    if (spec.seconds !== undefined && !(spec.seconds >= 0)) {
      throw new BeatError(`beat "${spec.name}": seconds must be 0 or more, got ${spec.seconds}`);
    }
    if (spec.weight !== undefined && !(spec.weight > 0)) {
      throw new BeatError(`beat "${spec.name}": weight must be above 0, got ${spec.weight}`);
    }
  }
}

/** Each beat's start and end: fixed beats keep their length (shrunk together past the room left), weighted ones share the rest. */
function beatSpans(
  duration: number,
  specs: readonly BeatSpec[],
  minFlexible: number,
): Map<string, { start: number; end: number }> {
  const weightOf = (s: BeatSpec) => (s.seconds === undefined ? (s.weight ?? 1) : 0);
  const totalWeight = specs.reduce((sum, s) => sum + weightOf(s), 0);
  let fixed = specs.reduce((sum, s) => sum + (s.seconds ?? 0), 0);
  let scale = 1;
  if (totalWeight === 0) scale = fixed > 0 ? duration / fixed : 1;
  else {
    const room = duration * (1 - minFlexible);
    if (fixed > room) scale = room / fixed;
  }
  fixed *= scale;
  const free = Math.max(0, duration - fixed);
  const spans = new Map<string, { start: number; end: number }>();
  let t = 0;
  for (const spec of specs) {
    const length = spec.seconds !== undefined ? spec.seconds * scale : (free * weightOf(spec)) / totalWeight;
    spans.set(spec.name, { start: t, end: t + length });
    t += length;
  }
  return spans;
}
