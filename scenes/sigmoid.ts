// The sigmoid and its slope, with no network: σ(z) is drawn, then σ′(z) = σ(z)(1 − σ(z)), then
// σ′'s maximum ¼ at z = 0 is marked. The curves are the engine's own sigmoid (src/nn), so the
// plot is what every unit of the course's networks computes.
import {
  activation,
  courseFigure,
  defineScene,
  drawEquationColumn,
  drawPlot,
  type LineSeries,
  type Paint,
  type PlotOptions,
  paintFor,
  prepareCourseFigure,
  type Rect,
  smoothstep,
} from "../src/index.ts";

const engineSigmoid = activation("sigmoid");

/** σ(z), as the engine computes it for a unit. */
export function sigma(z: number): number {
  const a = new Float64Array(1);
  engineSigmoid.apply(Float64Array.of(z), a);
  return a[0] as number;
}

/** σ′(z), as the engine's backprop scales δ by it (δ = 1). */
export function sigmaPrime(z: number): number {
  const zs = Float64Array.of(z);
  const a = new Float64Array(1);
  engineSigmoid.apply(zs, a);
  const delta = Float64Array.of(1);
  engineSigmoid.scaleByDerivative(zs, a, delta);
  return delta[0] as number;
}

export default defineScene({
  name: "sigmoid",
  duration: 12,
  prepare: (context) => {
    const peak = sigmaPrime(0);
    const figure = prepareCourseFigure(context, {
      title: "The sigmoid and its slope",
      subtitle: "What every unit does to its weighted input z, and why its slope costs nothing extra",
      beats: [{ name: "sigma" }, { name: "prime" }, { name: "peak", seconds: 2.5 }, { name: "hold", seconds: 1.5 }],
      captions: [
        { at: "sigma", text: "σ squashes any weighted input z into (0, 1)." },
        { at: "prime", text: "Its slope reuses the value: σ′(z) = σ(z)(1 − σ(z)), no new exponential." },
        {
          at: "peak",
          text: `The slope peaks at ${peak === 0.25 ? "¼" : peak.toFixed(3)} at z = 0: on the way back, δ picks up a factor σ′ ≤ ¼ at every sigmoid layer.`,
        },
      ],
      columns: [{ plot: 2 }, { side: 1 }],
    });
    return { figure, peak };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["sigma:middle", "peak:end", "hold:end"],

  draw: (ctx, frame, { figure }) => {
    const paint = paintFor(ctx, frame);
    const shown = (beat: string) => figure.beats.progress(beat, frame.time);
    courseFigure(paint, frame, figure, (p) => {
      const drawn = { sigma: shown("sigma"), prime: shown("prime"), peak: smoothstep(0, 0.5, shown("peak")) };
      drawPlot(paint, p.plot, plotOptions(paint, drawn, false));
      if (drawn.peak > 0) {
        // A cross-fade to the same plot with the maximum marked (same layout, so nothing moves).
        ctx.save();
        ctx.globalAlpha = drawn.peak;
        ctx.fillStyle = paint.theme.background;
        ctx.fillRect(p.plot.x, p.plot.y, p.plot.width, p.plot.height);
        drawPlot(paint, p.plot, plotOptions(paint, drawn, true));
        ctx.restore();
      }
      drawEquations(paint, p.side, drawn);
      return { status: [{ label: "the activation of every unit in the course's networks", value: "" }] };
    });
  },
});

function plotOptions(paint: Paint, drawn: { sigma: number; prime: number }, marked: boolean): PlotOptions {
  const progress = (fraction: number): Partial<LineSeries> =>
    fraction < 1 ? { fraction, endMarker: fraction > 0 } : {};
  return {
    x: { range: [-5, 5], label: "z" },
    y: { range: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: String(value) })) },
    legend: "top-left",
    series: [
      { name: "σ(z)", f: sigma, ...progress(drawn.sigma) },
      // Not drawn at all before its beat, but in the legend from the start, so nothing moves.
      { name: "σ′(z)", f: sigmaPrime, ...progress(drawn.prime) },
    ],
    ...(marked
      ? {
          references: [{ y: sigmaPrime(0), label: "σ′(z) ≤ ¼" }],
          points: [{ at: [0, sigmaPrime(0)] as const, label: "maximum ¼ at z = 0", color: paint.theme.series[1] }],
        }
      : {}),
  };
}

/** The two definitions, then σ′ at 0, each fading in on its beat. */
function drawEquations(paint: Paint, side: Rect, drawn: { sigma: number; prime: number; peak: number }): void {
  const fade = (p: number) => smoothstep(0, 0.25, p);
  const rows = [
    { note: "the sigmoid", tex: String.raw`\sigma(\z) = \frac{1}{1 + e^{-\z}}`, opacity: fade(drawn.sigma), reveal: 1 },
    {
      note: "its derivative",
      tex: String.raw`\sigma'(\z) = \term{\sigma(\z)}\,\term{\big(1 - \sigma(\z)\big)}`,
      opacity: fade(drawn.prime),
      reveal: smoothstep(0.1, 0.6, drawn.prime),
    },
    {
      note: "its largest value",
      tex: String.raw`\sigma'(0) = \tfrac{1}{2}\cdot\tfrac{1}{2} = \tfrac{1}{4}`,
      opacity: drawn.peak,
      reveal: 1,
    },
  ];
  drawEquationColumn(paint, side, rows, { size: 30, gap: 16 });
}
