import type { Rect } from "./geometry.ts";
import type { Paint } from "./paint.ts";

/**
 * One cell of a panel layout: a named panel with its weight (`{ main: 7 }`), or a row or
 * column of cells sharing a weight (`{ rows: [{ loss: 1 }, { accuracy: 1 }], weight: 3 }`).
 */
export type PanelCell<N extends string = string> =
  | { [K in N]: { [P in K]: number } }[N]
  | { rows: readonly PanelCell<N>[]; weight?: number; gap?: number }
  | { columns: readonly PanelCell<N>[]; weight?: number; gap?: number };

export interface PanelSpec<N extends string = string> {
  /** The body split left to right (or give `rows`, top to bottom). */
  columns?: readonly PanelCell<N>[];
  rows?: readonly PanelCell<N>[];
  /** A header band (title and status lines) above the body: true for 78 px at 720p, or a height. */
  header?: boolean | number;
  /** A caption band below the body: true for 40 px at 720p, or a height. */
  caption?: boolean | number;
  /** Space between panels at 720p. Default 24. */
  gap?: number;
  /** The safe margin, as a fraction of the frame's width and height. Default 0.05. */
  margin?: number;
}

/**
 * The named panels, the safe area and the body they share, and the header and caption
 * bands (of height 0 when not asked for).
 */
export type Panels<N extends string = string> = Record<N, Rect> & {
  safe: Rect;
  body: Rect;
  header: Rect;
  caption: Rect;
};

/** A layout a user got wrong: a repeated or reserved name, a weight that is not positive. */
export class PanelError extends Error {
  override name = "PanelError";
}

const RESERVED = new Set(["safe", "body", "header", "caption"]);

/**
 * Named panels placed by weights inside the frame's safe area (about 5% margins), with an
 * optional header and caption band: no pixel offsets, and every size scales with the frame.
 * `panels(paint, { columns: [{ main: 7 }, { side: 3 }], header: true, caption: true })`
 */
export function panels<const N extends string>(
  paint: Pick<Paint, "width" | "height" | "unit">,
  spec: PanelSpec<N>,
): Panels<Exclude<N, "rows" | "columns" | "weight" | "gap">> {
  const { width, height, unit } = paint;
  const margin = spec.margin ?? 0.05;
  const mx = Math.round(width * margin);
  const my = Math.round(height * margin);
  const safe = { x: mx, y: my, width: width - 2 * mx, height: height - 2 * my };
  const gap = (spec.gap ?? 24) * unit;
  const band = (value: boolean | number | undefined, standard: number) =>
    value === true ? standard * unit : typeof value === "number" ? value * unit : 0;
  const headerHeight = band(spec.header, 78);
  const captionHeight = band(spec.caption, 40);
  const body = {
    x: safe.x,
    y: safe.y + headerHeight,
    width: safe.width,
    height: safe.height - headerHeight - captionHeight,
  };
  const out: Record<string, Rect> = {
    safe,
    body,
    header: { x: safe.x, y: safe.y, width: safe.width, height: headerHeight },
    caption: { x: safe.x, y: safe.y + safe.height - captionHeight, width: safe.width, height: captionHeight },
  };
  if (spec.columns && spec.rows) throw new PanelError("panels: give either columns or rows, not both");
  const root = spec.rows ? { rows: spec.rows } : { columns: spec.columns ?? [] };
  place(root as PanelCell, body, gap, unit, out);
  return out as Panels<Exclude<N, "rows" | "columns" | "weight" | "gap">>;
}

/** A cell's weight: its own, or the single number of a named panel. */
function weightOf(cell: PanelCell): number {
  const weight = "rows" in cell || "columns" in cell ? (cell.weight ?? 1) : (Object.values(cell)[0] as number);
  if (!(Number.isFinite(weight) && weight > 0)) {
    throw new PanelError(`panels: weights must be positive numbers, got ${weight} in ${JSON.stringify(cell)}`);
  }
  return weight;
}

function place(cell: PanelCell, rect: Rect, gap: number, unit: number, out: Record<string, Rect>): void {
  if ("rows" in cell || "columns" in cell) {
    const across = "columns" in cell;
    const children = ("columns" in cell ? cell.columns : cell.rows) as readonly PanelCell[];
    const between = cell.gap === undefined ? gap : cell.gap * unit;
    const total = children.reduce((sum, child) => sum + weightOf(child), 0);
    const free = (across ? rect.width : rect.height) - between * (children.length - 1);
    let at = across ? rect.x : rect.y;
    for (const child of children) {
      const size = (free * weightOf(child)) / total;
      const part = across
        ? { x: at, y: rect.y, width: size, height: rect.height }
        : { x: rect.x, y: at, width: rect.width, height: size };
      place(child, part, gap, unit, out);
      at += size + between;
    }
    return;
  }
  const names = Object.keys(cell);
  const name = names[0] as string;
  if (names.length !== 1) {
    throw new PanelError(`panels: a panel is one name and its weight, like { main: 7 }; got ${JSON.stringify(cell)}`);
  }
  if (RESERVED.has(name) || name in out) {
    throw new PanelError(
      `panels: the name "${name}" is used twice or reserved (safe, body, header, caption); rename it`,
    );
  }
  out[name] = rect;
}
