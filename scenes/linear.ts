// Why a network needs a non-linearity: with identity activations (a = z) a [1, 2, 2, 1] network is
// one straight line in x however deep it is, a³ = W* x + b* with W* = W³W²W¹ and
// b* = W³(W²b¹ + b²) + b³ (the notebook's W*Xᵀ + b*). Beside it the same shape with sigmoid
// hidden units (and a tanh output, to reach −1) learns the step of the 1-D toy set.
//
// Both train on the toy set (20 points on linspace(−5, 5), labels ±1) from the same Xavier
// start, quadratic cost, mini-batches of 4, 20 epochs: the sigmoid net is the scene's run (η = 1),
// the identity net is trained in `prepare` with the engine's own `train` (η = 0.004). The numbers
// in the equations are computed from the identity run's weights at the frame's epoch.
import type { Run } from "../src/index.ts";
import {
  captionAt,
  defineScene,
  drawCaption,
  drawHeader,
  drawPlot,
  drawTex,
  drawTitleCard,
  feedforward,
  font,
} from "../src/index.ts";
import { Network, paintFor, panels, stateAt, themeNamed, timeline, train } from "../src/index.ts";

const config = (seed: number, activation: "identity" | "sigmoid") => ({
  sizes: [1, 2, 2, 1],
  activation,
  outputActivation: activation === "identity" ? ("identity" as const) : ("tanh" as const),
  data: { dataset: "toy1d" as const, n: 20 },
  init: { scheme: "xavier" as const, seed },
  epochs: 20,
  batchSize: 4,
  learningRate: activation === "identity" ? 0.004 : 1,
  shuffle: true,
  seed,
  snapshot: { layers: [] },
});

/** The identity network's collapsed map: W* = W³W²W¹ and b* = W³(W²b¹ + b²) + b³ (for any depth). */
export function collapse(p: { weights: number[][][]; biases: number[][] }): { W: number; b: number } {
  let W = [[1]];
  let b = [0];
  p.weights.forEach((Wl, l) => {
    W = Wl.map((row) =>
      (W[0] as number[]).map((_, j) => row.reduce((s, v, k) => s + v * ((W[k] as number[])[j] as number), 0)),
    );
    b = Wl.map(
      (row, i) => row.reduce((s, v, k) => s + v * (b[k] as number), 0) + ((p.biases[l] as number[])[i] as number),
    );
  });
  return { W: (W[0] as number[])[0] as number, b: b[0] as number };
}

const matrix = (rows: number[][]) =>
  `\\begin{bmatrix}${rows.map((r) => r.map((v) => v.toFixed(2)).join(" & ")).join(" \\\\ ")}\\end{bmatrix}`;

