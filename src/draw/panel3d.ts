import { type AxesBoxOptions, axisLabels, labelsKey, placeAxisLabels, shownAxisLabels } from "./axes3d.ts";
import { OrbitCamera } from "./camera.ts";
import type { Rect, Vec3 } from "./geometry.ts";
import { BOX_CORNERS } from "./geometry.ts";
import type { Paint } from "./paint.ts";
import { smoothstep } from "./smoothstep.ts";
import { type Curves3d, drawSpace3d, type Regions3d, type Space3dOptions } from "./space3d.ts";

/** Where a 3-D panel looks from; the panel finds the scale and placement. */
export interface View3d {
  /** Degrees around the vertical axis, like matplotlib's azim. */
  azimuth: number;
  /** Degrees above the horizontal plane, like matplotlib's elev. */
  elevation: number;
  /** The point looked at, kept as near the panel's centre as the box allows. Default the box's centre. */
  target?: Vec3;
  /**
   * Magnification over the panel's fit: 1 shows the whole box with its labels from every
   * azimuth at this elevation at one scale. More comes closer, but never so close that the
   * box or a label leaves the panel from this view.
   */
  zoom?: number;
  /** Distance from the target in box units (perspective only). Default 4. */
  distance?: number;
  projection?: "perspective" | "orthographic";
}

/** A 3-D panel's box in its points' own units: [low, high] on each axis. */
export type Box3d = readonly [readonly [number, number], readonly [number, number], readonly [number, number]];

/** The unit box, the default: a sigmoid layer's range. */
export const UNIT_BOX: Box3d = [
  [0, 1],
  [0, 1],
  [0, 1],
];

/** Points a 3-D panel cannot show as given: outside its box, or not one label per point. */
export class PanelDataError extends Error {
  override name = "PanelDataError";
}

export interface Panel3dOptions extends Omit<Space3dOptions, "theme" | "unit" | "bounds" | "labelOpacity"> {
  /**
   * The box shown, in the points' and the plane's own units (a tanh layer's [−1, 1], a ReLU
   * layer's [0, top], a projection's range): the ticks count in those units. Choose it once
   * for the whole run (`panelBox(run, layer)`), so it does not breathe. Points outside a box
   * given here are left out (clipped); without one the box is [0, 1]³, and a point outside it
   * is an error, said in one line: nothing is ever drawn outside the panel.
   */
  box?: Box3d;
  /**
   * Where the camera looks from; or its path, a view for each time, with `time` the frame's
   * time. Tick numbers and axis names show fully or not at all from a still camera; along a
   * path, those that appear or disappear as the camera moves fade in or out (`LABEL_FADE`).
   */
  view: View3d | ((time: number) => View3d);
  /** The frame's time in seconds, when `view` is a path. */
  time?: number;
}

/**
 * Seconds of camera motion a label's fade is taken over: it fades in or out over about half of
 * this, as a moving camera shows or hides it.
 */
export const LABEL_FADE = 0.6;
/** The spacing of the moments `fadedLabels` samples the camera at (8 to each half of the fade). */
const FADE_STEP = LABEL_FADE / 16;
/** How far from a frame's time a sample still counts (its weight falls to 0 there). */
const FADE_REACH = LABEL_FADE / 2 + FADE_STEP;

/** A 3-D panel too small to hold its own tick numbers and axis names. */
export class PanelSizeError extends Error {
  override name = "PanelSizeError";
}

type FitOptions = Pick<AxesBoxOptions, "ranges" | "ticks" | "axisLabels"> & { view: View3d; radius?: number };

/** Azimuths the zoom-1 fit is taken over, so the box keeps one scale as the camera orbits. */
const FIT_AZIMUTHS = Array.from({ length: 24 }, (_, k) => -180 + 15 * k);

/**
 * A 3-D scatter in an axes box (`drawSpace3d`: panes, points, the plane, front edges) that
 * keeps the box, its tick numbers and axis names inside `rect` from every view and at every
 * zoom. Returns the camera it drew with.
 */
