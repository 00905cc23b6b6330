import type { CanvasRenderingContext2D } from "canvas";
import type { OrbitCamera } from "./camera.ts";
import { font } from "./fonts.ts";
import { type Rect, type Vec3, vec3 } from "./geometry.ts";
import { formatNumber } from "./numbers.ts";
import { tracePolygon3d } from "./plane3d.ts";
import { smoothstep } from "./smoothstep.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import type { Theme } from "./theme.ts";

export interface AxesBoxOptions {
  theme: Theme;
  /** 1 at 720p; every size scales with it. */
  unit: number;
  /** Data range of each axis, mapped onto the unit box. Default [0, 1] for all three. */
  ranges?: [[number, number], [number, number], [number, number]];
  /** Tick positions as fractions of the box (default 0, 0.2, ..., 1). */
  ticks?: number[];
  /** Axis names, e.g. ["h₁", "h₂", "h₃"]. */
  axisLabels?: [string, string, string];
  /** Opacity of the whole box, for fading it in. */
  opacity?: number;
  /**
   * Where labels may go (default: the canvas). A tick number or axis name that would not fit
   * wholly inside is left out rather than cut in half by a clip or the canvas edge.
   */
  bounds?: Rect;
  /**
   * The opacity of each label of `axisLabels` from this camera, in its order, in place of its
   * `shown` (1 or 0): `drawPanel3d` passes them to fade labels in time as the camera moves.
   */
  labelOpacity?: ArrayLike<number>;
}

const DEFAULT_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** How far the camera lies towards the box's high side on axis `a` (the sign says which side). */
function towards(camera: OrbitCamera, a: number): number {
  return camera.perspective ? (camera.position[a] as number) - 0.5 : -(camera.forward[a] as number);
}

/** For each axis, which side of the unit box (0 or 1) faces the camera. */
function cameraSides(camera: OrbitCamera): [number, number, number] {
  const side = (a: number): number => (towards(camera, a) > 0 ? 1 : 0);
  return [side(0), side(1), side(2)];
}

/**
 * How far, as the sine of an azimuth angle, the camera is from the vertical plane through the
 * box's middle across horizontal axis `b`, where the box's front side on that axis switches.
 */
function crossing(camera: OrbitCamera, b: 0 | 1): number {
  const x = towards(camera, 0);
  const y = towards(camera, 1);
  return Math.abs(b === 0 ? x : y) / (Math.hypot(x, y) || 1);
}

function point(a: number, va: number, b: number, vb: number, c: number, vc: number): Vec3 {
  const p = [0, 0, 0];
  p[a] = va;
  p[b] = vb;
  p[c] = vc;
  return vec3(p);
}

function line(ctx: CanvasRenderingContext2D, camera: OrbitCamera, from: Vec3, to: Vec3): void {
  const p = camera.project(from);
  const q = camera.project(to);
  ctx.moveTo(p.x, p.y);
  ctx.lineTo(q.x, q.y);
}

/**
 * The back of an mplot3d-style axes box: the three panes facing away from the camera, their
 * grid lines and edges, and tick labels and axis names on the outer edges. Draw the data
 * after this, then `drawAxesBoxFront`.
 */
export function drawAxesBoxBack(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: AxesBoxOptions): void {
  const { theme, unit } = options;
  const ticks = options.ticks ?? DEFAULT_TICKS;
  const front = cameraSides(camera);
  const back = front.map((s) => 1 - s);
  ctx.save();
  ctx.globalAlpha = options.opacity ?? 1;
  ctx.lineJoin = "round";

  for (const [a, va] of insidePanes(camera, back)) {
    const b = (a + 1) % 3;
    const c = (a + 2) % 3;
    const corners = [
      point(a, va, b, 0, c, 0),
      point(a, va, b, 1, c, 0),
      point(a, va, b, 1, c, 1),
      point(a, va, b, 0, c, 1),
    ];
    tracePolygon3d(ctx, camera, corners);
    ctx.fillStyle = theme.pane;
    ctx.fill();

    ctx.beginPath();
    for (const t of ticks) {
      if (t === 0 || t === 1) continue;
      line(ctx, camera, point(a, va, b, t, c, 0), point(a, va, b, t, c, 1));
      line(ctx, camera, point(a, va, b, 0, c, t), point(a, va, b, 1, c, t));
    }
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1 * unit;
    ctx.stroke();

    ctx.beginPath();
    for (const corner of [0, 1, 2, 3]) {
      line(ctx, camera, corners[corner] as Vec3, corners[(corner + 1) % 4] as Vec3);
    }
    ctx.strokeStyle = theme.edge;
    ctx.lineWidth = 1.2 * unit;
    ctx.stroke();
  }
  drawTicks(ctx, camera, options);
  ctx.restore();
}

