import { withAlpha } from "./colour.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { formatNumber } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import { drawTex, measureTex } from "./tex.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";

/**
 * A matrix of numbers as a course shows one: entries with fixed decimals and true minus signs
 * in a bracketed grid, its name in TeX to the left (`\z[Z]^1 =`), its shape under it ("3 × 4"),
 * and columns or rows lit in the accent colour, say the example being followed through a batch.
 */
export interface MatrixOptions {
  /** The entries, row by row. */
  values: readonly (readonly number[])[];
  /** Decimals of every entry (fixed, so the grid does not change width as numbers change). */
  decimals: number;
  /** The entries' size at 720p. Default 17. */
  size?: number;
  /**
   * The text a cell is laid out for, when wider than every entry ("−0.000"): matrices given the
   * same one have columns of the same width, whatever their signs.
   */
  cellText?: string;
  /** TeX left of the bracket, middle-aligned with it (`\a[A]^0 =`). */
  name?: string;
  /** Text under the matrix, in the muted colour: its shape "rows × cols" unless given; false for none. */
  shape?: string | false;
  /** Muted labels over the columns ("x₁", "x₂", ...). */
  columnLabels?: readonly string[];
  /** How lit each column is, 0 to 1: a band in the accent colour behind it (its label in ink). */
  litColumns?: readonly number[];
  /** How lit each row is, 0 to 1. */
  litRows?: readonly number[];
  /** 0 to 1 (default 1); nothing is drawn at 0. */
  opacity?: number;
}

/** Where the parts of a matrix go, relative to its top-left corner, in frame pixels. */
export interface MatrixLayout {
  width: number;
  height: number;
  /** The bracketed grid of entries. */
  grid: Rect;
  /** Each column's right edge (entries are right-aligned, so their decimal points line up). */
  columnRights: number[];
  /** Each row's middle. */
  rowMiddles: number[];
  /** The widest entry. */
  cell: number;
  /** Where the name starts. */
  nameX: number;
}

/** The entries as they are drawn: fixed decimals, a true minus sign, never "−0". */
export function matrixCells(options: Pick<MatrixOptions, "values" | "decimals">): string[][] {
  return options.values.map((row) => row.map((v) => formatNumber(v, options.decimals)));
}

/** Where a matrix's parts go, without drawing it (to place several in a row). */
export function matrixLayout(paint: Paint, options: MatrixOptions): MatrixLayout {
  const { unit } = paint;
  const size = (options.size ?? 17) * unit;
  const numbers = font(size);
  const cells = matrixCells(options);
  const rows = cells.length;
  const cols = cells[0]?.length ?? 0;
  const texts = options.cellText === undefined ? cells.flat() : [...cells.flat(), options.cellText];
  const cell = Math.max(0, ...texts.map((text) => measureTextCached(text, numbers)));
  const gap = 0.7 * size;
  const pad = 0.45 * size;
  const rowHeight = 1.35 * size;
  const nameWidth = options.name ? measureTex(paint, options.name, { size: size / unit + 1 }).width + 0.4 * size : 0;
  const top = options.columnLabels ? 1.3 * size : 0;
  const gridWidth = 2 * pad + cols * cell + Math.max(0, cols - 1) * gap;
  // A label under the matrix wider than it spreads evenly to both sides, the name's side included.
  const label = shapeText(options);
  const half = label === null ? 0 : measureTextCached(label, font(16 * unit)) / 2;
  const shift = Math.max(0, half - nameWidth - gridWidth / 2);
  const grid = { x: shift + nameWidth, y: top, width: gridWidth, height: rows * rowHeight + 0.3 * size };
  const columnRights = Array.from({ length: cols }, (_, j) => grid.x + pad + (j + 1) * cell + j * gap);
  const rowMiddles = Array.from({ length: rows }, (_, i) => grid.y + 0.15 * size + (i + 0.5) * rowHeight);
  const shapeHeight = label === null ? 0 : 1.45 * 16 * unit;
  return {
    width: Math.max(grid.x + grid.width, grid.x + grid.width / 2 + half),
    height: grid.y + grid.height + shapeHeight,
    grid,
    columnRights,
    rowMiddles,
    cell,
    nameX: shift,
  };
}

/** The text under a matrix: its own, its shape, or none. */
function shapeText(options: MatrixOptions): string | null {
  if (options.shape === false) return null;
  return options.shape ?? `${options.values.length} × ${options.values[0]?.length ?? 0}`;
}