export function drawPanel3d(paint: Paint, rect: Rect, options: Panel3dOptions): OrbitCamera {
  const { view, time } = options;
  if (typeof view === "function" && time === undefined)
    throw new TypeError("drawPanel3d: a camera path as `view` needs the frame's `time`");
  const inUnitBox = inBox(options);
  const at = (t: number): View3d => (typeof view === "function" ? view(t) : view);
  const fit = fitKey(paint, rect, inUnitBox);
  const camera = panelView(paint, rect, inUnitBox, at(time ?? 0), fit);
  const labelOpacity = typeof view === "function" ? fadedLabels(paint, rect, inUnitBox, at, time ?? 0, fit) : undefined;
  const { ctx } = paint;
  ctx.save();
  // Nothing is drawn outside the panel, whatever the camera.
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.width, rect.height);
  ctx.clip();
  drawSpace3d(ctx, camera, { ...inUnitBox, theme: paint.theme, unit: paint.unit, bounds: rect, labelOpacity });
  ctx.restore();
  return camera;
}

/**
 * The panel's options with the points and the plane taken from the box's units into the unit
 * box the drawing works in, points outside a given box left out, and the ticks labelled in
 * the box's units.
 */
function inBox(options: Panel3dOptions): Panel3dOptions {
  const { points, labels } = options;
  const n = labels.length;
  if (points.length !== 3 * n) {
    throw new PanelDataError(
      `drawPanel3d: ${points.length / 3} points (${points.length} coordinates) but ${n} labels; give one label per point`,
    );
  }
  const given = options.box;
  const box = given ?? UNIT_BOX;
  for (const [a, [lo, hi]] of box.entries()) {
    if (!(hi > lo))
      throw new PanelDataError(`drawPanel3d: box axis ${a + 1} is [${lo}, ${hi}]; low must be below high`);
  }
  const kept: number[] = [];
  const unit = new Float64Array(points.length);
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let a = 0; a < 3; a++) {
      const [lo, hi] = box[a] as [number, number];
      const v = points[3 * i + a] as number;
      const u = (v - lo) / (hi - lo);
      unit[3 * i + a] = u;
      if (!(u >= -1e-9 && u <= 1 + 1e-9)) inside = false;
    }
    if (inside) kept.push(i);
    else if (!given) {
      const p = [0, 1, 2].map((a) => Number((points[3 * i + a] as number).toPrecision(3)));
      throw new PanelDataError(
        `drawPanel3d: point ${i} (${p.join(", ")}) lies outside the [0, 1]³ box the panel assumes; give box: panelBox(run, layer), the layer's own box (a tanh layer's [−1, 1]³, or a ReLU layer's range over the run)`,
      );
    }
  }
  const shown =
    kept.length === n ? unit : Float64Array.from(kept.flatMap((i) => [0, 1, 2].map((a) => unit[3 * i + a] as number)));
  const shownLabels = kept.length === n ? labels : kept.map((i) => labels[i] as number);
  const plane = options.plane && given ? planeInUnitBox(options.plane, box) : options.plane;
  const regions = options.regions && given ? regionsInUnitBox(options.regions, box) : options.regions;
  const curves = options.curves && given ? curvesInUnitBox(options.curves, box) : options.curves;
  return {
    ...options,
    points: shown,
    labels: shownLabels,
    ...(plane ? { plane } : {}),
    ...(regions ? { regions } : {}),
    ...(curves ? { curves } : {}),
    ...(given && !options.ranges
      ? { ranges: box.map(([lo, hi]) => [lo, hi]) as [[number, number], [number, number], [number, number]] }
      : {}),
    ...(given && !options.ticks ? { ticks: roundTicks(box) } : {}),
  };
}

/**
 * Tick positions (fractions of the box) at round values of its first axis: four to six steps
 * of 1, 2, 2.5 or 5 times a power of ten ([−1, 1]: every 0.5; [0, 5]: every 1).
 */
function roundTicks(box: Box3d): number[] {
  const [lo, hi] = box[0];
  const span = hi - lo;
  const round = (step: number) => {
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    return [1, 2, 2.5, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9);
  };
  const count = [5, 4, 6].find((c) => round(span / c)) ?? 5;
  return Array.from({ length: count + 1 }, (_, k) => k / count);
}

