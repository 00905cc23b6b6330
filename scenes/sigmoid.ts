// The sigmoid and its slope, with no network: σ(z) is drawn, then σ′(z) = σ(z)(1 − σ(z)), then
// σ′'s maximum ¼ at z = 0 is marked. The curves are the engine's own sigmoid (src/nn), so the
// plot is what every unit of the course's networks computes.
import {
  activation,
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
  type LineSeries,
  type Paint,
  type PlotOptions,
  paintFor,
  type Rect,
  smoothstep,
  stack,
  themeNamed,
} from "../src/index.ts";

const TITLE = "The sigmoid and its slope";
const SUBTITLE = "What every unit does to its weighted input z, and why its slope costs nothing extra";
const Z_RANGE: [number, number] = [-5, 5];

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
  prepare: ({ duration }) => {
    const clip = beats(duration, [
      { name: "title", seconds: 1.5 },
      { name: "sigma" },
      { name: "prime" },
      { name: "peak", seconds: 2.5 },
      { name: "hold", seconds: 1.5 },
    ]);
    const peak = sigmaPrime(0);
    return {
      clip,
      peak,
      captions: [
        { from: clip.time("sigma"), to: clip.time("prime"), text: "σ squashes any weighted input z into (0, 1)." },
        {
          from: clip.time("prime"),
          to: clip.time("peak"),
          text: "Its slope reuses the value: σ′(z) = σ(z)(1 − σ(z)), no new exponential.",
        },
        {
          from: clip.time("peak"),
          to: clip.time("hold:end") + 1,
          text: `The slope peaks at ${peak === 0.25 ? "¼" : peak.toFixed(3)} at z = 0: on the way back, δ picks up a factor σ′ ≤ ¼ at every sigmoid layer.`,
        },
      ],
    };
  },
  captions: ({ captions }) => captions,
  beats: ({ clip }) => clip,
  snapshots: ["sigma:middle", "peak:end", "hold:end"],

  draw: (ctx, frame, { clip, captions }) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { theme, unit } = paint;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    const t = frame.time;
    const titleOpacity = 1 - smoothstep(clip.time("title:0.6"), clip.time("title:end"), t);
    const card = { theme, unit, title: TITLE, subtitle: SUBTITLE };
    if (titleOpacity >= 1) return drawTitleCard(ctx, frame, { ...card, opacity: 1 });

    const layout = frameLayout(frame.width, frame.height, { sideFraction: 0.34 });
    drawHeader(ctx, layout.header, {
      theme,
      unit,
      title: TITLE,
      status: [{ label: "the activation of every unit in the course's networks", value: "" }],
    });
    const drawn = {
      sigma: clip.progress("sigma", t),
      prime: clip.progress("prime", t),
      peak: smoothstep(0, 0.5, clip.progress("peak", t)),
    };
    const plotRect = { ...layout.main, height: layout.main.height - 12 * unit };
    drawPlot(paint, plotRect, plotOptions(paint, drawn.sigma, drawn.prime, false));
    if (drawn.peak > 0) {
      // A cross-fade to the same plot with the maximum marked (same layout, so nothing moves).
      ctx.save();
      ctx.globalAlpha = drawn.peak;
      ctx.fillStyle = theme.background;
      ctx.fillRect(plotRect.x, plotRect.y, plotRect.width, plotRect.height);
      drawPlot(paint, plotRect, plotOptions(paint, drawn.sigma, drawn.prime, true));
      ctx.restore();
    }
    drawEquations(paint, layout.side, drawn);
    const caption = captionAt(captions, t);
    drawCaption(ctx, layout.caption, caption.text, { theme, unit, opacity: caption.opacity });
    if (titleOpacity > 0) drawTitleCard(ctx, frame, { ...card, opacity: titleOpacity });
  },
});

function plotOptions(paint: Paint, sigmaDrawn: number, primeDrawn: number, marked: boolean): PlotOptions {
  const progress = (fraction: number): Partial<LineSeries> =>
    fraction < 1 ? { fraction, endMarker: fraction > 0 } : {};
  const marker = paint.theme.classes[1] as string;
  return {
    x: { range: Z_RANGE, label: "z" },
    y: {
      range: [0, 1],
      ticks: [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: String(value) })),
    },
    legend: "top-left",
    series: [
      { name: "σ(z)", f: sigma, ...progress(sigmaDrawn) },
      // Not drawn at all before its beat, but in the legend from the start, so nothing moves.
      { name: "σ′(z)", f: sigmaPrime, ...progress(primeDrawn) },
    ],
    ...(marked
      ? {
          references: [{ y: sigmaPrime(0), label: "σ′(z) ≤ ¼" }],
          points: [{ at: [0, sigmaPrime(0)] as const, label: "maximum ¼ at z = 0", color: marker }],
        }
      : {}),
  };
}

/** The two definitions, then σ′ at 0, each fading in on its beat. */
function drawEquations(paint: Paint, side: Rect, drawn: { sigma: number; prime: number; peak: number }): void {
  const { unit, theme } = paint;
  const [first, second, third] = stack(side, [1, 1, 1], 16 * unit);
  const x = side.x + 12 * unit;
  const maxWidth = side.width - 24 * unit;
  const label = (rect: Rect, text: string, opacity: number) => {
    paint.ctx.save();
    paint.ctx.globalAlpha = opacity;
    paint.ctx.fillStyle = theme.muted;
    paint.ctx.font = font(17 * unit);
    paint.ctx.fillText(text, x, rect.y + 26 * unit);
    paint.ctx.restore();
  };
  const fade = (p: number) => smoothstep(0, 0.25, p);
  const at = (rect: Rect) => ({ x, y: rect.y + rect.height * 0.62, size: 30, maxWidth, baseline: "middle" as const });
  label(first as Rect, "the sigmoid", fade(drawn.sigma));
  drawTex(paint, String.raw`\sigma(\z) = \frac{1}{1 + e^{-\z}}`, {
    ...at(first as Rect),
    reveal: fade(drawn.sigma),
  });
  label(second as Rect, "its derivative", fade(drawn.prime));
  paint.ctx.save();
  paint.ctx.globalAlpha = fade(drawn.prime);
  drawTex(paint, String.raw`\sigma'(\z) = \term{\sigma(\z)}\,\term{\big(1 - \sigma(\z)\big)}`, {
    ...at(second as Rect),
    reveal: smoothstep(0.1, 0.6, drawn.prime),
  });
  paint.ctx.restore();
  label(third as Rect, "its largest value", drawn.peak);
  drawTex(paint, String.raw`\sigma'(0) = \tfrac{1}{2}\cdot\tfrac{1}{2} = \tfrac{1}{4}`, {
    ...at(third as Rect),
    reveal: drawn.peak,
  });
}