/**
 * The panes whose inside faces the camera, as [axis, side]. Through a perspective camera whose
 * position lies between a box's two faces on an axis (above the box, say) both faces show their
 * inside, like the walls of a corridor, and both are drawn; drawing only the one on the far
 * side of the middle made a pane vanish in one frame as the camera crossed it.
 */
function insidePanes(camera: OrbitCamera, back: number[]): [number, number][] {
  const panes: [number, number][] = [];
  for (let a = 0; a < 3; a++) {
    const p = camera.position[a] as number;
    if (camera.perspective && p > 0 && p < 1) panes.push([a, 0], [a, 1]);
    else panes.push([a, back[a] as number]);
  }
  return panes;
}

/**
 * The three edges that meet at the corner nearest the camera, drawn over the data, in the
 * same line as the back edges: as the camera turns past a corner an edge passes from front
 * to back, and it must not change its look in that one frame.
 */
export function drawAxesBoxFront(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: AxesBoxOptions): void {
  const corner = cameraSides(camera);
  ctx.save();
  ctx.globalAlpha = options.opacity ?? 1;
  ctx.beginPath();
  for (let a = 0; a < 3; a++) {
    const other: [number, number, number] = [...corner];
    other[a] = 1 - (other[a] as number);
    line(ctx, camera, corner, other);
  }
  ctx.strokeStyle = options.theme.edge;
  ctx.lineWidth = 1.2 * options.unit;
  ctx.lineJoin = "round";
  ctx.stroke();
  ctx.restore();
}

/** One tick mark, tick number or axis name of the box, where `drawAxesBoxBack` puts it. */
export interface AxisLabel {
  kind: "mark" | "tick" | "name";
  axis: 0 | 1 | 2;
  /** The text of a number or name ("" for a mark). */
  text: string;
  /** Centre of the text, or for a mark its outer end; canvas pixels. */
  x: number;
  y: number;
  /** The point on the box edge it belongs to. */
  from: { x: number; y: number };
  /** Size of the text's box (0 for a mark). */
  width: number;
  height: number;
  /**
   * 0 to 1: the room a panel's fit keeps for it. The marks and numbers of a horizontal axis
   * switch sides of the box where the camera crosses the box's middle along the other
   * horizontal axis; their room shrinks to nothing within a few degrees of that, so the fit
   * changes smoothly there. A name's is always 1.
   */
  room: number;
  /** Whether it is drawn from this camera (`axisLabels` says which are). */
  shown: boolean;
  /**
   * The label belongs to an edge the axis is not labelled on from this camera, but may be from
   * another: every candidate edge keeps its own labels, in a fixed order, so that a panel
   * fading labels along a camera path cross-fades them from edge to edge instead of moving
   * them in one frame. Never shown; a fit leaves it out.
   */
  alternative?: boolean;
}

type Box = { x0: number; y0: number; x1: number; y1: number };

const boxOf = (label: AxisLabel, pad: number): Box => ({
  x0: label.x - label.width / 2 - pad,
  y0: label.y - label.height / 2 - pad,
  x1: label.x + label.width / 2 + pad,
  y1: label.y + label.height / 2 + pad,
});

const meet = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Where the box's tick marks, numbers and axis names go from this camera, and which of them
 * show. Each axis is labelled on a box edge on the outline of the box: x and y on the front
 * edges of the floor, z on the left vertical edge. Labels sit a fixed number of pixels out
 * from their edge, so their offsets do not grow with the camera's scale.
 *
 * A label shows fully or not at all, so that a still camera shows no half-faded ghosts
 * (`drawPanel3d` fades them in time as the camera moves):
 * - a horizontal axis seen nearly end on, where its labels are about to switch sides of the
 *   box, shows none;
 * - the axes are placed longest on screen first (the most legible); an axis whose numbers
 *   would run on in the column of an axis already placed (two or more in it) reads as that
 *   axis continued, and shows none; nor does one whose name meets a placed label;
 * - a single number that meets one already placed (at a corner two axes share) is left out,
 *   as a reader takes the shared value from the other axis.
 */