/** n·p + c = 0 in the box's units, as the same plane in the unit box: p = lo + u ∘ (hi − lo). */
function planeInUnitBox<P extends { normal: Vec3; offset: number }>(plane: P, box: Box3d): P {
  const scale = box.map(([lo, hi]) => hi - lo) as [number, number, number];
  const low = box.map(([lo]) => lo) as [number, number, number];
  const [nx, ny, nz] = plane.normal;
  return {
    ...plane,
    normal: [nx * scale[0], ny * scale[1], nz * scale[2]],
    offset: plane.offset + nx * low[0] + ny * low[1] + nz * low[2],
  };
}

/** Each region's score in the unit box, as `planeInUnitBox` does for one plane. */
function regionsInUnitBox(regions: Regions3d, box: Box3d): Regions3d {
  const scores = regions.weights.map((normal, k) =>
    planeInUnitBox({ normal, offset: regions.biases[k] as number }, box),
  );
  return { ...regions, weights: scores.map((s) => s.normal), biases: scores.map((s) => s.offset) };
}

/** Curves in the unit box; the drawing clips them to it. */
function curvesInUnitBox(curves: Curves3d, box: Box3d): Curves3d {
  const points = new Float64Array(curves.points.length);
  for (let i = 0; i < points.length; i++) {
    const [lo, hi] = box[i % 3] as [number, number];
    points[i] = ((curves.points[i] as number) - lo) / (hi - lo);
  }
  return { ...curves, points };
}

/**
 * The opacity of each label along a camera path, from its share of the `LABEL_FADE` seconds
 * around `time` in which it shows (weighted to the middle), which runs from 0 to 1 as the
 * camera brings it in. A name moving to another edge of the box cross-fades over the middle
 * half of that share, so every axis is named at every moment; tick marks and numbers show
 * only over its top quarter, so a number never meets a name that is leaving or arriving, nor
 * a number of the edge it replaces. Numbers are timed by their room now (nothing where they
 * switch sides of the box). A still camera gives exactly 1 or 0. Labels are the same list, in
 * the same order, from every camera, so they are matched by index.
 */
function fadedLabels(
  paint: Pick<Paint, "unit">,
  rect: Rect,
  options: Omit<FitOptions, "view">,
  at: (time: number) => View3d,
  time: number,
  fit: string,
): number[] {
  const shown: number[] = [];
  let total = 0;
  const labelOptions = { ...options, unit: paint.unit };
  const key = labelsKey(labelOptions);
  // The camera is sampled at fixed moments, multiples of FADE_STEP, not at steps counted from
  // this frame's time: consecutive frames then share all but one or two of their ~17 samples,
  // panelView's memo has those cameras, and shownAxisLabels which of their labels show.
  // (Sampled from each frame's own time, every frame fitted 17 new cameras: a third of a
  // hidden.ts frame's garbage.) Each sample weighs what is left of FADE_REACH at its distance
  // from `time`, so a sample enters and leaves the window at weight 0 and the opacities change
  // continuously.
  for (let k = Math.ceil((time - FADE_REACH) / FADE_STEP); k * FADE_STEP < time + FADE_REACH; k++) {
    const weight = FADE_REACH - Math.abs(k * FADE_STEP - time);
    if (!(weight > 0)) continue;
    shownAxisLabels(panelView(paint, rect, options, at(k * FADE_STEP), fit), labelOptions, key).forEach((flag, i) => {
      shown[i] = (shown[i] ?? 0) + flag * weight;
    });
    total += weight;
  }
  const now = axisLabels(panelView(paint, rect, options, at(time), fit), labelOptions);
  return now.map((label, i) => {
    const share = (shown[i] ?? 0) / total;
    // A name cross-fades over the middle of its share: its old and new places share the
    // samples, and smoothstep(¼, ¾, s) + smoothstep(¼, ¾, 1 − s) = 1, so its axis is fully
    // named at every moment. Numbers show only over the top quarter, once the name that
    // leaves their place (or arrives at it) has gone: the two never meet.
    if (label.kind === "name") return smoothstep(0.25, 0.75, share);
    return smoothstep(0.75, 1, share) * label.room;
  });
}

