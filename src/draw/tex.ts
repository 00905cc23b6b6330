import { createRequire } from "node:module";
import { Image } from "canvas";
import type { LiteElement, LiteNode } from "mathjax-full/js/adaptors/lite/Element.js";
import type { LiteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { isDarkBackground, type SymbolColors, symbolColors } from "./colour.ts";
import type { Rect } from "./geometry.ts";
import type { Paint } from "./paint.ts";
import { clamp01, smoothstep } from "./smoothstep.ts";

/**
 * TeX equations drawn on the frame: MathJax 3 turns TeX into SVG with every glyph a path, and
 * node-canvas rasterises that SVG at the size it is drawn, so an equation is as crisp at 360p as
 * at 1080p. Everything happens offline and synchronously (node-canvas makes an Image from a
 * buffer before `src = ...` returns), so a frame's `draw` can call `drawTex` directly.
 *
 * Two caches make a video cheap: each TeX string is converted once (~15-60 ms in MathJax) and
 * each (string, size, colours, sub-pixel offset) is rasterised once (a few ms); after that a
 * draw is one drawImage. Both only memoise: an image depends on its key alone, so frames stay pure.
 */

/** Thrown for TeX that MathJax cannot read; the message is one line and names the TeX. */
export class TexError extends Error {
  override name = "TexError";
  constructor(
    /** The TeX string as given. */
    readonly tex: string,
    /** MathJax's own reason, e.g. "Missing close brace". */
    readonly reason: string,
  ) {
    super(`TeX error in "${oneLine(tex)}": ${reason}`);
  }
}

/** The notebook's colour for each kind of symbol (STYLE.md): one per TeX macro `\w \b \a \z \C`. */
export { SYMBOL_COLORS, type SymbolColors, symbolColors } from "./colour.ts";

export interface TexOptions {
  /** Where the equation goes, in frame pixels; what the point means is set by `align` and `baseline`. */
  x: number;
  y: number;
  /** Font size (the em of the TeX font) in pixels at 720p; multiplied by `paint.unit`. Default 32. */
  size?: number;
  /** Which side of the equation sits at `x`. Default "left". */
  align?: "left" | "center" | "right";
  /** Which line of the equation sits at `y`: "alphabetic" is the math baseline. Default "alphabetic". */
  baseline?: "top" | "middle" | "alphabetic" | "bottom";
  /** Text colour of everything that is not a coloured symbol. Default `theme.ink`. */
  color?: string;
  /**
   * Term-by-term reveal, 0 to 1: the terms marked `\term{...}` fade in one after another in
   * reading order (left to right, a numerator before its denominator); with N terms, term k
   * (from 0) fades in while reveal * N goes from k to k + 1, easing in and out (smoothstep), so
   * 0.5 of three terms shows the first, half of the second and none of the third. Unmarked
   * parts are always shown, and hidden terms keep their room, so nothing moves. Without
   * `\term`, the whole equation fades in. Default 1.
   */
  reveal?: number;
  /** Display style (large fractions, limits below sums) or inline (text) style. Default true. */
  display?: boolean;
  /** Shrink the equation (never grow it) to fit this width in frame pixels. */
  maxWidth?: number;
}

/** An equation's size in frame pixels: `ascent` above the baseline, `descent` below it. */
export interface TexSize {
  width: number;
  height: number;
  ascent: number;
  descent: number;
}

/**
 * Draws TeX on the frame, in the notebook's symbol colours: `\w^l_{jk}`, `\b^l_j`, `\a^{l-1}_k`,
 * `\z^l_j` and `\C` are w, b, a, z and C in their colours (`\w[W]` colours another letter as a
 * weight). Returns the equation's box. Throws TexError for TeX that MathJax cannot read.
 * Assumes an untransformed context (as text does): the image is rasterised at its pixel size.
 */
export function drawTex(paint: Paint, tex: string, options: TexOptions): Rect {
  const display = options.display ?? true;
  const converted = convert(tex, display);
  const sizePx = fittedSize(converted, (options.size ?? 32) * paint.unit, options.maxWidth);
  const box = placeBox(converted, sizePx, options);
  const colors = {
    ink: options.color ?? paint.theme.ink,
    highlight: highlightColor(paint.theme),
    ...symbolColors(paint.theme),
  };
  const reveal = clamp01(options.reveal ?? 1);
  const { ctx } = paint;
  const layers: { layer: Layer; opacity: number }[] = [];
  if (reveal >= 1) layers.push({ layer: "whole", opacity: 1 });
  else if (converted.terms === 0) layers.push({ layer: "whole", opacity: smoothstep(0, 1, reveal) });
  else {
    layers.push({ layer: "base", opacity: 1 });
    const n = converted.terms;
    for (let k = 0; k < n; k++) layers.push({ layer: k, opacity: smoothstep(k, k + 1, reveal * n) });
  }
  ctx.save();
  const alpha = ctx.globalAlpha;
  for (const { layer, opacity } of layers) {
    if (opacity <= 0) continue;
    const stamp = rasterised(converted, layer, sizePx, colors, box);
    ctx.globalAlpha = alpha * opacity;
    ctx.drawImage(stamp.image, stamp.x, stamp.y);
  }
  ctx.restore();
  return box;
}

/** The size an equation takes at `size` (720p pixels, times `paint.unit`), without drawing it. */
export function measureTex(
  paint: Paint,
  tex: string,
  options: { size?: number; display?: boolean; maxWidth?: number } = {},
): TexSize {
  const converted = convert(tex, options.display ?? true);
  const s = fittedSize(converted, (options.size ?? 32) * paint.unit, options.maxWidth) / EM;
  return {
    width: converted.width * s,
    height: converted.height * s,
    ascent: -converted.top * s,
    descent: (converted.top + converted.height) * s,
  };
}

/** How many TeX strings MathJax has converted, and how many images were rasterised, in this process (for tests of the caches). */
export function texWorkCounts(): { conversions: number; rasterisations: number } {
  return { conversions: conversionCount, rasterisations: rasterisationCount };
}

// ---------------------------------------------------------------------------------------------
// TeX to SVG

/** MathJax's SVG units: 1000 to the em. */
const EM = 1000;

/** One converted equation: its box in SVG units and its SVG content with reveal markers. */
interface Converted {
  /** A number for this conversion, so image keys need not hold the content. */
  id: number;
  /** The viewBox: `top` is minus the height above the baseline. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** How many `\term{...}` the equation has. */
  terms: number;
  /** The svg element's content; `visibility="nrvis-root"` and `"nrvis-<k>"` mark what a layer shows. */
  content: string;
}

const TERM_CLASS = "nrterm";
const COLOR_TOKEN = "nrsym";
const SYMBOLS = ["w", "b", "a", "z", "C"] as const;

/**
 * The macros every equation may use. `\w` etc. expand to `{\color{nrsymw}{w}}`: a colour token
 * that becomes the theme's colour when the SVG is rasterised, so one conversion serves both
 * themes. MathJax defines none of these names (LaTeX's text-mode `\b` and `\a` accents mean
 * nothing in math), so nothing an author could mean by them is lost.
 */
const MACROS: Record<string, [string, number, string] | [string, number]> = {
  ...Object.fromEntries(SYMBOLS.map((s) => [s, [`{\\color{${COLOR_TOKEN}${s}}{#1}}`, 1, s]])),
  term: [`\\class{${TERM_CLASS}}{#1}`, 1],
  // A theme-aware highlight behind part of an equation (an entry of a matrix, a term).
  hl: ["{\\bbox[nrhl,2pt]{#1}}", 1],
};

/** The colours an equation is drawn in: its ink, the highlight behind `\hl{...}`, the symbols. */
type TexColors = SymbolColors & { ink: string; highlight: string };

/** `\hl`'s background: a pale yellow on light backgrounds, a dim olive on dark ones. */
function highlightColor(theme: { background: string }): string {
  return isDarkBackground(theme.background) ? "#4a4424" : "#fdeca6";
}

interface Jax {
  adaptor: LiteAdaptor;
  convert(tex: string, display: boolean): LiteElement;
}

let jax: Jax | undefined;
let conversionCount = 0;
const MAX_CONVERSIONS = 500;
const conversions = new Map<string, Converted>();

/**
 * MathJax, set up on first use: loading it takes about 250 ms, which scenes without equations
 * should not pay. Its files are CommonJS, so require() loads them synchronously.
 */
function mathjax(): Jax {
  if (jax) return jax;
  const require = createRequire(import.meta.url);
  const { mathjax } = require("mathjax-full/js/mathjax.js") as typeof import("mathjax-full/js/mathjax.js");
  const { TeX } = require("mathjax-full/js/input/tex.js") as typeof import("mathjax-full/js/input/tex.js");
  const { SVG } = require("mathjax-full/js/output/svg.js") as typeof import("mathjax-full/js/output/svg.js");
  const { liteAdaptor } =
    require("mathjax-full/js/adaptors/liteAdaptor.js") as typeof import("mathjax-full/js/adaptors/liteAdaptor.js");
  const { RegisterHTMLHandler } =
    require("mathjax-full/js/handlers/html.js") as typeof import("mathjax-full/js/handlers/html.js");
  const { AllPackages } =
    require("mathjax-full/js/input/tex/AllPackages.js") as typeof import("mathjax-full/js/input/tex/AllPackages.js");
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const input = new TeX({
    // noerrors and noundefined would draw bad TeX in red instead of reporting it.
    packages: AllPackages.filter((p) => p !== "noerrors" && p !== "noundefined"),
    macros: MACROS,
    formatError: (_jax: unknown, error: Error) => {
      throw error;
    },
  });
  const output = new SVG({ fontCache: "none" });
  const mathDocument = mathjax.document("", { InputJax: input, OutputJax: output });
  jax = {
    adaptor,
    convert: (tex, display) => mathDocument.convert(tex, { display }) as LiteElement,
  };
  return jax;
}

function convert(tex: string, display: boolean): Converted {
  const key = `${display ? "D" : "I"}|${tex}`;
  let converted = conversions.get(key);
  if (converted) {
    conversions.delete(key);
  } else {
    converted = convertNow(tex, display);
    if (conversions.size >= MAX_CONVERSIONS) conversions.delete(conversions.keys().next().value as string);
  }
  conversions.set(key, converted);
  return converted;
}

function convertNow(tex: string, display: boolean): Converted {
  const { adaptor, convert } = mathjax();
  let container: LiteElement;
  try {
    container = convert(tex, display);
  } catch (error) {
    // MathJax's own TexError is not an Error subclass, but it has a message.
    const message = (error as { message?: unknown } | null)?.message;
    throw new TexError(tex, typeof message === "string" ? message : String(error));
  }
  conversionCount++;
  const svg = adaptor.firstChild(container) as LiteElement;
  const [left, top, width, height] = String(adaptor.getAttribute(svg, "viewBox")).split(" ").map(Number);
  const root = adaptor.firstChild(svg) as LiteElement;
  adaptor.setAttribute(root, "visibility", "nrvis-root");
  const terms: LiteElement[] = [];
  markTerms(adaptor, root, tex, false, terms);
  terms.forEach((term, k) => {
    adaptor.setAttribute(term, "visibility", `nrvis-${k}`);
  });
  return {
    id: conversionCount,
    left: left ?? 0,
    top: top ?? 0,
    width: width ?? 0,
    height: height ?? 0,
    terms: terms.length,
    content: crispBrackets(adaptor.innerHTML(svg)),
  };
}

/**
 * MathJax draws a stretched square bracket (`bmatrix`, `\left[`) from three pieces, top corner,
 * scaled middle and bottom corner, that overlap by a tenth of an em so no gap shows. Smoothed
 * apart, the overlaps came out as dark bands across the stroke (its edge pixels covered twice)
 * and the stroke looked lighter between them. A bracket's pieces are only vertical and
 * horizontal lines, so they are drawn without smoothing (crisp edges): one even stroke, top to
 * bottom, at any size.
 */
function crispBrackets(content: string): string {
  return content.replace(/<path data-c="(23A[1-6])"/g, '<path shape-rendering="crispEdges" data-c="$1"');
}

/** Collects the `\term` groups in document order; refuses nested terms and MathJax error nodes. */
function markTerms(adaptor: LiteAdaptor, node: LiteNode, tex: string, inTerm: boolean, terms: LiteElement[]): void {
  if (adaptor.kind(node) === "#text" || adaptor.kind(node) === "#comment") return;
  const element = node as LiteElement;
  if (adaptor.getAttribute(element, "data-mml-node") === "merror")
    throw new TexError(tex, String(adaptor.getAttribute(element, "data-mjx-error") ?? "MathJax reported an error"));
  const isTerm = String(adaptor.getAttribute(element, "class") ?? "")
    .split(/\s+/)
    .includes(TERM_CLASS);
  if (isTerm) {
    if (inTerm) throw new TexError(tex, "\\term inside \\term; mark terms side by side");
    terms.push(element);
  }
  for (const child of adaptor.childNodes(element)) markTerms(adaptor, child, tex, inTerm || isTerm, terms);
}

// ---------------------------------------------------------------------------------------------
// SVG to pixels

/** What one image shows: the whole equation, everything but the terms, or term k alone. */
type Layer = "whole" | "base" | number;

interface Stamp {
  image: Image;
  /** Where its top-left corner goes, in whole pixels. */
  x: number;
  y: number;
}

/**
 * Rasterised images, most recently used last, bounded by their pixel memory (a 1080p equation
 * is about 0.5 MB): a long video with changing equations must not grow without end.
 */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
const images = new Map<string, { image: Image; bytes: number }>();
let imageBytes = 0;
let rasterisationCount = 0;

/**
 * The image of one layer, placed so its box lands at `box`. Images are drawn at whole pixels
 * (a fractional drawImage blurs) and rasterised at the box's quarter-pixel offset instead, so
 * an equation that moves slowly still moves smoothly.
 */
function rasterised(converted: Converted, layer: Layer, sizePx: number, colors: TexColors, box: Rect): Stamp {
  const pad = Math.ceil(sizePx * 0.2) + 1;
  const [x, ox] = pixelAndQuarter(box.x - pad);
  const [y, oy] = pixelAndQuarter(box.y - pad);
  const colorKey = `${colors.ink},${colors.highlight},${SYMBOLS.map((s) => colors[s]).join(",")}`;
  const key = `${converted.id}|${layer}|${sizePx}|${ox}|${oy}|${colorKey}`;
  let entry = images.get(key);
  if (entry) {
    images.delete(key);
  } else {
    const s = sizePx / EM;
    const width = Math.max(1, Math.ceil(converted.width * s + 2 * pad + ox));
    const height = Math.max(1, Math.ceil(converted.height * s + 2 * pad + oy));
    const viewBox = [converted.left - (pad + ox) / s, converted.top - (pad + oy) / s, width / s, height / s];
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}px" height="${height}px" viewBox="${viewBox.join(" ")}">` +
      `${layerContent(converted.content, layer, colors)}</svg>`;
    entry = { image: loadSvg(svg), bytes: width * height * 4 };
    rasterisationCount++;
    imageBytes += entry.bytes;
    while (imageBytes > MAX_IMAGE_BYTES && images.size > 0) {
      const [oldest, old] = images.entries().next().value as [string, { bytes: number }];
      images.delete(oldest);
      imageBytes -= old.bytes;
    }
  }
  images.set(key, entry);
  return { image: entry.image, x, y };
}

