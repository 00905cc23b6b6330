import type { Vec3 } from "../draw/geometry.ts";
import { type Box3d, UNIT_BOX, type View3d } from "../draw/panel3d.ts";
import { bestFitNormal, viewAcrossPlane } from "../draw/views.ts";
import type { Run, Snapshot } from "../train/index.ts";
import { type FlatRows, flattenRows, rowsOf } from "../train/rows.ts";
import { clamp01, lerp, smoothstep } from "./easing.ts";
import { activationsOf, bracket, bracketIndex, outputPlane, type RunState, stateAt } from "./interpolate.ts";

/**
 * The box a 3-D panel shows a layer in, for the whole run (so it does not breathe): [0, 1]³ for
 * a sigmoid layer, [−1, 1]³ for tanh, otherwise the layer's range over every snapshot rounded
 * out to five round steps on each axis (a ReLU layer's [0, 4], say), so the ticks are round.
 */
export function panelBox(run: Run, layer: number): Box3d {
  const sizes = run.config.sizes;
  const output = layer === sizes.length - 1;
  const hidden = run.config.activation ?? "sigmoid";
  const activation = output ? (run.config.outputActivation ?? hidden) : hidden;
  if (activation === "sigmoid") return UNIT_BOX;
  if (activation === "tanh") {
    return [
      [-1, 1],
      [-1, 1],
      [-1, 1],
    ];
  }
  // A box from the layer's range needs three coordinates (with fewer, the range is NaN and no
  // round step covers it).
  const units = sizes[layer];
  if (units === undefined || units < 3) {
    throw new RangeError(`panelBox: layer ${layer} has ${units ?? "no"} units; a 3-D panel shows a layer of three`);
  }
  const low = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const high = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const snapshot of run.snapshots) {
    const points = rowsOf(snapshot.activations, String(layer));
    if (!points) {
      throw new RangeError(
        `panelBox: the run has no activations of layer ${layer}; snapshot it (snapshot: { layers: [${layer}] })`,
      );
    }
    const { values, columns } = points;
    for (let at = 0; at < values.length; at += columns) {
      for (let a = 0; a < 3; a++) {
        // A layer of fewer than three units has no such coordinate (NaN, as from its rows).
        const v = a < columns ? (values[at + a] as number) : Number.NaN;
        low[a] = Math.min(low[a] as number, v);
        high[a] = Math.max(high[a] as number, v);
      }
    }
  }
  return [0, 1, 2].map((a) => roundOut(low[a] as number, high[a] as number)) as unknown as Box3d;
}

/** [lo, lo + 5 steps] covering [min, max], with a round step (1, 2 or 5 times a power of ten). */
function roundOut(min: number, max: number): [number, number] {
  const span = Math.max(max - min, 1e-6);
  let power = 10 ** Math.floor(Math.log10(span / 5));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * power;
      const lo = Math.floor(min / step) * step;
      if (lo + 5 * step >= max) return [lo, lo + 5 * step];
    }
    power *= 10;
  }
}

/** Where a layer's cloud of points sits and how big it is, per snapshot. */
export interface CloudFraming {
  centre: Vec3;
  /** The largest 2nd-to-98th percentile range over the three axes. */
  extent: number;
}

export function cloudFramings(run: Run, layer: number, box: Box3d = UNIT_BOX): CloudFraming[] {
  const none: FlatRows = { values: new Float64Array(0), rows: 0, columns: 3 };
  return run.snapshots.map((snapshot) => framingOfRows(rowsOf(snapshot.activations, String(layer)) ?? none, box));
}

/** Where points (rows of three coordinates in `box`'s units) sit in the unit box the panel draws in, and how big they are. */
export function framingOf(points: readonly (readonly number[])[], box: Box3d = UNIT_BOX): CloudFraming {
  return framingOfRows(flattenRows(points), box);
}

/** `framingOf` for points kept flat. */
function framingOfRows(points: FlatRows, box: Box3d): CloudFraming {
  const { rows: n, columns } = points;
  const values = new Float64Array(n);
  const centre: [number, number, number] = [0, 0, 0];
  let extent = 0;
  for (let k = 0; k < 3; k++) {
    // In the unit box the panel draws in: the camera frames the panel's box.
    const [low, high] = box[k] as [number, number];
    for (let j = 0; j < n; j++) {
      // A layer of fewer than three units has no such coordinate (NaN, as from its rows).
      const v = k < columns ? (points.values[j * columns + k] as number) : Number.NaN;
      values[j] = (v - low) / (high - low);
    }
    values.sort();
    const lo = values[Math.floor(0.02 * (n - 1))] ?? 0;
    const hi = values[Math.ceil(0.98 * (n - 1))] ?? 0;
    centre[k] = (lo + hi) / 2;
    extent = Math.max(extent, hi - lo);
  }
  return { centre, extent };
}

