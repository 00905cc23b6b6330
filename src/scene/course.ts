import { font } from "../draw/fonts.ts";
import type { Paint } from "../draw/paint.ts";
import { type PanelCell, type PanelSpec, type Panels, panels } from "../draw/panels.ts";
import { drawCaption, drawHeader, drawTitleCard, type StatusItem } from "../draw/text.ts";
import { fillTextCached } from "../draw/textcache.ts";
import { BeatError, type BeatSpec, type Beats, beats } from "./beats.ts";
import { type BeatCaption, beatCaptions, type Caption, captionAt } from "./captions.ts";
import { clamp01 } from "./easing.ts";

/** Names a layout cell may use for itself, not for a panel. */
type CellKeys = "rows" | "columns" | "weight" | "gap";

/** What differs between course figures; the title card, header and caption band are the figure's. */
export interface CourseFigureOptions<N extends string> {
  title: string;
  /** The title card's second line. */
  subtitle?: string;
  /**
   * The clip's beats after the title card (`[{ name: "draw" }, { name: "hold", seconds: 2 }]`;
   * the figure puts a `title` beat first), or ready beats that start with their own `title` beat
   * (a training `timeline(...).beats`).
   */
  beats: readonly BeatSpec[] | Beats;
  /** Seconds of title card when `beats` is a list (0 for none). Default 1.5. */
  titleCard?: number;
  /**
   * The scene draws its own title card over the figure (say, with the data beside the title),
   * at `titleOpacity(figure.beats, time)`: the figure draws none of its own and draws its body
   * from the first frame, so the two never show at once.
   */
  ownTitleCard?: boolean;
  /** Captions placed by beats; each lasts until the next starts. */
  captions?: readonly BeatCaption[];
  /** The panels between the header and the caption band, by weight, left to right (as for `panels`)... */
  columns?: readonly PanelCell<N>[];
  /** ...or top to bottom. */
  rows?: readonly PanelCell<N>[];
}

/** What `prepareCourseFigure` builds once per render, for every frame. */
export interface CourseFigure<N extends string = string> {
  title: string;
  subtitle?: string;
  /** The clip's named moments, the title card's first: `figure.beats.progress("draw", frame.time)`. */
  beats: Beats;
  /** The captions in seconds, for the frames and the subtitles (`captions: (p) => p.figure.captions`). */
  captions: Caption[];
  /** The panel layout, with the header and caption bands. */
  layout: PanelSpec<N>;
  /** The scene draws the title card itself (`ownTitleCard`). */
  ownTitleCard?: boolean;
}

/** The header's second line, returned by the scene's drawing: status items, and a note at its right. */
export interface FigureHeader {
  /** Label and value pairs (values in bold, fixed decimals so they do not shift). */
  status?: StatusItem[];
  /** Muted text at the right end of the status line (e.g. the network's label). */
  aside?: string;
}

/**
 * Builds, once per render, what a course figure reuses on every frame: its beats (a title
 * card first), its captions placed by beats, and its layout.
 * `prepareCourseFigure(context, { title, beats: [{ name: "draw" }], columns: [{ plot: 2 }, { side: 1 }] })`
 */
export function prepareCourseFigure<const N extends string>(
  context: { duration: number },
  options: CourseFigureOptions<N>,
): CourseFigure<Exclude<N, CellKeys>> {
  const clip = isBeats(options.beats) ? options.beats : titledBeats(context.duration, options.beats, options.titleCard);
  const layout = {
    ...(options.rows ? { rows: options.rows } : { columns: options.columns ?? [] }),
    header: true,
    caption: true,
  } as PanelSpec<Exclude<N, CellKeys>>;
  return {
    title: options.title,
    ...(options.subtitle !== undefined ? { subtitle: options.subtitle } : {}),
    beats: clip,
    captions: beatCaptions(clip, options.captions ?? []),
    layout,
    ...(options.ownTitleCard ? { ownTitleCard: true } : {}),
  };
}

/**
 * Draws one frame of a course figure: the background, the scene's own panels (`drawBody`,
 * given the named rectangles; it may return the header's status line), the header (title and
 * status), the caption of the moment, and the title card fading out over everything. While
 * the card covers the whole frame the body is not drawn. Returns the panels.
 */
export function courseFigure<N extends string>(
  paint: Paint,
  frame: { time: number },
  figure: CourseFigure<N>,
  drawBody: (panels: Panels<N>) => FigureHeader | undefined,
): Panels<N> {
  const { ctx, theme, unit } = paint;
  const layout = panels(paint, figure.layout) as Panels<N>;
  ctx.save();
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, paint.width, paint.height);
  ctx.restore();
  const opacity = figure.ownTitleCard ? 0 : titleOpacity(figure.beats, frame.time);
  const card = { title: figure.title, ...(figure.subtitle ? { subtitle: figure.subtitle } : {}) };
  if (opacity >= 1) {
    drawTitleCard(paint, paint, { ...card, opacity: 1 });
    return layout;
  }
  const header = drawBody(layout) ?? {};
  drawHeader(paint, layout.header, { title: figure.title, ...(header.status ? { status: header.status } : {}) });
  if (header.aside) {
    fillTextCached(ctx, header.aside, layout.header.x + layout.header.width, layout.header.y + 64 * unit, {
      font: font(18 * unit),
      color: theme.muted,
      align: "right",
    });
  }
  drawCaption(paint, layout.caption, captionAt(figure.captions, frame.time));
  if (opacity > 0) drawTitleCard(paint, paint, { ...card, opacity });
  return layout;
}

/**
 * The title card's opacity at `time`: 1 through the `title` beat, fading out over its last
 * half second (a third of it when shorter); 0 with no title beat. The same rule as `timeline`.
 */
export function titleOpacity(clip: Beats, time: number): number {
  if (!clip.names.includes("title")) return 0;
  const titleCard = clip.span("title").end;
  const fade = Math.min(0.5, titleCard / 3);
  return titleCard === 0 ? 0 : clamp01((titleCard - time) / fade);
}

function isBeats(value: readonly BeatSpec[] | Beats): value is Beats {
  return !Array.isArray(value);
}

function titledBeats(duration: number, specs: readonly BeatSpec[], titleCard = 1.5): Beats {
  if (specs.some((b) => b.name === "title")) {
    throw new BeatError(
      'courseFigure: the figure puts the "title" beat first itself; rename your beat, and set titleCard (seconds, 0 for none) for its length',
    );
  }
  return beats(duration, [{ name: "title", seconds: titleCard }, ...specs]);
}