/** Draws a matrix with its top-left corner at `at`; returns the box it took. */
export function drawMatrix(paint: Paint, at: { x: number; y: number }, options: MatrixOptions): Rect {
  const { ctx, theme, unit } = paint;
  const layout = matrixLayout(paint, options);
  const box = { x: at.x, y: at.y, width: layout.width, height: layout.height };
  const opacity = options.opacity ?? 1;
  if (opacity <= 0) return box;
  const size = (options.size ?? 17) * unit;
  const grid = { ...layout.grid, x: at.x + layout.grid.x, y: at.y + layout.grid.y };
  const gap = 0.7 * size;
  ctx.save();
  ctx.globalAlpha *= opacity;

  // Lit columns and rows first, under the entries.
  const band = (rect: Rect, lit: number) => {
    if (lit <= 0) return;
    ctx.beginPath();
    ctx.roundRect(rect.x, rect.y, rect.width, rect.height, 4 * unit);
    ctx.fillStyle = withAlpha(theme.accent, 0.13 * lit);
    ctx.fill();
    ctx.lineWidth = 1.5 * unit;
    ctx.strokeStyle = withAlpha(theme.accent, 0.75 * lit);
    ctx.stroke();
  };
  layout.columnRights.forEach((right, j) => {
    const x = at.x + right - layout.cell - gap / 2;
    band(
      { x, y: grid.y + 2 * unit, width: layout.cell + gap, height: grid.height - 4 * unit },
      options.litColumns?.[j] ?? 0,
    );
  });
  layout.rowMiddles.forEach((middle, i) => {
    const half = 0.675 * size;
    const rect = { x: grid.x + 0.2 * size, y: at.y + middle - half, width: grid.width - 0.4 * size, height: 2 * half };
    band(rect, options.litRows?.[i] ?? 0);
  });

  // Brackets, their strokes inside the grid's box.
  const [arm, stroke] = [0.35 * size, 1.5 * unit];
  const [left, right, top, bottom] = [grid.x, grid.x + grid.width, grid.y, grid.y + grid.height].map(
    (v, i) => v + (i % 2 === 0 ? stroke / 2 : -stroke / 2),
  ) as [number, number, number, number];
  ctx.beginPath();
  ctx.moveTo(left + arm, top);
  ctx.lineTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(left + arm, bottom);
  ctx.moveTo(right - arm, top);
  ctx.lineTo(right, top);
  ctx.lineTo(right, bottom);
  ctx.lineTo(right - arm, bottom);
  ctx.lineWidth = stroke;
  ctx.strokeStyle = theme.ink;
  ctx.stroke();

  const numbers = font(size);
  matrixCells(options).forEach((row, i) => {
    row.forEach((text, j) => {
      fillTextCached(ctx, text, at.x + (layout.columnRights[j] as number), at.y + (layout.rowMiddles[i] as number), {
        font: numbers,
        color: theme.ink,
        align: "right",
        baseline: "middle",
      });
    });
  });

  const small = font(16 * unit);
  options.columnLabels?.forEach((label, j) => {
    const x = at.x + (layout.columnRights[j] as number) - layout.cell / 2;
    const y = grid.y - 0.45 * size;
    fillTextCached(ctx, label, x, y, { font: small, color: theme.muted, align: "center" });
    const lit = options.litColumns?.[j] ?? 0;
    if (lit <= 0) return;
    ctx.save();
    ctx.globalAlpha *= lit;
    fillTextCached(ctx, label, x, y, { font: small, color: theme.ink, align: "center" });
    ctx.restore();
  });

  if (options.name) {
    drawTex(paint, options.name, {
      x: at.x + layout.nameX,
      y: grid.y + grid.height / 2,
      size: size / unit + 1,
      baseline: "middle",
    });
  }
  const shape = shapeText(options);
  if (shape !== null) {
    fillTextCached(ctx, shape, grid.x + grid.width / 2, grid.y + grid.height + 1.2 * 16 * unit, {
      font: small,
      color: theme.muted,
      align: "center",
    });
  }
  ctx.restore();
  return box;
}

/** Something between matrices in a row: an operator or a factor in TeX ("+", "=", "\frac{\eta}{m}"). */
export interface RowTex {
  tex: string;
  /** Size at 720p. Default 22. */
  size?: number;
  opacity?: number;
}

/** One place in a row: a matrix, TeX, or null for an empty place (kept so that rows line up). */
export type RowItem = MatrixOptions | RowTex | null;

export interface MatrixRowOptions {
  /** Space between items at 720p. Default 14. */
  gap?: number;
  /** Each item's width in frame pixels (say the widest of the items in that place over several rows, so they line up); default its own. */
  widths?: readonly number[];
  /** Where the row goes across its rectangle. Default "center". */
  align?: "left" | "center";
}

const isTex = (item: MatrixOptions | RowTex): item is RowTex => "tex" in item;

/** Each item's width, and how far it reaches above and below the row's axis (the middle of the matrices' brackets). */
function itemExtents(paint: Paint, item: RowItem): { width: number; above: number; below: number } {
  if (item === null) return { width: 0, above: 0, below: 0 };
  if (isTex(item)) {
    const size = measureTex(paint, item.tex, { size: item.size ?? 22 });
    return { width: size.width, above: size.height / 2, below: size.height / 2 };
  }
  const layout = matrixLayout(paint, item);
  const above = layout.grid.y + layout.grid.height / 2;
  return { width: layout.width, above, below: layout.height - above };
}

