import type { CanvasRenderingContext2D } from "canvas";
import { classColours } from "./classes.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { ClassCountError, MAX_CLASSES, type Theme, withAlpha } from "./theme.ts";

interface TextStyle {
  theme: Theme;
  unit: number;
}

/**
 * Where text is drawn: the paint context (theme and scale come with it), or a canvas context
 * with `{ theme, unit }` in the options (the older form, still accepted).
 */
type TextTarget = Paint | CanvasRenderingContext2D;
type Styled = Partial<TextStyle>;

function unpack(target: TextTarget, options: Styled, what: string): { ctx: CanvasRenderingContext2D } & TextStyle {
  if ("ctx" in target)
    return { ctx: target.ctx, theme: options.theme ?? target.theme, unit: options.unit ?? target.unit };
  if (!options.theme || options.unit === undefined) {
    throw new TypeError(`${what}: give the paint context first (paintFor(ctx, frame, theme)), or { theme, unit }`);
  }
  return { ctx: target, theme: options.theme, unit: options.unit };
}

/** The title line (what this is) and the status line (numbers, in tabular figures). */
/** One item of a header's status line: a label, its value, and how much it is shown (default 1, for fading one in). */
export interface StatusItem {
  label: string;
  value: string;
  opacity?: number;
}

export function drawHeader(
  target: TextTarget,
  rect: Rect,
  options: Styled & { title: string; status?: StatusItem[] },
): void {
  const { ctx, theme, unit } = unpack(target, options, "drawHeader");
  ctx.save();
  fillTextCached(ctx, options.title, rect.x, rect.y + 28 * unit, { font: font(28 * unit, "bold"), color: theme.ink });
  // Status items at fixed positions: each value is printed with fixed decimals, and DejaVu's
  // digits all have the same width, so nothing shifts as the numbers change.
  let x = rect.x;
  const y = rect.y + 64 * unit;
  const labelFont = font(20 * unit);
  const valueFont = font(20 * unit, "bold");
  for (const { label, value, opacity = 1 } of options.status ?? []) {
    ctx.globalAlpha = opacity;
    fillTextCached(ctx, label, x, y, { font: labelFont, color: theme.muted });
    x += measureTextCached(`${label} `, labelFont);
    // Digit by digit: every digit has the same advance, so values never shift, and the
    // label cache holds ten digits instead of every number shown.
    for (const ch of value) {
      fillTextCached(ctx, ch, x, y, { font: valueFont, color: theme.ink });
      x += measureTextCached(ch, valueFont);
    }
    x += 30 * unit;
  }
  ctx.restore();
}

/**
 * The caption line at the bottom: what to notice now. Fades with `opacity`. `caption` is its
 * text, or what `captionAt` returns ({ text, opacity }).
 */
export function drawCaption(
  target: TextTarget,
  rect: Rect,
  caption: string | { text: string; opacity: number },
  options: Styled & { opacity?: number } = {},
): void {
  const text = typeof caption === "string" ? caption : caption.text;
  if (!text) return;
  const { ctx, theme, unit } = unpack(target, options, "drawCaption");
  ctx.save();
  ctx.globalAlpha = options.opacity ?? (typeof caption === "string" ? 1 : caption.opacity);
  const captionFont = font(20 * unit, "normal", "italic");
  if (measureTextCached(text, captionFont) <= rect.width) {
    fillTextCached(ctx, text, rect.x, rect.y + rect.height / 2, {
      font: captionFont,
      color: theme.ink,
      baseline: "middle",
    });
  } else {
    // Too long for the line: squeeze it rather than run off the frame.
    ctx.font = captionFont;
    ctx.fillStyle = theme.ink;
    ctx.textBaseline = "middle";
    ctx.fillText(text, rect.x, rect.y + rect.height / 2, rect.width);
  }
  ctx.restore();
}

/** A legend: a dot in each class colour and its name, one entry per line. */
/** One row of a legend: a class's dot, a plane's square, or a boundary's line, and its label. */
export interface LegendEntry {
  label: string;
  color: string;
  outline: string;
  marker?: "dot" | "square" | "line";
}

export function drawLegend(
  target: TextTarget,
  at: { x: number; y: number },
  entries: LegendEntry[],
  options: Styled = {},
): void {
  const { ctx, theme, unit } = unpack(target, options, "drawLegend");
  ctx.save();
  entries.forEach((entry, i) => {
    const y = at.y + i * 28 * unit;
    ctx.beginPath();
    if (entry.marker === "line") {
      // A boundary drawn as a line is keyed by a line, as wide as the line on the map.
      ctx.moveTo(at.x - 8 * unit, y);
      ctx.lineTo(at.x + 8 * unit, y);
      ctx.strokeStyle = entry.color;
      ctx.lineWidth = 2 * unit;
      ctx.stroke();
    } else {
      if (entry.marker === "square") ctx.rect(at.x - 7 * unit, y - 7 * unit, 14 * unit, 14 * unit);
      else ctx.arc(at.x, y, 6 * unit, 0, 2 * Math.PI);
      ctx.fillStyle = entry.color;
      ctx.fill();
      ctx.strokeStyle = entry.outline;
      ctx.lineWidth = 1 * unit;
      ctx.stroke();
    }
    fillTextCached(ctx, entry.label, at.x + 16 * unit, y, {
      font: font(17 * unit),
      color: theme.ink,
      baseline: "middle",
    });
  });
  ctx.restore();
}

/**
 * A full-frame title card: title and subtitle, centred, or left of `figure` when the card
 * shows a picture there (drawn by the caller, at the same opacity).
 */