/** The SVG content for one layer, with colours filled in. */
function layerContent(content: string, layer: Layer, colors: TexColors): string {
  return content.replace(
    /currentColor|nrhl|nrsym([wbazC])|nrvis-(root|\d+)/g,
    (match, symbol?: string, vis?: string) => {
      if (match === "currentColor") return colors.ink;
      if (match === "nrhl") return colors.highlight;
      if (symbol) return colors[symbol as keyof SymbolColors];
      if (vis === "root") return layer === "whole" || layer === "base" ? "visible" : "hidden";
      if (layer === "whole") return "inherit";
      if (layer === "base") return "hidden";
      return Number(vis) === layer ? "visible" : "inherit";
    },
  );
}

/** node-canvas loads an Image from a buffer synchronously: onload or onerror runs before `src =` returns. */
function loadSvg(svg: string): Image {
  const image = new Image();
  let failure: Error | undefined;
  image.onerror = (error: Error) => {
    failure = error;
  };
  image.src = Buffer.from(svg);
  if (failure || !image.complete || image.width === 0)
    throw new Error(`could not rasterise an equation's SVG: ${failure?.message ?? "no image"}`);
  return image;
}

// ---------------------------------------------------------------------------------------------
// Placing

function fittedSize(converted: Converted, sizePx: number, maxWidth: number | undefined): number {
  if (maxWidth === undefined || converted.width === 0) return sizePx;
  return Math.min(sizePx, (maxWidth * EM) / converted.width);
}

/** The equation's box in frame pixels, from the anchor point and its alignment. */
function placeBox(converted: Converted, sizePx: number, options: TexOptions): Rect {
  const s = sizePx / EM;
  const width = converted.width * s;
  const height = converted.height * s;
  const ascent = -converted.top * s;
  const align = options.align ?? "left";
  const baseline = options.baseline ?? "alphabetic";
  const x = align === "left" ? options.x : align === "center" ? options.x - width / 2 : options.x - width;
  const y =
    baseline === "top"
      ? options.y
      : baseline === "middle"
        ? options.y - height / 2
        : baseline === "bottom"
          ? options.y - height
          : options.y - ascent;
  return { x, y, width, height };
}

/** A position split into whole pixels and a quarter-pixel remainder. */
function pixelAndQuarter(v: number): [number, number] {
  let whole = Math.floor(v);
  let quarter = Math.round((v - whole) * 4) / 4;
  if (quarter === 1) {
    whole += 1;
    quarter = 0;
  }
  return [whole, quarter];
}

/** TeX for a one-line message: whitespace runs (a multi-line environment's newlines) as one space. */
function oneLine(tex: string): string {
  const flat = tex.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
