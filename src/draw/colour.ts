/**
 * Colours in one place: parsing, mixing, luminance and contrast, and the course's symbol
 * palette (the notebook's colours for w, b, a, z and C), used alike by TeX and the network
 * diagram, with its variant for dark backgrounds.
 */

/** [r, g, b] (0-255) of "#rrggbb" or "rgb(r,g,b)". */
export function rgbOf(colour: string): [number, number, number] {
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(colour);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = Number.parseInt(colour.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** rgba() of a colour with an alpha. */
export function withAlpha(colour: string, alpha: number): string {
  const [r, g, b] = rgbOf(colour);
  return `rgba(${r},${g},${b},${alpha})`;
}

/** The colour t of the way from a to b (t in [0, 1]). */
export function mix(a: string, b: string, t: number): string {
  const p = rgbOf(a);
  const q = rgbOf(b);
  const c = p.map((v, i) => Math.round(v + ((q[i] as number) - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = rgbOf(colour).map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Whether a background is dark: the one rule for choosing the dark variants of colours. */
export function isDarkBackground(background: string): boolean {
  return relativeLuminance(background) < 0.4;
}

/** The notebook's symbol colours: w blue, b purple, a green, z orange, C red. */
export interface SymbolColors {
  /** Weights w: blue. */
  w: string;
  /** Biases b: purple. */
  b: string;
  /** Activations a: green. */
  a: string;
  /** Weighted inputs z: orange. */
  z: string;
  /** The cost C: red. */
  C: string;
}

/**
 * Okabe–Ito hues, darkened on white and lightened on dark so that thin math strokes keep a
 * contrast of at least 3:1 (orange #E69F00 itself is 2.3:1 on white). On light, blue is the
 * theme's first class colour; on dark, the dark theme's.
 */
export const SYMBOL_COLORS: { light: SymbolColors; dark: SymbolColors } = {
  light: { w: "#0072B2", b: "#B45A96", a: "#008A62", z: "#C98500", C: "#B8320A" },
  dark: { w: "#56B4E9", b: "#E08DC4", a: "#1DB587", z: "#F2B53A", C: "#F0643C" },
};

/** The symbol colours that read on a theme's background. */
export function symbolColors(theme: { background: string }): SymbolColors {
  return isDarkBackground(theme.background) ? SYMBOL_COLORS.dark : SYMBOL_COLORS.light;
}