export function axisLabels(
  camera: OrbitCamera,
  options: Pick<AxesBoxOptions, "unit" | "ranges" | "ticks" | "axisLabels">,
): readonly AxisLabel[] {
  // Memoised for the last camera asked about (cameras never change): a 3-D panel asks for its
  // camera's labels to fade them and then to draw them. The labels depend on the camera and the
  // key alone. Kept for every camera of the last few seconds, a frame's ~80 label objects
  // outlived the scene process's young collections, to wait for a full one.
  const key = labelsKey(options);
  if (lastLabels?.camera === camera && lastLabels.key === key) return lastLabels.labels;
  const labels = placeAxisLabels(camera, options, true);
  lastLabels = { camera, key, labels };
  return labels;
}

let lastLabels: { camera: OrbitCamera; key: string; labels: readonly AxisLabel[] } | null = null;

/**
 * Which of `axisLabels` show from this camera (1) or not (0), in its order: all that a 3-D
 * panel's fade needs of the cameras it samples around a frame's time. Memoised by camera as
 * flags alone, not labels: a sampled camera stays in the fade's window for a few seconds of
 * frames, and its ~80 label objects, kept that long, outlived the scene process's young
 * collections and were its largest share of old garbage (~6 of 17 MB over 180 hidden.ts
 * frames); flags are one small array a camera.
 */
export function shownAxisLabels(
  camera: OrbitCamera,
  options: Pick<AxesBoxOptions, "unit" | "ranges" | "ticks" | "axisLabels">,
  key: string = labelsKey(options),
): Uint8Array {
  const known = shownOf.get(camera);
  if (known?.key === key) return known.shown;
  const shown = Uint8Array.from(placeAxisLabels(camera, options, true), (label) => (label.shown ? 1 : 0));
  shownOf.set(camera, { key, shown });
  return shown;
}

const shownOf = new WeakMap<OrbitCamera, { key: string; shown: Uint8Array }>();

/** What a camera's labels depend on besides the camera, as a memo key. */
export function labelsKey(options: Pick<AxesBoxOptions, "unit" | "ranges" | "ticks" | "axisLabels">): string {
  const { unit, ranges, ticks, axisLabels: names } = options;
  return JSON.stringify([unit, ranges, ticks, names]);
}

/**
 * `axisLabels`, with `shown` worked out; or, for a fit (`choose` false), which needs only the
 * places of the labels an axis can show from this camera, without the alternatives and with
 * `shown` left false.
 */
export function placeAxisLabels(
  camera: OrbitCamera,
  options: Pick<AxesBoxOptions, "unit" | "ranges" | "ticks" | "axisLabels">,
  choose: boolean,
): AxisLabel[] {
  const { unit } = options;
  const ranges = options.ranges ?? [
    [0, 1],
    [0, 1],
    [0, 1],
  ];
  const names = options.axisLabels ?? ["h₁", "h₂", "h₃"];
  const { edges, candidates } = labelEdges(camera);
  const labels: AxisLabel[] = [];
  for (const a of [0, 1, 2] as const) {
    const room = a === 2 ? 1 : smoothstep(0.03, 0.12, crossing(camera, a === 0 ? 1 : 0));
    for (const candidate of candidates[a] ?? []) {
      if (!choose && !candidate.chosen) continue;
      const edge = { axis: a, ...candidate, range: ranges[a] as [number, number], name: names[a] as string, room };
      labels.push(...edgeLabels(camera, edge, options.ticks ?? DEFAULT_TICKS, unit));
    }
  }
  if (choose) chooseShown(labels, camera, edges, unit);
  return labels;
}

/**
 * The edge each axis is labelled on (fixed coordinates of the two other axes, on the sides the
 * camera sees), and every edge an axis could be labelled on, in a fixed order, the chosen one
 * among them.
 */
function labelEdges(camera: OrbitCamera): {
  edges: Record<number, (t: number) => Vec3>;
  candidates: Record<number, { at: (t: number) => Vec3; chosen: boolean }[]>;
} {
  const front = cameraSides(camera);
  const back = front.map((s) => 1 - s);
  const sideA: Vec3 = [back[0] as number, front[1] as number, 0];
  const sideB: Vec3 = [front[0] as number, back[1] as number, 0];
  const zEdge = camera.project(sideA).x < camera.project(sideB).x ? sideA : sideB;
  const edges: Record<number, (t: number) => Vec3> = {
    0: (t) => [t, front[1] as number, back[2] as number],
    1: (t) => [front[0] as number, t, back[2] as number],
    2: (t) => [zEdge[0], zEdge[1], t],
  };
  const candidates: Record<number, { at: (t: number) => Vec3; chosen: boolean }[]> = {
    0: [0, 1].map((y) => ({ at: (t: number): Vec3 => [t, y, back[2] as number], chosen: y === front[1] })),
    1: [0, 1].map((x) => ({ at: (t: number): Vec3 => [x, t, back[2] as number], chosen: x === front[0] })),
    2: [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ].map(([x, y]) => ({
      at: (t: number): Vec3 => [x as number, y as number, t],
      chosen: x === zEdge[0] && y === zEdge[1],
    })),
  };
  return { edges, candidates };
}