/** What a panel's fit depends on besides the view, as a key for `panelView`'s memo. */
function fitKey(paint: Pick<Paint, "unit">, rect: Rect, options: Omit<FitOptions, "view">): string {
  const { ranges, ticks, axisLabels, radius } = options;
  return JSON.stringify([paint.unit, rect, ranges, ticks, axisLabels, radius]);
}

/**
 * `panelCamera`, memoised: a frame asks for the camera at the ~17 moments of a fixed grid
 * around its time to fade the labels (`fadedLabels`: `shownAxisLabels` keeps, by camera,
 * which labels show; `axisLabels` keeps the last camera's labels only), and the frames after
 * it ask for all but one or two of the same views. Each camera depends on its key alone (the
 * view, exactly, and `fit`: what else the fit depends on), so frames stay pure; the oldest
 * entries go first, past a couple of hundred.
 */
function panelView(
  paint: Pick<Paint, "unit">,
  rect: Rect,
  options: Omit<FitOptions, "view">,
  view: View3d,
  fit: string,
): OrbitCamera {
  const key = `${fit}|${viewKey(view)}`;
  let camera = panelViews.get(key);
  if (!camera) {
    camera = panelCamera(paint, rect, { ...options, view });
    if (panelViews.size >= MAX_PANEL_VIEWS) panelViews.delete(panelViews.keys().next().value as string);
    panelViews.set(key, camera);
  }
  return camera;
}

/** Every field of a view the camera depends on, exactly (numbers print as themselves; -0 kept apart). */
function viewKey(view: View3d): string {
  const n = (x: number | undefined) => (Object.is(x, -0) ? "-0" : String(x));
  const { azimuth, elevation, target, zoom, distance, projection } = view;
  const at = target ? `${n(target[0])},${n(target[1])},${n(target[2])}` : "";
  return `${n(azimuth)}|${n(elevation)}|${at}|${n(zoom)}|${n(distance)}|${projection}`;
}

/**
 * Enough views for the samples of the last few seconds of frames: `fadedLabels` samples on a
 * fixed grid of moments, so a frame drawn after the one before it needs one or two new views.
 */
const MAX_PANEL_VIEWS = 200;
const panelViews = new Map<string, OrbitCamera>();

/**
 * The camera `drawPanel3d` draws with. Its scale is the fit at zoom 1 (the largest at which
 * the box and its labels fit in `rect` from every azimuth at this elevation) times the zoom,
 * capped at the largest that fits from this view; the target sits at the panel's centre,
 * moved only as far as needed to keep everything inside.
 */
export function panelCamera(paint: Pick<Paint, "unit">, rect: Rect, options: FitOptions): OrbitCamera {
  const { view } = options;
  const fitAll = fitFromEveryAzimuth(paint, rect, options);
  if (!(fitAll > 0)) {
    const size = `${Math.round(rect.width)}x${Math.round(rect.height)} px`;
    throw new PanelSizeError(
      `the 3-D panel's rectangle (${size}) is too small to hold its tick numbers and axis names: give it more room`,
    );
  }
  const list = items(paint, options, view);
  const scale = Math.min(fitAll * (view.zoom ?? 1), largestScale(paint, rect, options, view, list));
  const box = bounds(list, scale);
  const place = (lo: number, size: number, min: number, max: number) => {
    const low = lo - min;
    const high = lo + size - max;
    return low <= high ? Math.min(high, Math.max(low, lo + size / 2)) : (low + high) / 2;
  };
  return cameraFor(view, rect, scale, {
    x: place(rect.x, rect.width, box.x0, box.x1),
    y: place(rect.y, rect.height, box.y0, box.y1),
  });
}

/** Elevations the zoom-1 fit is taken at; between them it is interpolated (and remembered). */
const ELEVATION_STEP = 0.5;
const fits = new Map<string, number>();

/**
 * The largest scale at which the box and its labels fit from every azimuth at the view's
 * elevation: taken at the nearest grid elevations and interpolated, so it changes smoothly
 * and is worked out once per elevation step rather than every frame.
 */
