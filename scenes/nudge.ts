// The notebook's nudge simulation: one example (x = 1.5, y = 0) through a [1, 1, 1, 1] sigmoid
// network with quadratic cost C₀ = ½(a³ − y)². We nudge one weight over a range and watch z³, a³
// and C₀ respond; the tangent at the current point has the slope backprop gives there (the
// engine's traceExample at the nudged weights): first for w³ in the last layer, where
// ∂z³/∂w³ = a², ∂a³/∂w³ = σ′(z³)a², ∂C₀/∂w³ = (a³ − y)σ′(z³)a² = δ³a², then for w¹ in the first,
// where the chain runs through every layer and ∂C₀/∂w¹ = δ¹x. Weights: standard normal, seed 4.
import {
  courseFigure,
  defineScene,
  drawPlot,
  drawTex,
  initNetwork,
  Network,
  niceTicks,
  paintFor,
  prepareCourseFigure,
  smoothstep,
  tickDecimals,
  traceExample,
} from "../src/index.ts";

export const EXAMPLE = { x: 1.5, y: 0 };
export const RANGE = 3;
const SPEC = { sizes: [1, 1, 1, 1], activation: "sigmoid" as const };

/** The network with weight w^layer (layer 1 or 3) moved by `nudge`, and backprop's slopes there. */
export function nudged(seed: number, layer: 1 | 3, nudge: number) {
  const plain = initNetwork(SPEC, { scheme: "normal", seed }).toPlain();
  const w = plain.weights[layer - 1] as number[][];
  (w[0] as number[])[0] = ((w[0] as number[])[0] as number) + nudge;
  const t = traceExample(Network.fromPlain(SPEC, plain), [EXAMPLE.x], EXAMPLE.y);
  const [z, a] = [t.zs.map((v) => v[0] as number), t.activations.map((v) => v[0] as number)];
  const dsig = (l: number) => (a[l] as number) * (1 - (a[l] as number));
  const W = plain.weights.map((m) => (m[0] as number[])[0] as number);
  const dz = layer === 3 ? (a[2] as number) : (W[2] as number) * dsig(2) * (W[1] as number) * dsig(1) * EXAMPLE.x;
  const gradient = (t.gradients.weights[layer - 1] as { data: Float64Array }).data[0] as number;
  return {
    weight: (w[0] as number[])[0] as number,
    z: z[3] as number,
    a: a[3] as number,
    C: t.cost,
    slopes: { z: dz, a: dsig(3) * dz, C: gradient },
  };
}

const PHASES = [
  {
    layer: 3 as const,
    tex: [
      "\\frac{\\partial\\z^3}{\\partial\\w^3} = \\a^2",
      "\\frac{\\partial\\a^3}{\\partial\\w^3} = \\sigma'(\\z^3)\\,\\a^2",
      "\\frac{\\partial\\C_0}{\\partial\\w^3} = (\\a^3 - y)\\,\\sigma'(\\z^3)\\,\\a^2",
    ],
  },
  {
    layer: 1 as const,
    tex: [
      "\\frac{\\partial\\z^3}{\\partial\\w^1} = \\w^3\\sigma'(\\z^2)\\,\\w^2\\sigma'(\\z^1)\\,x",
      "\\frac{\\partial\\a^3}{\\partial\\w^1} = \\sigma'(\\z^3)\\,\\frac{\\partial\\z^3}{\\partial\\w^1}",
      "\\frac{\\partial\\C_0}{\\partial\\w^1} = \\delta^1 x",
    ],
  },
];
const ROWS = [
  { key: "z" as const, label: "z³" },
  { key: "a" as const, label: "a³" },
  { key: "C" as const, label: "C₀" },
];