/** The unit direction on screen from the box's centre out through an edge's middle `mid`. */
function outward(camera: OrbitCamera, mid: { x: number; y: number }, axis: 0 | 1 | 2): { dx: number; dy: number } {
  const centre = camera.project([0.5, 0.5, 0.5]);
  let dx = mid.x - centre.x;
  let dy = mid.y - centre.y;
  if (axis === 2) {
    // The vertical axis is labelled straight out to its side.
    dx = Math.sign(dx) || -1;
    dy = 0;
  }
  const norm = Math.hypot(dx, dy) || 1;
  return { dx: dx / norm, dy: dy / norm };
}

/** One edge's labels: a mark and a number at each tick, and the axis's name beside its middle. */
function edgeLabels(
  camera: OrbitCamera,
  edge: {
    axis: 0 | 1 | 2;
    at: (t: number) => Vec3;
    chosen: boolean;
    range: [number, number];
    name: string;
    room: number;
  },
  ticks: readonly number[],
  unit: number,
): AxisLabel[] {
  const { axis: a, at, room } = edge;
  const [lo, hi] = edge.range;
  const tickFont = font(16 * unit);
  const nameFont = font(19 * unit, "normal", "italic");
  const mid = camera.project(at(0.5));
  const { dx, dy } = outward(camera, mid, a);
  const labels: AxisLabel[] = [];
  // Every label of the same shape, written out (spreading the parts made the labels of a 3-D
  // panel a fifth of a hidden.ts frame's drawing time).
  const add = (label: Pick<AxisLabel, "kind" | "text" | "x" | "y" | "from" | "width" | "height" | "room">) => {
    const { kind, text, x, y, from, width, height, room } = label;
    labels.push({ kind, text, x, y, from, width, height, room, axis: a, shown: false, alternative: !edge.chosen });
  };
  const numbers = tickNumbers(lo, hi, ticks, tickFont);
  let widest = 0;
  ticks.forEach((t, k) => {
    const p = camera.project(at(t));
    const from = { x: p.x, y: p.y };
    add({ kind: "mark", text: "", x: p.x + dx * 6 * unit, y: p.y + dy * 6 * unit, from, width: 0, height: 0, room });
    const { text, width: w } = numbers[k] as { text: string; width: number };
    widest = Math.max(widest, w);
    const away = 12 * unit + Math.abs(dx) * (w / 2) + Math.abs(dy) * 8 * unit;
    add({
      kind: "tick",
      text,
      x: p.x + dx * away,
      y: p.y + dy * away,
      from,
      width: w + 4 * unit,
      height: 17 * unit,
      room,
    });
  });
  const away = 20 * unit + Math.abs(dx) * (widest + 16 * unit) + Math.abs(dy) * 30 * unit;
  add({
    kind: "name",
    text: edge.name,
    x: mid.x + dx * away,
    y: mid.y + dy * away,
    from: { x: mid.x, y: mid.y },
    // An italic name's ink leans out past its advance width.
    width: measureTextCached(edge.name, nameFont) + 4 * unit,
    height: 22 * unit,
    // A name keeps its room where its axis's numbers give theirs up: every axis is named.
    room: 1,
  });
  return labels;
}

/**
 * An axis's tick numbers as text, with their widths in `font`: the same for every edge and
 * every frame, so worked out once for each range, ticks and font.
 */
function tickNumbers(
  lo: number,
  hi: number,
  ticks: readonly number[],
  font: string,
): { text: string; width: number }[] {
  const key = `${lo}|${hi}|${ticks.join()}|${font}`;
  let numbers = tickTexts.get(key);
  if (!numbers) {
    numbers = ticks.map((t) => {
      const text = formatNumber(lo + t * (hi - lo), 1);
      return { text, width: measureTextCached(text, font) };
    });
    if (tickTexts.size >= 100) tickTexts.clear();
    tickTexts.set(key, numbers);
  }
  return numbers;
}

const tickTexts = new Map<string, { text: string; width: number }[]>();