/**
 * A camera target and zoom that come closer while the cloud is small (STYLE: move the camera,
 * never rescale the axes) and ease back to the whole box as it grows. Interpolated between
 * snapshots like the points themselves, so it moves as smoothly as they do.
 */
export function framingAt(
  run: Run,
  framings: CloudFraming[],
  epoch: number,
  options: { maxZoom?: number; pull?: number; window?: number } = {},
): { target: Vec3; zoom: number } {
  const { maxZoom = 1.5, pull = 0.8, window = 0 } = options;
  // The cloud's size and place, averaged like `stateAround` so the camera does not twitch with
  // the snapshots' noise either.
  const centre: [number, number, number] = [0, 0, 0];
  let extent = 0;
  for (const { at, weight } of windowOf(run, epoch, window)) {
    const [a, b, t] = bracket(run.snapshots, at);
    const fa = framings[run.snapshots.indexOf(a)] as CloudFraming;
    const fb = framings[run.snapshots.indexOf(b)] as CloudFraming;
    extent += weight * lerp(fa.extent, fb.extent, t);
    for (const k of [0, 1, 2] as const) centre[k] += weight * lerp(fa.centre[k], fb.centre[k], t);
  }
  const closeness = clamp01(1 - smoothstep(0.3, 0.75, extent));
  const towardsCloud = (k: 0 | 1 | 2) => lerp(0.5, centre[k], pull * closeness);
  return { target: [towardsCloud(0), towardsCloud(1), towardsCloud(2)], zoom: 1 + (maxZoom - 1) * closeness };
}

/**
 * The epochs at which to sample a run, and their weights, for the mean around `epoch` of
 * anything interpolated linearly between snapshots, weighted by a tent: 1 at `epoch`, falling
 * to 0 at `window` epochs either side (its width at half height is `window`, as a box's of
 * that width would be). A tent rather than a box: where the run changes suddenly, a box's
 * mean starts and stops moving in one frame as the change enters and leaves its ends; a
 * tent's eases in and out. A window of 0 gives `epoch` alone.
 */
function windowOf(run: Run, epoch: number, window: number): { at: number; weight: number }[] {
  const first = run.snapshots[0]?.epoch ?? 0;
  const last = run.snapshots.at(-1)?.epoch ?? 0;
  // Near the first or last snapshot the tent narrows, staying centred on `epoch`: the mean of a
  // steady change over a centred window is its value at the centre, so the picture neither
  // runs ahead nor speeds up there (a window cut at one end would average the run ahead of
  // `epoch`), and the first and last snapshots show exactly.
  const half = Math.min(window, epoch - first, last - epoch);
  if (!(half > 0)) return [{ at: epoch, weight: 1 }];
  const from = epoch - half;
  const to = epoch + half;
  const tent = (at: number) => Math.max(0, 1 - Math.abs(at - epoch) / half);
  const inside = run.snapshots.map((s) => s.epoch).filter((e) => e > from && e < to && e !== epoch);
  const breaks = [from, ...inside, ...(epoch > from && epoch < to ? [epoch] : []), to].sort((a, b) => a - b);
  // Between breaks the state and the tent are both linear, so their product is quadratic and
  // Simpson's rule on each piece (its ends and middle) is exact.
  const weights = new Map<number, number>();
  const add = (at: number, weight: number) => weights.set(at, (weights.get(at) ?? 0) + weight);
  let total = 0;
  for (let k = 0; k + 1 < breaks.length; k++) {
    const a = breaks[k] as number;
    const b = breaks[k + 1] as number;
    const m = (a + b) / 2;
    const length = b - a;
    add(a, (tent(a) * length) / 6);
    add(m, (4 * tent(m) * length) / 6);
    add(b, (tent(b) * length) / 6);
    total += ((tent(a) + 4 * tent(m) + tent(b)) * length) / 6;
  }
  return [...weights].filter(([, w]) => w > 0).map(([at, w]) => ({ at, weight: w / total }));
}

export interface PaceOptions {
  run: Run;
  /** The scene's timeline: which epoch shows at each time. */
  clock: (time: number) => { epoch: number };
  /** The layer whose points are on screen. */
  layer: number;
  /** Length of the clip in seconds. */
  duration: number;
  /** The camera stays put before this time (while a title card covers the view). Default 0. */
  from?: number;
  /**
   * How much moving points hold the camera back: at the points' top speed it turns at
   * 1 / (1 + damping) of its pace while they rest. Default 8.
   */
  damping?: number;
}