export default defineScene({
  name: "linear",
  seed: 5,
  duration: 12,
  train: (seed) => config(Number(seed), "sigmoid"),
  prepare: ({ run, duration, seed }) => {
    const clock = timeline({ duration, epochs: 20, titleCard: 1.5, holdStart: 2, holdEnd: 2.5 });
    const texts = [
      {
        at: "title:end",
        text: "Same shape, same start: identity activations (grey) and sigmoid ones; dots: the labels ±1.",
      },
      { at: "training:start", text: "However it trains, the identity network's output stays a straight line in x..." },
      { at: "training:0.6", text: "...because W³W²W¹ collapses to one number W*: depth buys nothing without σ." },
    ];
    const starts = texts.map((c) => clock.beats.time(c.at));
    const captions = texts.map((c, i) => ({
      from: starts[i] as number,
      to: starts[i + 1] ?? duration + 1,
      text: c.text,
    }));
    const identity: Run = train(config(Number(seed), "identity"));
    return { clock, captions, identity, xs: run.data.X.map((p) => p[0] as number), ys: run.data.y };
  },
  captions: (p) => p.captions,
  beats: (p) => p.clock.beats,
  snapshots: ["start:0.5", "training:middle", "end"],

  draw: (ctx, frame, { clock, captions, identity, xs, ys }) => {
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { theme, unit } = paint;
    const at = clock(frame.time);
    const lin = stateAt(identity, at.epoch);
    const sig = stateAt(frame.run, at.epoch);
    const netOf = (s: typeof lin, activation: "identity" | "sigmoid") =>
      Network.fromPlain(
        { sizes: [1, 2, 2, 1], activation, outputActivation: activation === "identity" ? "identity" : "tanh" },
        s,
      );
    const [linNet, sigNet] = [netOf(lin, "identity"), netOf(sig, "sigmoid")];
    const { W, b } = collapse(lin);
    const p = panels(paint, { columns: [{ plot: 11 }, { math: 9 }], header: true, caption: true });
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, paint.width, paint.height);
    const title = "A linear network is a line at any depth";
    drawHeader(ctx, p.header as typeof p.plot, {
      theme,
      unit,
      title,
      status: [
        { label: "epoch", value: `${at.epoch.toFixed(1)} / 20` },
        { label: "loss identity", value: lin.loss.toFixed(4) },
        { label: "sigmoid", value: sig.loss.toFixed(4) },
      ],
    });
    const curves = [
      {
        f: (x: number) => feedforward(linNet, [x])[0] as number,
        name: "identity activations",
        color: theme.muted,
        width: 3.5,
      },
      {
        f: (x: number) => feedforward(sigNet, [x])[0] as number,
        name: "sigmoid, tanh output",
        color: theme.accent,
        width: 3.5,
      },
    ];
    drawPlot(paint, p.plot, {
      x: { range: [-5, 5], ticks: [-4, -2, 0, 2, 4], label: "input x" },
      y: { range: [-1.5, 1.5], ticks: [-1, 0, 1], label: "output a³" },
      series: [...curves, { kind: "scatter", xs, ys, classes: ys.map((y) => (y > 0 ? 1 : 0)), radius: 5 }],
      legend: "none",
    });
    // The legend above the plot, right-aligned on the axis title's line: inside, it would cover data.
    ctx.save();
    ctx.font = font(17 * unit);
    ctx.textBaseline = "middle";
    let right = p.plot.x + p.plot.width;
    for (const c of [...curves].reverse()) {
      const x = right - ctx.measureText(c.name).width;
      ctx.fillStyle = theme.ink;
      ctx.fillText(c.name, x, p.plot.y + 8 * unit);
      ctx.strokeStyle = c.color;
      ctx.lineWidth = c.width * unit;
      ctx.beginPath();
      ctx.moveTo(x - 36 * unit, p.plot.y + 8 * unit);
      ctx.lineTo(x - 8 * unit, p.plot.y + 8 * unit);
      ctx.stroke();
      right = x - 56 * unit;
    }
    ctx.restore();
    const m = p.math;
    const line = (tex: string, y: number, size = 26) =>
      drawTex(paint, tex, { x: m.x, y: m.y + y * unit, size, maxWidth: m.width });
    line("\\text{identity: } \\a^l = \\z^l = \\w[W]^l\\a^{l-1} + \\b^l", 40);
    line("\\a^3 = \\w[W]^{*} x + \\b^{*}", 110, 30);
    line("\\w[W]^{*} = \\w[W]^3\\,\\w[W]^2\\,\\w[W]^1", 180);
    line(
      `= ${matrix(lin.weights[2] as number[][])}${matrix(lin.weights[1] as number[][])}${matrix(lin.weights[0] as number[][])} = ${W.toFixed(3)}`,
      270,
      24,
    );
    line("\\b^{*} = \\w[W]^3(\\w[W]^2\\b^1 + \\b^2) + \\b^3", 370);
    line(`= ${b.toFixed(3)}`, 420, 24);
    const caption = captionAt(captions, frame.time);
    drawCaption(ctx, p.caption as typeof p.plot, caption.text, { theme, unit, opacity: caption.opacity });
    drawTitleCard(ctx, paint, {
      theme,
      unit,
      title,
      subtitle: "Identity activations versus sigmoid ones, on the 1-D toy set",
      opacity: at.titleOpacity,
    });
  },
});