/** Sets `shown` on the labels, by the rules `axisLabels` gives. */
function chooseShown(
  labels: AxisLabel[],
  camera: OrbitCamera,
  edges: Record<number, (t: number) => Vec3>,
  unit: number,
): void {
  const span = (a: number) => {
    const at = edges[a] as (t: number) => Vec3;
    const p = camera.project(at(0));
    const q = camera.project(at(1));
    return { length: Math.hypot(q.x - p.x, q.y - p.y), steep: Math.abs(q.y - p.y) > Math.abs(q.x - p.x) };
  };
  const spans = [span(0), span(1), span(2)];
  const of = (a: number, kind: AxisLabel["kind"]) =>
    labels.filter((label) => label.axis === a && label.kind === kind && !label.alternative);
  // Which axes show their numbers: the longest on screen first.
  const axes = ([0, 1, 2] as const)
    .filter((a) => labels.find((label) => label.axis === a)?.room === 1)
    .sort((a, b) => (spans[b]?.length ?? 0) - (spans[a]?.length ?? 0) || a - b);
  const taken: Box[] = [];
  const columns: { x0: number; x1: number }[] = [];
  const accepted: number[] = [];
  for (const a of axes) {
    const numbers = of(a, "tick").map((label) => boxOf(label, 0));
    const name = of(a, "name").map((label) => boxOf(label, 0));
    const inColumn = (c: { x0: number; x1: number }) => numbers.filter((box) => box.x0 < c.x1 && c.x0 < box.x1).length;
    if (columns.some((c) => inColumn(c) >= 2)) continue;
    if (name.some((box) => taken.some((other) => meet(box, other)))) continue;
    accepted.push(a);
    taken.push(...numbers, ...name);
    if (spans[a]?.steep) {
      columns.push({ x0: Math.min(...numbers.map((b) => b.x0)), x1: Math.max(...numbers.map((b) => b.x1)) });
    }
  }
  // Which of their labels show: the names of every axis (so no axis goes unnamed, even one
  // seen end on, whose numbers are left out), then the numbers in a fixed order of axes (so
  // the number kept at a shared corner does not change as the camera turns), each clear of
  // those placed before it; text of different axes keeps a small gap, so two numbers never
  // read as one.
  const gap = 1.5 * unit;
  const placed: { box: Box; axis: number }[] = [];
  const place = (label: AxisLabel) => {
    const clear = placed.every(({ box }) => !meet(boxOf(label, gap), box));
    if (clear) {
      label.shown = true;
      placed.push({ box: boxOf(label, 0), axis: label.axis });
    }
  };
  for (const a of [2, 0, 1]) if (accepted.includes(a)) for (const name of of(a, "name")) place(name);
  for (const a of [2, 0, 1]) if (!accepted.includes(a)) for (const name of of(a, "name")) place(name);
  for (const a of [2, 0, 1]) {
    if (!accepted.includes(a)) continue;
    for (const mark of of(a, "mark")) mark.shown = true;
    for (const number of of(a, "tick")) place(number);
  }
}

/**
 * Tick marks, numbers and axis names, as `axisLabels` places them: those it shows, at
 * `labelOpacity` (one value per label of `axisLabels`, in its order) when given. A label that
 * would not fit wholly inside `bounds` is left out.
 */
function drawTicks(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: AxesBoxOptions): void {
  const { theme, unit } = options;
  const bounds = options.bounds ?? { x: 0, y: 0, width: ctx.canvas.width, height: ctx.canvas.height };
  const inside = (label: AxisLabel): boolean =>
    label.x - label.width / 2 >= bounds.x &&
    label.y - label.height / 2 >= bounds.y &&
    label.x + label.width / 2 <= bounds.x + bounds.width &&
    label.y + label.height / 2 <= bounds.y + bounds.height;
  const labels = axisLabels(camera, options);
  const opacityOf = (k: number): number =>
    options.labelOpacity ? (options.labelOpacity[k] ?? 0) : (labels[k] as AxisLabel).shown ? 1 : 0;
  const tickFont = font(16 * unit);
  const nameFont = font(19 * unit, "normal", "italic");
  const opacity = ctx.globalAlpha;
  ctx.strokeStyle = theme.edge;
  ctx.lineWidth = 1.2 * unit;
  labels.forEach((label, k) => {
    const alpha = opacityOf(k);
    if (!(alpha > 0)) return;
    ctx.globalAlpha = opacity * alpha;
    if (label.kind === "mark") {
      ctx.beginPath();
      ctx.moveTo(label.from.x, label.from.y);
      ctx.lineTo(label.x, label.y);
      ctx.stroke();
    } else if (inside(label)) {
      fillTextCached(ctx, label.text, label.x, label.y, {
        font: label.kind === "tick" ? tickFont : nameFont,
        color: label.kind === "tick" ? theme.muted : theme.ink,
        align: "center",
        baseline: "middle",
      });
    }
  });
  ctx.globalAlpha = opacity;
}