export default defineScene({
  name: "nudge",
  seed: 4,
  duration: 13,
  prepare: (context) => {
    const seed = Number(context.seed);
    const figure = prepareCourseFigure(context, {
      title: "Nudge a weight: the slope is the derivative",
      subtitle: "A [1, 1, 1, 1] sigmoid network, one example (x = 1.5, y = 0)",
      beats: [{ name: "w3" }, { name: "w1" }, { name: "end", seconds: 1 }],
      captions: [
        { at: "title:end", text: "Nudge the last layer's weight w³: z³, a³ and the cost C₀ all move." },
        { at: "w3:0.5", text: "Each tangent's slope is the derivative backprop computes at that point." },
        { at: "w1", text: "Now a first-layer weight w¹: the same slopes, through every layer of the chain." },
      ],
      columns: [{ rows: [{ z: 1 }, { a: 1 }, { C: 1 }], weight: 11, gap: 8 }, { math: 9 }],
    });
    // Each panel's y axis, fixed per weight from the whole sweep so it never moves; tick labels
    // padded with figure spaces to one width, so the three linked panels' x axes line up.
    const axes = PHASES.map(({ layer }) => {
      const sweep = Array.from({ length: 121 }, (_, i) => nudged(seed, layer, RANGE * (i / 60 - 1)));
      const rows = ROWS.map(({ key }) => {
        const [lo, hi] = [Math.min(...sweep.map((s) => s[key])), Math.max(...sweep.map((s) => s[key]))];
        const range: [number, number] = [lo - 0.15 * (hi - lo), hi + 0.15 * (hi - lo)];
        return { range, ticks: niceTicks(range[0], range[1], 4).filter((t) => t >= range[0] && t <= range[1]) };
      });
      const decimals = Math.max(...rows.map((r) => tickDecimals(r.ticks)));
      const label = (t: number) => t.toFixed(decimals).replace("-", "−");
      const width = Math.max(...rows.flatMap((r) => r.ticks.map((t) => label(t).length)));
      return rows.map((r) => ({
        range: r.range,
        ticks: r.ticks.map((value) => ({ value, label: label(value).padStart(width, "\u2007") })),
      }));
    });
    return { figure, axes, seed };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["w3:0.15", "w1:middle", "end"],

  draw: (ctx, frame, { figure, axes, seed }) => {
    const paint = paintFor(ctx, frame);
    const { theme, unit } = paint;
    const clip = figure.beats;
    const phase = clip.progress("w3", frame.time) < 1 ? 0 : 1;
    const { layer, tex } = PHASES[phase] as (typeof PHASES)[number];
    const nudge =
      RANGE * Math.sin(2 * Math.PI * smoothstep(0, 1, clip.progress(phase === 0 ? "w3" : "w1", frame.time)));
    const now = nudged(seed, layer, nudge);
    const w0 = now.weight - nudge;
    courseFigure(paint, frame, figure, (p) => {
      const cost = "\\C_0 = \\tfrac12(\\a^3 - y)^2,\\quad x = 1.5,\\ y = 0";
      const { header } = p;
      drawTex(paint, cost, {
        x: header.x + header.width,
        y: header.y + 64 * unit,
        align: "right",
        baseline: "middle",
        size: 22,
      });
      // Dip to the background where w³ hands over to w¹, rather than cutting between the two sweeps.
      ctx.save();
      ctx.globalAlpha = smoothstep(0, 0.35, Math.abs(frame.time - clip.span("w1").start));
      ROWS.forEach(({ key, label }, i) => {
        const [y0, slope, h] = [now[key], now.slopes[key], RANGE / 4];
        const plot = drawPlot(paint, p[key], {
          x: {
            range: [w0 - RANGE, w0 + RANGE],
            ...(i === 2 ? { label: `${layer === 3 ? "w³" : "w¹"} + nudge` } : {}),
            tickCount: 5,
          },
          y: { label, ...(axes[phase] as (typeof axes)[number])[i] },
          series: [
            { f: (w) => nudged(seed, layer, w - w0)[key], color: theme.ink, width: 2.5, samples: 80 },
            {
              xs: [now.weight - h, now.weight + h],
              ys: [y0 - h * slope, y0 + h * slope],
              color: theme.series[0],
              width: 3,
            },
          ],
          references: [{ x: w0, color: theme.muted, dash: [4, 4], ...(i === 0 ? { label: "no nudge" } : {}) }],
          legend: "none",
        });
        const at = plot.toPixel(now.weight, y0);
        ctx.beginPath();
        ctx.arc(at.x, at.y, 6 * unit, 0, 2 * Math.PI);
        ctx.fillStyle = theme.series[0] as string;
        ctx.fill();
        const row = p[key];
        drawTex(paint, `${tex[i]} = ${now.slopes[key].toFixed(4)}`, {
          x: p.math.x,
          y: row.y + row.height / 2,
          baseline: "middle",
          size: 24,
          maxWidth: p.math.width,
        });
      });
      ctx.restore();
      const sign = ["−", "\u2007", "+"][Math.sign(Math.round(nudge * 100)) + 1];
      return {
        status: [
          { label: "weight", value: layer === 3 ? "w³ (last layer)" : "w¹ (first layer)" },
          { label: "nudge", value: `${sign}${Math.abs(nudge).toFixed(2)}` },
          { label: "C₀", value: now.C.toFixed(4) },
        ],
      };
    });
  },
});
