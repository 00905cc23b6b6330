/**
 * A plot's legend: a sample of each named series, in a box placed where it covers least (or a
 * corner the scene names), or in one row above the data.
 */
import { font } from "./fonts.ts";
import type { Rect } from "./geometry.ts";
import { withMinusSigns } from "./numbers.ts";
import type { Paint } from "./paint.ts";
import type { LegendCorner, PlotSeries } from "./plot.ts";
import { type Box, bestBox, clampBox, isScatter, type Pt, roundedRect } from "./plot-labels.ts";
import { sizes } from "./plot-ticks.ts";
import { fillTextCached, measureTextCached } from "./textcache.ts";
import { withAlpha } from "./theme.ts";

export interface LegendEntry {
  label: string;
  color: string;
  outline?: string;
  width?: number;
  dash?: number[];
  marker: "line" | "dot";
}

export function legendEntries(series: readonly PlotSeries[], theme: Paint["theme"]): LegendEntry[] {
  const entries: LegendEntry[] = [];
  series.forEach((s, i) => {
    if (isScatter(s)) {
      if (s.classes && s.classNames)
        s.classNames.forEach((name, k) => {
          entries.push({
            label: name,
            color: theme.classes[k % theme.classes.length] as string,
            outline: theme.classOutlines[k % theme.classOutlines.length] as string,
            marker: "dot",
          });
        });
      else if (s.name) entries.push({ label: s.name, color: s.color ?? (theme.classes[0] as string), marker: "dot" });
      return;
    }
    if (s.name)
      entries.push({
        label: s.name,
        color: s.color ?? (theme.series[i % theme.series.length] as string),
        width: s.width ?? 2.5,
        dash: s.dash ?? [],
        marker: "line",
      });
  });
  return entries.map((e) => ({ ...e, label: withMinusSigns(e.label) }));
}

export function drawPlotLegend(
  paint: Paint,
  entries: LegendEntry[],
  plot: Rect,
  rect: Rect,
  where: LegendCorner | "auto",
  occupied: Pt[],
  boxes: Box[],
): Rect {
  const { ctx, theme, unit } = paint;
  const legendFont = font(sizes.legend * unit);
  const pad = 9 * unit;
  const sample = 28 * unit;
  const row = sizes.legend * unit * 1.45;
  const width = sample + 9 * unit + Math.max(...entries.map((e) => measureTextCached(e.label, legendFont))) + 2 * pad;
  const height = entries.length * row - (row - sizes.legend * unit) + 2 * pad;
  const inset = 8 * unit;
  const corners: Record<LegendCorner, Box> = {
    "top-left": { x: plot.x + inset, y: plot.y + inset, width, height },
    "top-right": { x: plot.x + plot.width - inset - width, y: plot.y + inset, width, height },
    "bottom-left": { x: plot.x + inset, y: plot.y + plot.height - inset - height, width, height },
    "bottom-right": { x: plot.x + plot.width - inset - width, y: plot.y + plot.height - inset - height, width, height },
  };
  const order: LegendCorner[] = ["top-left", "top-right", "bottom-right", "bottom-left"];
  const box =
    where === "auto"
      ? clampBox(
          bestBox(
            order.map((c) => corners[c]),
            plot,
            occupied,
            boxes,
            4 * unit,
          ),
          rect,
        )
      : clampBox(corners[where], rect);
  roundedRect(ctx, box, 5 * unit);
  ctx.fillStyle = withAlpha(theme.background, 0.9);
  ctx.fill();
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1 * unit;
  ctx.stroke();
  entries.forEach((e, i) => {
    const cy = box.y + pad + sizes.legend * unit * 0.5 + i * row;
    drawLegendEntry(paint, e, box.x + pad, cy, sample);
  });
  return box;
}

/** The legend as one row, right-aligned on the line of the y axis title, above the data. */
export function drawLegendRow(paint: Paint, entries: LegendEntry[], rect: Rect, top: number): Rect {
  const { unit } = paint;
  const legendFont = font(sizes.legend * unit);
  const sample = 28 * unit;
  const widths = entries.map((e) => sample + 9 * unit + measureTextCached(e.label, legendFont));
  const gap = 24 * unit;
  const width = widths.reduce((sum, w) => sum + w, 0) + gap * (entries.length - 1);
  const cy = top + sizes.axisTitle * unit * 0.55;
  let x = rect.x + rect.width - width;
  entries.forEach((e, i) => {
    drawLegendEntry(paint, e, x, cy, sample);
    x += (widths[i] as number) + gap;
  });
  return { x: rect.x + rect.width - width, y: top, width, height: sizes.axisTitle * unit * 1.2 };
}

/** One legend entry: its line sample (or dot) from `x0`, then its label, centred on `cy`. */
export function drawLegendEntry(paint: Paint, e: LegendEntry, x0: number, cy: number, sample: number): void {
  const { ctx, theme, unit } = paint;
  if (e.marker === "line") {
    ctx.beginPath();
    ctx.moveTo(x0, cy);
    ctx.lineTo(x0 + sample, cy);
    ctx.strokeStyle = e.color;
    ctx.lineWidth = (e.width ?? 2.5) * unit;
    ctx.lineCap = "butt";
    ctx.setLineDash((e.dash ?? []).map((d) => d * unit));
    ctx.stroke();
    ctx.setLineDash([]);
  } else {
    ctx.beginPath();
    ctx.arc(x0 + sample / 2, cy, 5.5 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = e.color;
    ctx.fill();
    ctx.strokeStyle = e.outline ?? theme.background;
    ctx.lineWidth = 1 * unit;
    ctx.stroke();
  }
  fillTextCached(ctx, e.label, x0 + sample + 9 * unit, cy + 0.365 * sizes.legend * unit, {
    font: font(sizes.legend * unit),
    color: theme.ink,
  });
}