/**
 * Camera progress from 0 to 1 over a clip, paced so the camera turns while the points rest
 * and nearly stops while they move fast (STYLE: never move the camera and change the data
 * fast at the same moment), easing in and out. Derived from the run and the timeline alone,
 * so frames stay pure; use it in place of a plain ease of time.
 */
export function calmPace(options: PaceOptions): (time: number) => number {
  const { run, clock, layer, duration } = options;
  const from = options.from ?? 0;
  const damping = options.damping ?? 8;
  // At least 40 samples a second, so the ease at either end spans many of them.
  const samples = Math.max(480, Math.ceil((duration - from) * 40));
  const step = (duration - from) / samples;
  if (!(step > 0)) return (time) => (time < duration ? 0 : 1);
  // Between snapshots the points move in straight lines at constant speed (that is how they
  // are interpolated), so their RMS speed at a time is the speed of the snapshot interval
  // showing then, times how fast the timeline runs through epochs there.
  const perEpoch = intervalSpeeds(run, layer);
  const epochs = run.snapshots.map((snapshot) => snapshot.epoch);
  const speeds = new Float64Array(samples);
  let k = 0;
  for (let i = 0; i < samples; i++) {
    const t0 = from + i * step;
    const e0 = clock(t0).epoch;
    const e1 = clock(t0 + step).epoch;
    const mid = (e0 + e1) / 2;
    // The interval holding `mid`, found from the last one (a clock mostly runs forward).
    while (k > 0 && (epochs[k] as number) > mid) k--;
    while (k + 2 < epochs.length && (epochs[k + 1] as number) <= mid) k++;
    speeds[i] = (Math.abs(e1 - e0) / step) * (perEpoch[k] ?? 0);
  }
  // Smoothed over about half a second, so the camera does not twitch at every snapshot.
  const smooth = boxBlur(boxBlur(speeds, Math.round(0.25 / step)), Math.round(0.25 / step));
  const top = smooth.reduce((most, v) => Math.max(most, v), 0) || 1;
  const travelled = new Float64Array(samples + 1);
  // Starts and stops over about a second, like an operator's hand on the camera.
  const ramp = Math.min(1, (duration - from) / 4);
  for (let i = 0; i < samples; i++) {
    const t = (i + 0.5) * step;
    const ease = smoothstep(0, ramp, t) * smoothstep(0, ramp, duration - from - t);
    travelled[i + 1] = (travelled[i] as number) + ease / (1 + (damping * (smooth[i] as number)) / top);
  }
  const total = travelled[samples] as number;
  return (time) => {
    const x = (time - from) / step;
    if (x <= 0) return 0;
    if (x >= samples) return 1;
    const i = Math.floor(x);
    return lerp(travelled[i] as number, travelled[i + 1] as number, x - i) / total;
  };
}

/** The RMS distance the points of `layer` move per epoch between each snapshot and the next. */
function intervalSpeeds(run: Run, layer: number): Float64Array {
  const snaps = run.snapshots;
  const speeds = new Float64Array(Math.max(0, snaps.length - 1));
  for (let k = 0; k + 1 < snaps.length; k++) {
    const a = rowsOf((snaps[k] as Snapshot).activations, String(layer));
    const b = rowsOf((snaps[k + 1] as Snapshot).activations, String(layer));
    let sum = 0;
    if (a && b)
      for (let i = 0; i < a.values.length; i++) sum += ((b.values[i] as number) - (a.values[i] as number)) ** 2;
    const span = (snaps[k + 1]?.epoch ?? 0) - (snaps[k]?.epoch ?? 0);
    speeds[k] = span > 0 ? Math.sqrt(sum / Math.max(1, a?.rows ?? 0)) / span : 0;
  }
  return speeds;
}

/** Moving average over 2r + 1 samples, shorter at the ends. */
function boxBlur(values: Float64Array, r: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - r); j <= Math.min(values.length - 1, i + r); j++) {
      sum += values[j] as number;
      n++;
    }
    out[i] = sum / n;
  }
  return out;
}

/**
 * The run around `epoch`: the mean of `stateAt` weighted by a tent 1 there and 0 at `window`
 * epochs either side (its width at half height is `window`), narrowed near the first and last
 * snapshots so it stays centred and those show exactly. Snapshots a
 * few mini-batches apart differ by SGD noise as well as by learning; a clip that passes one or
 * more of them per frame shows that noise as single-frame twitches of the plane and points.
 * Averaging over about an epoch keeps the learning and drops the flicker. Exact: between
 * snapshots the state is linear (`windowOf`).
 */
