/**
 * What a plot places among its data: labelled points, arrows and callouts, each put where it
 * covers the fewest data points and other labels (occupancy, bestBox), and kept on the data area.
 */
import type { CanvasRenderingContext2D } from "canvas";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import type { LabelledPoint, PlotArrow, PlotCallout, PlotOptions, PlotSeries, ScatterSeries } from "./plot.ts";
import { sizes } from "./plot-ticks.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { withAlpha } from "./theme.ts";

/**
 * What a mark is placed among: the data area, the data-to-pixel mapping, the data's pixels and
 * the boxes already placed (a mark's label adds its own).
 */
export interface Marks {
  plot: Rect;
  toPixel: ToPixel;
  occupied: Pt[];
  boxes: Box[];
}

export function isScatter(s: PlotSeries): s is ScatterSeries {
  return s.kind === "scatter";
}

export type Pt = { x: number; y: number } | null;

export type ToPixel = (x: number, y: number) => { x: number; y: number };

/** Whether a pixel is on the data area (a mark off it, and its label, is not drawn). */
export function onPlot(p: { x: number; y: number }, plot: Rect): boolean {
  return (
    p.x >= plot.x - 0.5 && p.x <= plot.x + plot.width + 0.5 && p.y >= plot.y - 0.5 && p.y <= plot.y + plot.height + 0.5
  );
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Points along everything drawn on the data (whole series, not only the part shown yet). */
export function occupancy(
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

export function overlapCount(box: Box, occupied: Pt[], boxes: Box[], margin: number): number {
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

export function inside(box: Box, area: Rect): boolean {
  return (
    box.x >= area.x &&
    box.y >= area.y &&
    box.x + box.width <= area.x + area.width &&
    box.y + box.height <= area.y + area.height
  );
}

/** The first of the candidate boxes that stays inside `area` and covers the least. */
export function bestBox(candidates: Box[], area: Rect, occupied: Pt[], boxes: Box[], margin: number): Box {
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

export function clampBox(box: Box, area: Rect): Box {
  return {
    ...box,
    x: Math.max(area.x, Math.min(box.x, area.x + area.width - box.width)),
    y: Math.max(area.y, Math.min(box.y, area.y + area.height - box.height)),
  };
}

/** Directions a label may take from its point, in order of preference: right, then round. */
export const LABEL_DIRECTIONS: readonly (readonly [number, number])[] = [
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
export function placeLabel(
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

export function drawLabelledPoint(paint: Paint, point: LabelledPoint, marks: Marks): void {
  const { plot, toPixel, occupied, boxes } = marks;
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

export function drawArrow(paint: Paint, arrow: PlotArrow, marks: Marks): void {
  const { plot, toPixel, occupied, boxes } = marks;
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

export function drawCallout(paint: Paint, callout: PlotCallout, marks: Marks): void {
  const { plot, toPixel, occupied, boxes } = marks;
  const { ctx, theme, unit } = paint;
  const p = toPixel(callout.at[0], callout.at[1]);
  if (!onPlot(p, plot)) return;
  const noteFont = font(sizes.note * unit);
  const lines = withMinusSigns(callout.text).split("\n");
  const pad = 7 * unit;
  const lineHeight = sizes.note * unit * 1.3;
  const width = Math.max(...lines.map((l) => measureTextCached(l, noteFont))) + 2 * pad;
  const height = lines.length * lineHeight - 0.3 * sizes.note * unit + 2 * pad;
  const box = calloutBox(p, width, height, callout.offset, unit, plot, occupied, boxes);
  boxes.push(box);
  drawPointer(paint, p, box);
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

/** Where a callout's box goes: at its offset, or near the point (then twice as far) where it covers least. */
function calloutBox(
  p: { x: number; y: number },
  width: number,
  height: number,
  offset: readonly [number, number] | undefined,
  unit: number,
  plot: Rect,
  occupied: Pt[],
  boxes: Box[],
): Box {
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
  const centres: [number, number][] = offset
    ? [[offset[0] * unit, offset[1] * unit]]
    : [1, 2].flatMap((far) =>
        directions.map(([dx, dy]): [number, number] => [
          dx * (far * reach + width / 2),
          dy * (far * reach * 0.6 + height / 2),
        ]),
      );
  const candidates = centres.map(([dx, dy]) => ({ x: p.x + dx - width / 2, y: p.y + dy - height / 2, width, height }));
  return bestBox(candidates, plot, occupied, boxes, 2 * unit);
}

/** A ring around the point (its own colour stays visible) and a pointer from the box's edge to the ring. */
function drawPointer(paint: Paint, p: { x: number; y: number }, box: Box): void {
  const { ctx, theme, unit } = paint;
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
}

export function roundedRect(ctx: CanvasRenderingContext2D, box: Box, r: number): void {
  const { x, y, width: w, height: h } = box;
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
