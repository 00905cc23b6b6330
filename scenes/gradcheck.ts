// Checking backprop: while a [2, 3, 3, 1] sigmoid network learns circles, every 10 training
// steps the two-sided gradient check (ε = 1e−7, src/nn/gradcheck.ts) compares backprop's
// gradient of a fixed batch's cost with finite differences. The relative error stays far below
// 1e−7; with one gradient term made 10% too large it sits near 1e−2. Every number on the plot is
// gradientCheck's, computed in prepare from the run's snapshots.
import {
  backpropBatch,
  courseFigure,
  defineScene,
  drawEquationColumn,
  drawPlot,
  forwardBatch,
  fromRows,
  type GradientCheckOptions,
  gradientCheck,
  networkLabel,
  type Paint,
  type PlotSeries,
  paintFor,
  prepareCourseFigure,
  type Rect,
  type Run,
  runNetwork,
  smoothstep,
  transpose,
} from "../src/index.ts";

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

/** 3.0 × 10⁻⁸: two significant digits, as an instructor would write it. */
export function sci(v: number): string {
  const [mantissa, exponent = "0"] = v.toExponential(1).split("e");
  const power = [...exponent.replace("+", "")].map((c) => (c === "-" ? "⁻" : "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)])).join("");
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

  prepare: (context) => {
    const { run } = context;
    const batch = checkBatch(run);
    const steps = run.snapshots.map((s) => s.batch);
    const check = (options: GradientCheckOptions) =>
      run.snapshots.map((snapshot) => gradientCheck(runNetwork(run, snapshot), batch, options).relativeError);
    const clean = check({ eps: EPS });
    const corrupted = check({ eps: EPS, gradient: corruptedGradient });
    const figure = prepareCourseFigure(context, {
      title: "Checking backprop with finite differences",
      subtitle: `A ${networkLabel(run.config)} network learns ${dataName(run)}; every ${steps[1] ?? 0} steps we check its gradient`,
      // "bug" starts a second series: the status line switches to it at once, by design (a cut).
      beats: [
        { name: "check", weight: 1.2 },
        { name: "checked", seconds: 1.5 },
        { name: "bug", cut: true },
        { name: "hold", seconds: 2 },
      ],
      captions: [
        {
          at: "check",
          text: `Every ${steps[1] ?? 0} steps, backprop's gradient is compared with finite differences...`,
        },
        {
          at: "checked",
          text: `...and agrees at all ${steps.length} checks: the largest error is ${sci(Math.max(...clean))}.`,
        },
        {
          at: "bug",
          text: `Make one term, ∂C/∂w²₁₂, 10% too large: the error never drops below ${sci(Math.min(...corrupted))}. The check catches it.`,
        },
      ],
      columns: [{ plot: 2 }, { side: 1 }],
    });
    return { figure, steps, clean, corrupted };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["check:middle", "bug:end", "hold:end"],

  draw: (ctx, frame, { figure, steps, clean, corrupted }) => {
    const paint = paintFor(ctx, frame);
    const last = steps.at(-1) ?? 1;
    const checkUpTo = figure.beats.progress("check", frame.time) * last;
    const bugUpTo = figure.beats.progress("bug", frame.time) * last;
    // The status follows the series being drawn: the latest check at or before its pen.
    const showing = bugUpTo > 0 ? { upTo: bugUpTo, errors: corrupted } : { upTo: checkUpTo, errors: clean };
    const latest = Math.max(0, steps.filter((s) => s <= showing.upTo).length - 1);
    courseFigure(paint, frame, figure, (p) => {
      drawPlot(paint, p.plot, {
        x: { range: [0, last], label: "training step (mini-batch updates)" },
        y: { range: [1e-11, 1], log: true, label: "relative error" },
        legend: "top-right",
        series: [
          ...progressive(paint, "backprop", 0, steps, clean, checkUpTo),
          ...progressive(paint, "one term 10% too large", 1, steps, corrupted, bugUpTo),
        ],
        references: [{ y: EPS, label: "10⁻⁷: pass below" }],
      });
      drawEquations(paint, p.side, smoothstep(0, 0.15, figure.beats.progress("check", frame.time)));
      const step = String(steps[latest] ?? 0).padStart(String(last).length, "\u2007");
      return {
        status: [
          { label: "step", value: `${step} / ${last}` },
          { label: bugUpTo > 0 ? "relative error (bug)" : "relative error", value: sci(showing.errors[latest] ?? 0) },
        ],
      };
    });
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
  const rows = [
    {
      note: "each weight or bias p, nudged both ways:",
      tex: String.raw`\hat g_i = \frac{\C(p_i + \varepsilon) - \C(p_i - \varepsilon)}{2\varepsilon}`,
    },
    {
      note: "against backprop's gradient g:",
      tex: String.raw`\text{error} = \frac{\lVert g - \hat g \rVert}{\lVert g \rVert + \lVert \hat g \rVert}`,
    },
    {
      note: `ε = 10⁻⁷, C summed over ${CHECK_BATCH} examples`,
      tex: String.raw`\text{pass:}\ \ \text{error} < 10^{-7}`,
      weight: 0.7,
    },
  ];
  drawEquationColumn(
    paint,
    side,
    rows.map((row) => ({ ...row, opacity })),
    { size: 27, gap: 12, inset: 10, noteAt: 22, texAt: 0.6 },
  );
}