function fitFromEveryAzimuth(paint: Pick<Paint, "unit">, rect: Rect, options: FitOptions): number {
  const { view } = options;
  const at = (elevation: number) => {
    const key = JSON.stringify([
      paint.unit,
      rect,
      options.ranges,
      options.ticks,
      options.axisLabels,
      options.radius,
      view.distance,
      view.projection,
      elevation,
    ]);
    let fit = fits.get(key);
    if (fit === undefined) {
      const still = { ...view, elevation, target: undefined };
      fit = Math.min(...FIT_AZIMUTHS.map((azimuth) => largestScale(paint, rect, options, { ...still, azimuth })));
      if (fits.size > 2000) fits.clear();
      fits.set(key, fit);
    }
    return fit;
  };
  const below = Math.floor(view.elevation / ELEVATION_STEP) * ELEVATION_STEP;
  const t = (view.elevation - below) / ELEVATION_STEP;
  return t === 0 ? at(below) : (1 - t) * at(below) + t * at(below + ELEVATION_STEP);
}

function cameraFor(view: View3d, viewport: Rect, scale: number, anchor: { x: number; y: number }): OrbitCamera {
  return new OrbitCamera({
    azimuth: view.azimuth,
    elevation: view.elevation,
    target: view.target,
    distance: view.distance,
    projection: view.projection,
    viewport,
    scale,
    anchor,
  });
}

/** An item drawn around the target, at scale s: centre + s · slope, half-size fixed. */
interface Item {
  x: number;
  y: number;
  dx: number;
  dy: number;
  halfWidth: number;
  halfHeight: number;
}

/**
 * What the box draws, relative to the target's place on the canvas. The view's pose does not
 * depend on the scale, and labels sit fixed pixel offsets out from their edges, so every
 * item moves linearly with the scale: one layout at scale 1 gives it at every scale.
 */
function items(paint: Pick<Paint, "unit">, options: FitOptions, view: View3d): Item[] {
  const camera = cameraFor(view, { x: 0, y: 0, width: 0, height: 0 }, 1, { x: 0, y: 0 });
  // Points may sit on the box's corners: leave room for the nearest, largest dots.
  const pad = (1.4 * (options.radius ?? 4) + 1.5) * paint.unit;
  const corners = BOX_CORNERS.map((corner) => {
    const p = camera.project(corner);
    return { x: 0, y: 0, dx: p.x, dy: p.y, halfWidth: pad, halfHeight: pad };
  });
  // Every label takes its room, shown or not, so the fit does not jump as labels come and go;
  // near where they switch sides of the box the room shrinks smoothly to nothing.
  const placed = placeAxisLabels(camera, { ...options, unit: paint.unit }, false);
  const labels = placed
    .filter((label) => !label.alternative)
    .map((label) => ({
      x: label.room * (label.x - label.from.x),
      y: label.room * (label.y - label.from.y),
      dx: label.from.x,
      dy: label.from.y,
      halfWidth: (label.room * label.width) / 2 + 0.6 * paint.unit,
      halfHeight: (label.room * label.height) / 2 + 0.6 * paint.unit,
    }));
  return [...corners, ...labels];
}

function bounds(list: Item[], scale: number): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const item of list) {
    const x = item.x + scale * item.dx;
    const y = item.y + scale * item.dy;
    x0 = Math.min(x0, x - item.halfWidth);
    x1 = Math.max(x1, x + item.halfWidth);
    y0 = Math.min(y0, y - item.halfHeight);
    y1 = Math.max(y1, y + item.halfHeight);
  }
  return { x0, y0, x1, y1 };
}

/** The largest scale at which the box and its labels fit in `rect` from this view. */
function largestScale(
  paint: Pick<Paint, "unit">,
  rect: Rect,
  options: FitOptions,
  view: View3d,
  list = items(paint, options, view),
): number {
  const fits = (scale: number) => {
    const b = bounds(list, scale);
    return b.x1 - b.x0 <= rect.width && b.y1 - b.y0 <= rect.height;
  };
  // The extents are convex in the scale, so the scales that fit form an interval from 0.
  let lo = 0;
  let hi = Math.max(rect.width, rect.height);
  if (!fits(lo)) return 0;
  while (fits(hi)) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
