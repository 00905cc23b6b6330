import { withAlpha } from "./colour.ts";
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { stack } from "./layout.ts";
import type { Paint } from "./paint.ts";
import { drawTex } from "./tex.ts";
import { fillTextCached } from "./textcache.ts";

/** One row of an equation column. */
export interface EquationRow {
  /** The equation, in netreel's TeX (`\z`, `\w[W]`, `\a`, `\b`, `\C` in the notebook's colours). */
  tex: string;
  /** Words above the equation, in the muted colour ("its derivative"). */
  note?: string;
  /** A short tag to its left, in the muted colour ("BP1"). */
  tag?: string;
  /** The row's share of the column's height (default 1). */
  weight?: number;
  /** 0 to 1 (default 1); a row at 0 is not drawn. */
  opacity?: number;
  /** How much of the equation is drawn, left to right (`drawTex`'s `reveal`). */
  reveal?: number;
  /** 0 to 1: the row is marked as the step being explained (a tinted band, a bar in the accent colour). */
  mark?: number;
}

export interface EquationColumnOptions {
  /** The equations' size at 720p (`drawTex`'s `size`). */
  size: number;
  /** Space between rows at 720p. */
  gap: number;
  /** Where the tags and notes start, from the column's left edge, at 720p (default 12). */
  inset?: number;
  /** A note's baseline below its row's top, at 720p (default 26). */
  noteAt?: number;
  /** Where an equation's middle sits, as a share of its row's height (default 0.62; rows with a tag: 0.5). */
  texAt?: number;
  /** The tags' column width at 720p (default 54). */
  tagWidth?: number;
}

/**
 * A column of equations, one a row, each with a note above it or a tag beside it, fading in
 * and marked as a lesson goes through them: what the course's equation panels (the sigmoid,
 * backprop's four equations, the gradient check) are made of. Each equation shrinks to fit
 * its row's width.
 */
export function drawEquationColumn(
  paint: Paint,
  rect: Rect,
  rows: readonly EquationRow[],
  options: EquationColumnOptions,
): void {
  const { ctx, theme, unit } = paint;
  const inset = (options.inset ?? 12) * unit;
  const tagWidth = (options.tagWidth ?? 54) * unit;
  const cells = stack(
    rect,
    rows.map((r) => r.weight ?? 1),
    options.gap * unit,
  );
  rows.forEach((row, i) => {
    const cell = cells[i] as Rect;
    const opacity = row.opacity ?? 1;
    if (opacity <= 0) return;
    ctx.save();
    ctx.globalAlpha = opacity;
    const mark = row.mark ?? 0;
    if (mark > 0) {
      ctx.fillStyle = withAlpha(theme.accent, 0.1 * mark);
      ctx.fillRect(cell.x, cell.y, cell.width, cell.height);
      ctx.fillStyle = withAlpha(theme.accent, mark);
      ctx.fillRect(cell.x, cell.y, 4 * unit, cell.height);
    }
    if (row.tag !== undefined) {
      fillTextCached(ctx, row.tag, cell.x + inset, cell.y + cell.height / 2, {
        font: font(16 * unit),
        color: theme.muted,
        baseline: "middle",
      });
    }
    if (row.note !== undefined) {
      fillTextCached(ctx, row.note, cell.x + inset, cell.y + (options.noteAt ?? 26) * unit, {
        font: font(17 * unit),
        color: theme.muted,
      });
    }
    const tagged = row.tag !== undefined;
    drawTex(paint, row.tex, {
      x: tagged ? cell.x + tagWidth + 8 * unit : cell.x + inset,
      y: cell.y + cell.height * (options.texAt ?? (tagged ? 0.5 : 0.62)),
      size: options.size,
      maxWidth: tagged ? cell.width - tagWidth - 16 * unit : cell.width - 2 * inset,
      baseline: "middle",
      ...(row.reveal !== undefined ? { reveal: row.reveal } : {}),
    });
    ctx.restore();
  });
}
