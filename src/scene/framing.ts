import type { Vec3 } from "../draw/geometry.ts";
import type { Run } from "../train/index.ts";
import { clamp01, lerp, smoothstep } from "./easing.ts";
import { bracket } from "./interpolate.ts";

/** Where a layer's cloud of points sits and how big it is, per snapshot. */
export interface CloudFraming {
  centre: Vec3;
  /** The largest 2nd-to-98th percentile range over the three axes. */
  extent: number;
}

export function cloudFramings(run: Run, layer: number): CloudFraming[] {
  let values = new Float64Array(0);
  return run.snapshots.map((snapshot) => {
    const points = snapshot.activations[String(layer)] ?? [];
    const n = points.length;
    if (values.length !== n) values = new Float64Array(n);
    const centre: [number, number, number] = [0, 0, 0];
    let extent = 0;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < n; j++) values[j] = (points[j] as number[])[k] as number;
      values.sort();
      const lo = values[Math.floor(0.02 * (n - 1))] ?? 0;
      const hi = values[Math.ceil(0.98 * (n - 1))] ?? 0;
      centre[k] = (lo + hi) / 2;
      extent = Math.max(extent, hi - lo);
    }
    return { centre, extent };
  });
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
  options: { maxZoom?: number; pull?: number } = {},
): { target: Vec3; zoom: number } {
  const { maxZoom = 1.5, pull = 0.8 } = options;
  const [a, b, t] = bracket(run.snapshots, epoch);
  const fa = framings[run.snapshots.indexOf(a)] as CloudFraming;
  const fb = framings[run.snapshots.indexOf(b)] as CloudFraming;
  const closeness = clamp01(1 - smoothstep(0.3, 0.75, lerp(fa.extent, fb.extent, t)));
  const towardsCloud = (k: 0 | 1 | 2) => lerp(0.5, lerp(fa.centre[k], fb.centre[k], t), pull * closeness);
  return { target: [towardsCloud(0), towardsCloud(1), towardsCloud(2)], zoom: 1 + (maxZoom - 1) * closeness };
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
    const a = (snaps[k] as Run["snapshots"][number]).activations[String(layer)] ?? [];
    const b = (snaps[k + 1] as Run["snapshots"][number]).activations[String(layer)] ?? [];
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const p = a[i] as number[];
      const q = b[i] as number[];
      for (let u = 0; u < p.length; u++) sum += ((q[u] as number) - (p[u] as number)) ** 2;
    }
    const span = (snaps[k + 1]?.epoch ?? 0) - (snaps[k]?.epoch ?? 0);
    speeds[k] = span > 0 ? Math.sqrt(sum / Math.max(1, a.length)) / span : 0;
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
