/** Colours and type of a frame. Class colours are Okabe–Ito's, safe for colour-blind viewers. */
export interface Theme {
  background: string;
  /** Main text. */
  ink: string;
  /** Secondary text: ticks, captions. */
  muted: string;
  /** Axes panes, grid and box edges. */
  pane: string;
  grid: string;
  edge: string;
  /** The classes, in label order: up to MAX_CLASSES (8), Okabe–Ito's colours. */
  classes: string[];
  /** Darker outlines of the class colours. */
  classOutlines: string[];
  /**
   * "The model": the decision plane, the boundary, the current-epoch marker, δ in the network
   * diagram. A dark slate (a light one on dark): not a hue of any class or symbol, so it is
   * never a second purple beside the biases' or a second blue beside the weights'.
   */
  accent: string;
  /**
   * Curves of a plot that are not classes (σ and σ′, three learning rates, a network's output):
   * Paul Tol's "muted" scheme, whose hues sit apart from the Okabe–Ito class colours, so a
   * curve never looks like class 0. drawPlot's default for a series without its own colour.
   */
  series: string[];
}

export const LIGHT: Theme = {
  background: "#ffffff",
  ink: "#1f2328",
  muted: "#5b636e",
  pane: "#f3f4f6",
  grid: "#d9dce1",
  edge: "#9aa1ab",
  classes: ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"],
  classOutlines: ["#004a75", "#8a3d00", "#00664b", "#8a4f70", "#995f00", "#2d7aa3", "#8f8826", "#000000"],
  accent: "#37474F",
  series: ["#332288", "#44AA99", "#882255", "#999933", "#88CCEE", "#CC6677", "#117733", "#DDCC77"],
};

export const DARK: Theme = {
  background: "#15181d",
  ink: "#e8eaed",
  muted: "#a3aab4",
  pane: "#1e2229",
  grid: "#343a44",
  edge: "#59616d",
  // Okabe–Ito's eight again, reordered so the first pair reads on a dark background; their
  // black would vanish there, so white takes its place.
  classes: ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#0072B2", "#D55E00", "#FFFFFF"],
  classOutlines: ["#1f6d99", "#8a5e00", "#00664b", "#8a4f70", "#8f8826", "#004a75", "#8a3d00", "#9aa1ab"],
  accent: "#CFD8DC",
  // The muted scheme's light members first: its indigo and wine are too dark on this background.
  series: ["#88CCEE", "#44AA99", "#DDCC77", "#CC6677", "#AA4499", "#999933", "#6699CC", "#EE99AA"],
};

/** How many classes a figure tells apart by colour: Okabe–Ito's eight. */
export const MAX_CLASSES = 8;

/** Raised when a figure is asked to colour more classes than the theme has colours for. */
export class ClassCountError extends Error {
  override name = "ClassCountError";
  constructor(what: string, count: number) {
    super(
      `${what}: ${count} classes, but a figure tells at most ${MAX_CLASSES} apart by colour; merge classes or show fewer`,
    );
  }
}

/** The theme for a name given on the command line (--theme light|dark). */
export function themeNamed(name: "light" | "dark"): Theme {
  return name === "dark" ? DARK : LIGHT;
}

export { withAlpha } from "./colour.ts";