/** The widths of a row's items (take the largest per place over several rows, for `widths`). */
export function matrixRowWidths(paint: Paint, items: readonly RowItem[]): number[] {
  return items.map((item) => itemExtents(paint, item).width);
}

/**
 * Matrices and the operators between them, left to right on one axis through the middles of
 * the brackets, the whole row centred in `rect` (`Δ = (A − Y) ⊙ σ′(Z)`, a sum of products).
 * Returns each item's box (empty places included).
 */
export function drawMatrixRow(
  paint: Paint,
  rect: Rect,
  items: readonly RowItem[],
  options: MatrixRowOptions = {},
): Rect[] {
  const gap = (options.gap ?? 14) * paint.unit;
  const extents = items.map((item) => itemExtents(paint, item));
  const widths = extents.map((e, i) => options.widths?.[i] ?? e.width);
  const total = widths.reduce((sum, w) => sum + w, 0) + gap * Math.max(0, items.length - 1);
  const above = Math.max(0, ...extents.map((e) => e.above));
  const below = Math.max(0, ...extents.map((e) => e.below));
  const axis = rect.y + (rect.height - above - below) / 2 + above;
  let x = options.align === "left" ? rect.x : rect.x + (rect.width - total) / 2;
  return items.map((item, i) => {
    const e = extents[i] as { width: number; above: number; below: number };
    const width = widths[i] as number;
    const box = { x, y: axis - e.above, width, height: e.above + e.below };
    x += width + gap;
    if (item === null) return box;
    if (isTex(item)) {
      const opacity = item.opacity ?? 1;
      if (opacity > 0) {
        paint.ctx.save();
        paint.ctx.globalAlpha *= opacity;
        drawTex(paint, item.tex, {
          x: box.x + (width - e.width) / 2,
          y: axis,
          size: item.size ?? 22,
          baseline: "middle",
        });
        paint.ctx.restore();
      }
      return box;
    }
    drawMatrix(paint, { x: box.x, y: box.y }, item);
    return box;
  });
}

export interface MatrixRowsOptions {
  /** Space between items at 720p. Default 14. */
  gap?: number;
  /** Line the items up across rows, each place as wide as its widest item (a grid of layers). Default false. */
  aligned?: boolean;
  /** 0 to 1 (default 1), for all the rows; nothing is drawn at 0. */
  opacity?: number;
}

/**
 * Rows of matrices (`drawMatrixRow`) stacked in `rect` with even space above, between and below
 * them; all of it shrunk evenly, type included, when the widest row or the rows together do not
 * fit. Items that are not shown yet (opacity 0) keep their room, so nothing moves as they fade in.
 * Returns each row's item boxes.
 */
export function drawMatrixRows(
  paint: Paint,
  rect: Rect,
  rows: readonly (readonly RowItem[])[],
  options: MatrixRowsOptions = {},
): Rect[][] {
  const measure = (p: Paint) => {
    const gap = (options.gap ?? 14) * p.unit;
    const extents = rows.map((items) => items.map((item) => itemExtents(p, item)));
    const places = Math.max(0, ...rows.map((items) => items.length));
    const aligned = Array.from({ length: places }, (_, i) => Math.max(0, ...extents.map((e) => e[i]?.width ?? 0)));
    const widths = extents.map((row) => (options.aligned ? aligned.slice(0, row.length) : row.map((e) => e.width)));
    const rowWidths = widths.map((w) => w.reduce((sum, x) => sum + x, 0) + gap * Math.max(0, w.length - 1));
    const heights = extents.map(
      (row) => Math.max(0, ...row.map((e) => e.above)) + Math.max(0, ...row.map((e) => e.below)),
    );
    return { widths, width: Math.max(0, ...rowWidths), height: heights.reduce((sum, h) => sum + h, 0), heights };
  };
  const natural = measure(paint);
  const shrink = Math.min(1, rect.width / (natural.width || 1), rect.height / (natural.height || 1));
  const p = shrink < 1 ? { ...paint, unit: paint.unit * shrink } : paint;
  const { widths, height, heights } = shrink < 1 ? measure(p) : natural;
  const space = Math.max(0, rect.height - height) / (rows.length + 1);
  const opacity = options.opacity ?? 1;
  let y = rect.y + space;
  paint.ctx.save();
  paint.ctx.globalAlpha *= opacity;
  const boxes = rows.map((items, i) => {
    const h = heights[i] as number;
    const row = { x: rect.x, y, width: rect.width, height: h };
    y += h + space;
    const drawn = opacity > 0 ? items : items.map(() => null);
    return drawMatrixRow(p, row, drawn, { gap: options.gap ?? 14, widths: widths[i] as number[] });
  });
  paint.ctx.restore();
  return boxes;
}
