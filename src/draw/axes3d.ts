import type { CanvasRenderingContext2D } from "canvas";
import type { OrbitCamera } from "./camera.ts";
import { font } from "./fonts.ts";
import { type Rect, type Vec3, vec3 } from "./geometry.ts";
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

  for (let a = 0; a < 3; a++) {
    const b = (a + 1) % 3;
    const c = (a + 2) % 3;
    const va = back[a] as number;
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

/** The three edges that meet at the corner nearest the camera, drawn over the data. */
export function drawAxesBoxFront(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: AxesBoxOptions): void {
  const corner = cameraSides(camera);
  ctx.save();
  ctx.globalAlpha = 0.55 * (options.opacity ?? 1);
  ctx.beginPath();
  for (let a = 0; a < 3; a++) {
    const other: [number, number, number] = [...corner];
    other[a] = 1 - (other[a] as number);
    line(ctx, camera, corner, other);
  }
  ctx.strokeStyle = options.theme.edge;
  ctx.lineWidth = 1 * options.unit;
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
  /** 0 to 1: labels of a horizontal axis fade out where they switch sides of the box. */
  legible: number;
}

/**
 * Where the box's tick marks, numbers and axis names go from this camera. Each axis is
 * labelled on a box edge on the outline of the box: x and y on the front edges of the floor,
 * z on the left vertical edge. Labels sit a fixed number of pixels out from their edge, so
 * their offsets do not grow with the camera's scale.
 */
export function axisLabels(
  camera: OrbitCamera,
  options: Pick<AxesBoxOptions, "unit" | "ranges" | "ticks" | "axisLabels">,
): AxisLabel[] {
  const { unit } = options;
  const ticks = options.ticks ?? DEFAULT_TICKS;
  const front = cameraSides(camera);
  const back = front.map((s) => 1 - s);
  const ranges = options.ranges ?? [
    [0, 1],
    [0, 1],
    [0, 1],
  ];
  const names = options.axisLabels ?? ["h₁", "h₂", "h₃"];
  const centre = camera.project([0.5, 0.5, 0.5]);
  // The edge each axis is labelled on: fixed coordinates of the two other axes.
  const sideA: Vec3 = [back[0] as number, front[1] as number, 0];
  const sideB: Vec3 = [front[0] as number, back[1] as number, 0];
  const zEdge = camera.project(sideA).x < camera.project(sideB).x ? sideA : sideB;
  const edges: Record<number, (t: number) => Vec3> = {
    0: (t) => [t, front[1] as number, back[2] as number],
    1: (t) => [front[0] as number, t, back[2] as number],
    2: (t) => [zEdge[0], zEdge[1], t],
  };
  const tickFont = font(16 * unit);
  const nameFont = font(19 * unit, "normal", "italic");
  const labels: AxisLabel[] = [];
  for (const a of [0, 1, 2] as const) {
    const at = edges[a] as (t: number) => Vec3;
    const mid = camera.project(at(0.5));
    let dx = mid.x - centre.x;
    let dy = mid.y - centre.y;
    if (a === 2) {
      // The vertical axis is labelled straight out to its side.
      dx = Math.sign(dx) || -1;
      dy = 0;
    }
    const norm = Math.hypot(dx, dy) || 1;
    dx /= norm;
    dy /= norm;
    const [lo, hi] = ranges[a] as [number, number];
    // As the camera turns, the labels of a horizontal axis jump to the box's other side where
    // the camera crosses the box's middle along the other horizontal axis: fade them out
    // within a few degrees of that crossing, so they leave and come back instead of jumping.
    const legible = a === 2 ? 1 : smoothstep(0.03, 0.12, crossing(camera, a === 0 ? 1 : 0));
    let widest = 0;
    for (const t of ticks) {
      const p = camera.project(at(t));
      const from = { x: p.x, y: p.y };
      labels.push({
        kind: "mark",
        axis: a,
        text: "",
        x: p.x + dx * 6 * unit,
        y: p.y + dy * 6 * unit,
        from,
        width: 0,
        height: 0,
        legible,
      });
      const text = (lo + t * (hi - lo)).toFixed(1);
      const w = measureTextCached(text, tickFont);
      widest = Math.max(widest, w);
      const away = 12 * unit + Math.abs(dx) * (w / 2) + Math.abs(dy) * 8 * unit;
      labels.push({
        kind: "tick",
        axis: a,
        text,
        x: p.x + dx * away,
        y: p.y + dy * away,
        from,
        width: w + 4 * unit,
        height: 17 * unit,
        legible,
      });
    }
    const away = 20 * unit + Math.abs(dx) * (widest + 16 * unit) + Math.abs(dy) * 30 * unit;
    const text = names[a] as string;
    labels.push({
      kind: "name",
      axis: a,
      text,
      x: mid.x + dx * away,
      y: mid.y + dy * away,
      from: { x: mid.x, y: mid.y },
      width: measureTextCached(text, nameFont),
      height: 22 * unit,
      legible,
    });
  }
  return labels;
}

/**
 * Tick marks, numbers and axis names, as `axisLabels` places them. Labels of different axes
 * meet at shared corners; a label that would overlap one already drawn is left out, as a
 * reader takes the shared value from the other axis.
 */
function drawTicks(ctx: CanvasRenderingContext2D, camera: OrbitCamera, options: AxesBoxOptions): void {
  const { theme, unit } = options;
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const bounds = options.bounds ?? { x: 0, y: 0, width: ctx.canvas.width, height: ctx.canvas.height };
  const inside = (x: number, y: number, w: number, h: number): boolean =>
    x - w / 2 >= bounds.x &&
    y - h / 2 >= bounds.y &&
    x + w / 2 <= bounds.x + bounds.width &&
    y + h / 2 <= bounds.y + bounds.height;
  const fits = (x: number, y: number, w: number, h: number): boolean => {
    if (!inside(x, y, w, h)) return false;
    const box = { x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 };
    if (placed.some((p) => box.x0 < p.x1 && p.x0 < box.x1 && box.y0 < p.y1 && p.y0 < box.y1)) return false;
    placed.push(box);
    return true;
  };
  const labels = axisLabels(camera, options);
  const tickFont = font(16 * unit);
  const nameFont = font(19 * unit, "normal", "italic");
  const opacity = ctx.globalAlpha;
  for (const a of [0, 1, 2] as const) {
    const mine = labels.filter((label) => label.axis === a);
    const legible = mine[0]?.legible ?? 0;
    ctx.globalAlpha = opacity * legible;
    ctx.beginPath();
    for (const mark of mine.filter((label) => label.kind === "mark")) {
      ctx.moveTo(mark.from.x, mark.from.y);
      ctx.lineTo(mark.x, mark.y);
    }
    ctx.strokeStyle = theme.edge;
    ctx.lineWidth = 1.2 * unit;
    ctx.stroke();
    if (legible <= 0) continue;
    for (const tick of mine.filter((label) => label.kind === "tick")) {
      if (fits(tick.x, tick.y, tick.width, tick.height)) {
        fillTextCached(ctx, tick.text, tick.x, tick.y, {
          font: tickFont,
          color: theme.muted,
          align: "center",
          baseline: "middle",
        });
      }
    }
    for (const name of mine.filter((label) => label.kind === "name")) {
      if (inside(name.x, name.y, name.width, name.height)) {
        fillTextCached(ctx, name.text, name.x, name.y, {
          font: nameFont,
          color: theme.ink,
          align: "center",
          baseline: "middle",
        });
      }
    }
  }
  ctx.globalAlpha = opacity;
}
