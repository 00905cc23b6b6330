// Checking backprop: while a [2, 3, 3, 1] sigmoid network learns circles, every 10 training
// steps the two-sided gradient check (ε = 1e−7, src/nn/gradcheck.ts) compares backprop's
// gradient of a fixed batch's cost with finite differences. The relative error stays far below
// 1e−7; with one gradient term made 10% too large it sits near 1e−2. Every number on the plot is
// gradientCheck's, computed in prepare from the run's snapshots.
import {
  backpropBatch,
  beats,
  captionAt,
  defineScene,
  drawCaption,
  drawHeader,
  drawPlot,
  drawTex,
  drawTitleCard,
  font,
  frameLayout,
  forwardBatch,
  fromRows,
  type GradientCheckOptions,
  gradientCheck,
  Network,
  type Paint,
  type PlotSeries,
  paintFor,
  type Rect,
  type Run,
  smoothstep,
  stack,
  themeNamed,
  transpose,
} from "../src/index.ts";

const TITLE = "Checking backprop with finite differences";
/** The check's batch: the first examples of the data set, the same at every step. */
export const CHECK_BATCH = 20;
export const EPS = 1e-7;
/** The corrupted term: ∂C/∂w²₁₂ (layer 2, unit 1 from unit 2), made 10% too large. */
export const CORRUPT = { layer: 2, j: 0, k: 1, factor: 1.1 };

/** Backprop with one term of ∂C/∂W made wrong: the kind of bug the check is for. */
export const corruptedGradient: NonNullable<GradientCheckOptions["gradient"]> = (net, ws) => {
  forwardBatch(net, ws);
  const g = backpropBatch(net, ws);
  const w = g.weights[CORRUPT.layer - 1];
  if (w) w.data[CORRUPT.j * w.cols + CORRUPT.k] = (w.data[CORRUPT.j * w.cols + CORRUPT.k] as number) * CORRUPT.factor;
  return g;
};

/** The network of a snapshot, as the run trained it. */
export function networkAt(run: Run, index: number): Network {
  const snapshot = run.snapshots[index];
  if (!snapshot) throw new RangeError(`the run has no snapshot ${index}`);
  const { sizes, activation = "sigmoid", outputActivation, loss } = run.config;
  return Network.fromPlain(
    { sizes, activation, ...(outputActivation ? { outputActivation } : {}), ...(loss ? { loss } : {}) },
    snapshot,
  );
}

/** The data set's name as the config gives it ("circles"), or a plain word for inline data. */
export function dataName(run: Run): string {
  return "dataset" in run.config.data ? run.config.data.dataset : "its data";
}