export function stateAround(run: Run, epoch: number, options: { layer?: number; window?: number } = {}): RunState {
  const { layer, window = 1 } = options;
  const samples = windowOf(run, epoch, window);
  if (samples.length === 1) return stateAt(run, epoch, layer);
  // Each sample lies on the straight line between two snapshots, so the mean is a weighted sum
  // of snapshots: add each snapshot in once, with its share of every sample near it.
  const snaps = run.snapshots;
  const shares = new Map<number, number>();
  const add = (i: number, share: number) => {
    if (share !== 0) shares.set(i, (shares.get(i) ?? 0) + share);
  };
  for (const { at, weight } of samples) {
    const [i, j, t] = bracketIndex(snaps, at);
    add(i, weight * (1 - t));
    add(j, weight * t);
  }
  const mean = stateAt(run, epoch, layer);
  mean.loss = 0;
  mean.accuracy = 0;
  mean.activations.fill(0);
  for (const w of mean.weights) for (const row of w) row.fill(0);
  for (const b of mean.biases) b.fill(0);
  for (const [i, share] of shares) {
    const snapshot = snaps[i] as Snapshot;
    mean.loss += share * snapshot.loss;
    mean.accuracy += share * snapshot.accuracy;
    if (layer !== undefined) {
      const acts = activationsOf(snapshot, layer).values;
      const out = mean.activations;
      for (let i = 0; i < acts.length; i++) out[i] = (out[i] as number) + share * (acts[i] as number);
    }
    snapshot.weights.forEach((w, l) => {
      const target = mean.weights[l] as number[][];
      w.forEach((row, r) => {
        const out = target[r] as number[];
        for (let c = 0; c < row.length; c++) out[c] = (out[c] as number) + share * (row[c] as number);
      });
    });
    snapshot.biases.forEach((b, l) => {
      const out = mean.biases[l] as number[];
      for (let r = 0; r < b.length; r++) out[r] = (out[r] as number) + share * (b[r] as number);
    });
  }
  return mean;
}

export interface CloudCameraOptions extends PaceOptions {
  /** The views at the start and end of the orbit (degrees); it turns the short way round. */
  start: { azimuth: number; elevation: number };
  end: { azimuth: number; elevation: number };
  /** The panel's box (`drawPanel3d`'s `box`), so the camera frames the same box. Default [0, 1]³. */
  box?: Box3d;
  /** Epochs the cloud's framing is averaged over, as for `stateAround`. Default 0. */
  window?: number;
  /** How close the camera comes to a small cloud (`framingAt`). Default 1.5. */
  maxZoom?: number;
  /** Distance from the target in box units. Default 5. */
  distance?: number;
  /** Where the cloud is at each snapshot, when the points drawn are not the layer's own (a projection's `framings`). */
  framings?: CloudFraming[];
}

/**
 * The camera of a clip about one layer's cloud, as a view for `drawPanel3d` at each time: it
 * orbits from `start` to `end` at a calm pace (`calmPace`: turning while the points rest) and
 * comes closer while the cloud is small (`framingAt`).
 */
export function cloudCamera(options: CloudCameraOptions): (time: number) => View3d {
  const { run, clock, layer, start, end, window = 0, maxZoom, distance = 5 } = options;
  const pace = calmPace(options);
  const framings = options.framings ?? cloudFramings(run, layer, options.box);
  const turn = ((((end.azimuth - start.azimuth) % 360) + 540) % 360) - 180;
  return (time) => {
    const orbit = pace(time);
    const { target, zoom } = framingAt(run, framings, clock(time).epoch, { window, maxZoom });
    return {
      azimuth: start.azimuth + orbit * turn,
      elevation: lerp(start.elevation, end.elevation, orbit),
      target,
      zoom,
      distance,
    };
  };
}

/**
 * The camera of a clip about a layer of three units and the output unit's plane: it starts
 * facing the untrained cloud (a flat patch, the input plane's image, seen across its best-fit
 * plane at 70°), turns about 60° at the data's pace (`cloudCamera`), and ends looking across the
 * final plane at `tilt` degrees (a grazing 14° shows its two sides most clearly; more shows more
 * of what lies on it).
 */
export function acrossPlaneCamera(
  options: Omit<CloudCameraOptions, "start" | "end"> & { tilt?: number },
): (time: number) => View3d {
  const { run, layer } = options;
  const first = run.snapshots[0]?.activations[String(layer)] ?? [];
  const start = viewAcrossPlane(bestFitNormal(first), { tilt: 70, elevations: [12, 40] });
  const last = run.snapshots.at(-1);
  const normal: Vec3 = last ? outputPlane(last).normal : [0, 0, 1];
  const prefer = { azimuth: start.azimuth + 60, elevation: 20 };
  const end = viewAcrossPlane(normal, { tilt: options.tilt ?? 14, elevations: [12, 30], prefer });
  return cloudCamera({ ...options, start, end });
}