export function drawTitleCard(
  target: TextTarget,
  size: { width: number; height: number },
  options: Styled & { title: string; subtitle?: string; opacity: number; figure?: Rect },
): void {
  if (options.opacity <= 0) return;
  const { ctx, theme, unit } = unpack(target, options, "drawTitleCard");
  const { figure } = options;
  ctx.save();
  ctx.globalAlpha = titleCardVeil(options.opacity);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.globalAlpha = titleCardInk(options.opacity);
  const left = size.width * 0.05;
  const x = figure ? left : size.width / 2;
  const align = figure ? "left" : "center";
  const lines = figure
    ? options.title.split(" ").reduce<string[]>(wrapInto(figure.x - left - 40 * unit, font(44 * unit, "bold")), [])
    : [options.title];
  const titleHeight = 56 * unit;
  let y = size.height / 2 - ((lines.length - 1) * titleHeight) / 2 - 20 * unit;
  for (const line of lines) {
    fillTextCached(ctx, line, x, y, { font: font(44 * unit, "bold"), color: theme.ink, align, baseline: "middle" });
    y += titleHeight;
  }
  if (options.subtitle) {
    const subtitleLines = figure
      ? options.subtitle.split(" ").reduce<string[]>(wrapInto(figure.x - left - 40 * unit, font(22 * unit)), [])
      : [options.subtitle];
    y += 6 * unit;
    for (const line of subtitleLines) {
      fillTextCached(ctx, line, x, y, { font: font(22 * unit), color: theme.muted, align, baseline: "middle" });
      y += 32 * unit;
    }
  }
  ctx.restore();
}

/**
 * A title card fades out through the background rather than dissolving into what follows:
 * over the first half of its fade (`opacity` 1 to ½) its text and picture fade out on a
 * blank page (this is their opacity), and over the second half (½ to 0) the page clears to
 * show the figure (`titleCardVeil`). A title never lies over a plot.
 */
export function titleCardInk(opacity: number): number {
  return Math.min(1, Math.max(0, 2 * opacity - 1));
}

/** The opacity of the title card's blank page: see `titleCardInk`. */
export function titleCardVeil(opacity: number): number {
  return Math.min(1, Math.max(0, 2 * opacity));
}

/** A reducer that packs words into lines no wider than `width`. */
function wrapInto(width: number, lineFont: string): (lines: string[], word: string) => string[] {
  return (lines, word) => {
    const last = lines.at(-1);
    if (last !== undefined && measureTextCached(`${last} ${word}`, lineFont) <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  };
}

/** As wide as a digit in DejaVu Sans (U+2007 FIGURE SPACE). */
export const FIGURE_SPACE = "\u2007";

/**
 * The status line of a training video: epoch (with one decimal, as frames fall between
 * snapshots), loss and accuracy. Numbers are padded with figure spaces, so " 9.5" and "10.0",
 * " 97.4%" and "100.0%" take the same room and the line never shifts.
 */
export function trainingStatus(state: { epoch: number; epochs: number; loss: number; accuracy: number }): {
  label: string;
  value: string;
}[] {
  const digits = String(Math.floor(state.epochs)).length + 2;
  return [
    { label: "epoch", value: `${state.epoch.toFixed(1).padStart(digits, FIGURE_SPACE)} / ${state.epochs}` },
    { label: "loss", value: state.loss.toFixed(4) },
    { label: "accuracy", value: `${(100 * state.accuracy).toFixed(1).padStart(5, FIGURE_SPACE)}%` },
  ];
}

/**
 * Legend entries: one per class in the theme's class colours, then the model's boundary.
 * The classes are given by name, in label order, or as the data's labels with optional names
 * (`{ labels: run.data.y, names: ["setosa", ...] }`; unnamed classes read "class k", or
 * "y = −1" for the two values of a single output). At most 8 classes.
 */
export function classLegend(
  theme: Theme,
  classes: string[] | { labels: ArrayLike<number>; names?: string[] },
  boundary?: string,
  /** How the boundary is drawn: a line in a plane (default), or a plane in 3-D (a square). */
  boundaryMarker: "line" | "square" = "line",
): LegendEntry[] {
  const names = Array.isArray(classes) ? classes : classNames(classes.labels, classes.names);
  if (names.length > MAX_CLASSES) throw new ClassCountError("classLegend", names.length);
  const entries = names.map((label, k) => ({
    label,
    color: theme.classes[k] as string,
    outline: theme.classOutlines[k] as string,
  }));
  if (boundary === undefined) return entries;
  return [
    ...entries,
    boundaryMarker === "line"
      ? { label: boundary, color: theme.accent, outline: theme.accent, marker: "line" }
      : { label: boundary, color: withAlpha(theme.accent, 0.25), outline: theme.accent, marker: "square" },
  ];
}

/** The name of each class in colour order: its given name, else from its label. */
function classNames(labels: ArrayLike<number>, names: string[] = []): string[] {
  const colours = classColours(labels, "classLegend: labels");
  if (names.length > 0 && names.length < colours.count) {
    throw new RangeError(
      `classLegend: the labels make ${colours.count} classes but only ${names.length} names are given`,
    );
  }
  const count = Math.max(colours.count, names.length);
  const numbered = colours.labels.every(Number.isInteger) && colours.labels[0] === 0;
  return Array.from({ length: count }, (_, k) => {
    const name = names[k];
    if (name !== undefined) return name;
    const label = colours.labels[k] as number;
    return numbered ? `class ${label}` : `y = ${withMinusSigns(String(label))}`;
  });
}