/** The check's batch from the run's data: X as (inputs x m), Y as (1 x m), one column per example. */
export function checkBatch(run: Run): { X: ReturnType<typeof fromRows>; Y: ReturnType<typeof fromRows> } {
  return {
    X: transpose(fromRows(run.data.X.slice(0, CHECK_BATCH))),
    Y: fromRows([run.data.y.slice(0, CHECK_BATCH)]),
  };
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** 3.0 × 10⁻⁸: two significant digits, as an instructor would write it. */
export function sci(v: number): string {
  const [mantissa, exponent = "0"] = v.toExponential(1).split("e");
  const power = [...exponent.replace("+", "")].map((c) => SUPERSCRIPT[c] ?? c).join("");
  return `${mantissa} × 10${power}`;
}

export default defineScene({
  name: "gradcheck",
  seed: 1,
  duration: 12,
  train: (seed) => ({
    sizes: [2, 3, 3, 1],
    activation: "sigmoid",
    data: { dataset: "circles", n: 200, factor: 0.3, noise: 0.1, seed },
    init: { scheme: "normal", seed },
    epochs: 40,
    batchSize: 20,
    learningRate: 5,
    shuffle: true,
    seed,
    snapshot: { layers: [], everyBatches: 10 },
  }),

  prepare: ({ run, duration }) => {
    const batch = checkBatch(run);
    const steps = run.snapshots.map((s) => s.batch);
    const clean = run.snapshots.map((_, i) => gradientCheck(networkAt(run, i), batch, { eps: EPS }).relativeError);
    const corrupted = run.snapshots.map(
      (_, i) => gradientCheck(networkAt(run, i), batch, { eps: EPS, gradient: corruptedGradient }).relativeError,
    );
    const clip = beats(duration, [
      { name: "title", seconds: 1.5 },
      { name: "check", weight: 1.2 },
      { name: "bug" },
      { name: "hold", seconds: 2 },
    ]);
    const worst = Math.max(...clean);
    const lowestBug = Math.min(...corrupted);
    return {
      clip,
      steps,
      clean,
      corrupted,
      accuracy: run.snapshots.at(-1)?.accuracy ?? 0,
      captions: [
        {
          from: clip.time("check"),
          to: clip.time("bug"),
          text: `Backprop agrees with the finite differences at all ${steps.length} checks: the largest error is ${sci(worst)}.`,
        },
        {
          from: clip.time("bug"),
          to: clip.time("hold:end") + 1,
          text: `Make one term, ∂C/∂w²₁₂, 10% too large: the error never drops below ${sci(lowestBug)}. The check catches it.`,
        },
      ],
    };
  },
  captions: ({ captions }) => captions,
  beats: ({ clip }) => clip,
  snapshots: ["check:middle", "bug:end", "hold:end"],

  draw: (ctx, frame, prepared) => {
    const { clip, steps, clean, corrupted, captions } = prepared;
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { theme, unit } = paint;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    const t = frame.time;
    const titleOpacity = 1 - smoothstep(clip.time("title:0.6"), clip.time("title:end"), t);
    const card = {
      theme,
      unit,
      title: TITLE,
      subtitle: `A [${frame.run.config.sizes.join(", ")}] ${frame.run.config.activation ?? "sigmoid"} network learns ${dataName(frame.run)}; every ${steps[1] ?? 0} steps we check its gradient`,
    };
    if (titleOpacity >= 1) return drawTitleCard(ctx, frame, { ...card, opacity: 1 });

    const last = steps.at(-1) ?? 1;
    const checkUpTo = clip.progress("check", t) * last;
    const bugUpTo = clip.progress("bug", t) * last;
    // The status follows the series being drawn: the latest check at or before its pen.
    const showing = bugUpTo > 0 ? { upTo: bugUpTo, errors: corrupted } : { upTo: checkUpTo, errors: clean };
    const latest = Math.max(0, steps.filter((s) => s <= showing.upTo).length - 1);

    const layout = frameLayout(frame.width, frame.height, { sideFraction: 0.33 });
    drawHeader(ctx, layout.header, {
      theme,
      unit,
      title: TITLE,
      status: [
        { label: "step", value: `${String(steps[latest] ?? 0).padStart(String(last).length, "\u2007")} / ${last}` },
        { label: bugUpTo > 0 ? "relative error (bug)" : "relative error", value: sci(showing.errors[latest] ?? 0) },
      ],
    });
    drawPlot(
      paint,
      { ...layout.main, height: layout.main.height - 12 * unit },
      {
        x: { range: [0, last], label: "training step (mini-batch updates)" },
        y: { range: [1e-11, 1], log: true, label: "relative error" },
        legend: "top-right",
        series: [
          ...progressive(paint, "backprop", 0, steps, clean, checkUpTo),
          ...progressive(paint, "one term 10% too large", 1, steps, corrupted, bugUpTo),
        ],
        references: [{ y: EPS, label: "10⁻⁷: pass below" }],
      },
    );
    drawEquations(paint, layout.side, smoothstep(0, 0.15, clip.progress("check", t)));
    const caption = captionAt(captions, t);
    drawCaption(ctx, layout.caption, caption.text, { theme, unit, opacity: caption.opacity });
    if (titleOpacity > 0) drawTitleCard(ctx, frame, { ...card, opacity: titleOpacity });
  },
});

/** A series drawn up to step `upTo` (nothing before it starts), with a dot at each check. */
function progressive(
  paint: Paint,
  name: string,
  colour: number,
  steps: number[],
  errors: number[],
  upTo: number,
): PlotSeries[] {
  const color = paint.theme.classes[colour] as string;
  const shown = upTo > 0 ? steps.filter((s) => s <= upTo).length : 0;
  return [
    { name, color, xs: steps, ys: errors, upTo: upTo > 0 ? upTo : -1, endMarker: upTo > 0 && shown < steps.length },
    { kind: "scatter", color, radius: 3, xs: steps.slice(0, shown), ys: errors.slice(0, shown) },
  ];
}

/** The check in TeX: the numeric gradient, then the relative error and the pass mark. */
function drawEquations(paint: Paint, side: Rect, opacity: number): void {
  const { ctx, theme, unit } = paint;
  const [first, second, third] = stack(side, [1, 1, 0.7], 12 * unit);
  const x = side.x + 10 * unit;
  const maxWidth = side.width - 20 * unit;
  ctx.save();
  ctx.globalAlpha = opacity;
  const note = (rect: Rect, text: string) => {
    ctx.fillStyle = theme.muted;
    ctx.font = font(17 * unit);
    ctx.fillText(text, x, rect.y + 22 * unit);
  };
  const at = (rect: Rect) => ({ x, y: rect.y + rect.height * 0.6, size: 27, maxWidth, baseline: "middle" as const });
  note(first as Rect, "each weight and bias p, nudged both ways:");
  drawTex(
    paint,
    String.raw`\hat g_i = \frac{\C(p_i + \varepsilon) - \C(p_i - \varepsilon)}{2\varepsilon}`,
    at(first as Rect),
  );
  note(second as Rect, "against backprop's gradient g:");
  drawTex(
    paint,
    String.raw`\text{error} = \frac{\lVert g - \hat g \rVert}{\lVert g \rVert + \lVert \hat g \rVert}`,
    at(second as Rect),
  );
  note(third as Rect, `ε = 10⁻⁷, C summed over ${CHECK_BATCH} examples`);
  drawTex(paint, String.raw`\text{pass:}\ \ \text{error} < 10^{-7}`, at(third as Rect));
  ctx.restore();
}
