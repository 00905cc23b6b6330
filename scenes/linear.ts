// Why a network needs a non-linearity: with identity activations (a = z) a [1, 2, 2, 1] network is
// one straight line in x however deep it is, a³ = W* x + b* with W* = W³W²W¹ and
// b* = W³(W²b¹ + b²) + b³ (the notebook's W*Xᵀ + b*). Beside it the same shape with sigmoid
// hidden units (and a tanh output, to reach −1) learns the step of the 1-D toy set.
//
// Both train on the toy set (20 points on linspace(−5, 5), labels ±1) from the same Xavier
// start, quadratic cost, mini-batches of 4, 20 epochs: the sigmoid net is the scene's run (η = 1),
// the identity net is trained in `prepare` with the engine's own `train` (η = 0.004). The numbers
// in the equations are computed from the identity run's weights at the frame's epoch.
import {
  courseFigure,
  defaultWindow,
  defineScene,
  drawPlot,
  drawTex,
  feedforward,
  paintFor,
  prepareCourseFigure,
  type Run,
  runNetwork,
  stateAround,
  timeline,
  train,
} from "../src/index.ts";

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

/** A number with `digits` decimals and room for a minus sign, so an entry keeps its width when its sign changes. */
const signed = (v: number, digits: number) => {
  const text = v.toFixed(digits);
  return text.startsWith("-") && Number(text) !== 0 ? text : `\\phantom{-}${text.replace(/^-/, "")}`;
};

/** Matrix entries with 3 decimals: enough that their product is W* to 0.001 and that training visibly moves them. */
const matrix = (rows: number[][]) =>
  `\\begin{bmatrix}${rows.map((r) => r.map((v) => signed(v, 3)).join(" & ")).join(" \\\\ ")}\\end{bmatrix}`;

export default defineScene({
  name: "linear",
  seed: 5,
  duration: 12,
  train: (seed) => config(Number(seed), "sigmoid"),
  prepare: (context) => {
    const { run, duration, seed } = context;
    const clock = timeline({ duration, epochs: 20, titleCard: 1.5, holdStart: 2, holdEnd: 2.5 });
    const figure = prepareCourseFigure(context, {
      title: "A linear network is a line at any depth",
      subtitle: "Identity activations versus sigmoid ones, on the 1-D toy set",
      beats: clock.beats,
      captions: [
        {
          at: "title:end",
          text: "Same shape, same start: identity activations (grey) and sigmoid ones; dots: the labels ±1.",
        },
        {
          at: "training:start",
          text: "However it trains, the identity network's output stays a straight line in x...",
        },
        { at: "training:0.6", text: "...because W³W²W¹ collapses to one number W*: depth buys nothing without σ." },
      ],
      columns: [{ plot: 11 }, { math: 9 }],
    });
    const identity: Run = train(config(Number(seed), "identity"));
    const window = defaultWindow(20, clock.phases.trainEnd - clock.phases.trainStart);
    return { figure, clock, identity, window, xs: run.data.X.map((p) => p[0] as number), ys: run.data.y };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["start:0.5", "training:middle", "end"],

  draw: (ctx, frame, { figure, clock, identity, window, xs, ys }) => {
    const paint = paintFor(ctx, frame);
    const { theme, unit } = paint;
    const { epoch } = clock(frame.time);
    // Both runs averaged over half a second of training: mini-batches of 4 make them noisy.
    const [lin, sig] = [stateAround(identity, epoch, { window }), stateAround(frame.run, epoch, { window })];
    const outputOf = (run: Run, state: typeof lin) => {
      const net = runNetwork(run, state);
      return (x: number) => feedforward(net, [x])[0] as number;
    };
    courseFigure(paint, frame, figure, (p) => {
      drawPlot(paint, p.plot, {
        x: { range: [-5, 5], ticks: [-4, -2, 0, 2, 4], label: "input x" },
        y: { range: [-1.5, 1.5], ticks: [-1, 0, 1], label: "output a³" },
        series: [
          { f: outputOf(identity, lin), name: "identity activations", color: theme.muted, width: 3.5 },
          { f: outputOf(frame.run, sig), name: "sigmoid, tanh output", color: theme.series[0], width: 3.5 },
          { kind: "scatter", xs, ys, classes: ys.map((y) => (y > 0 ? 1 : 0)), radius: 5 },
        ],
        // Above the plot: inside, it would cover the lines, which cross every corner.
        legend: "above",
      });
      const { W, b } = collapse(lin);
      const m = p.math;
      const line = (tex: string, y: number, size = 26) =>
        drawTex(paint, tex, { x: m.x, y: m.y + y * unit, size, maxWidth: m.width });
      line("\\text{identity: } \\a^l = \\z^l = \\w[W]^l\\a^{l-1} + \\b^l", 40);
      line("\\a^3 = \\w[W]^{*} x + \\b^{*}", 110, 30);
      line(`\\w[W]^{*} = \\w[W]^3\\,\\w[W]^2\\,\\w[W]^1 = ${signed(W, 3)}`, 190);
      const [W1, W2, W3] = lin.weights as [number[][], number[][], number[][]];
      line(`= ${matrix(W3)}${matrix(W2)}${matrix(W1)}`, 265, 24);
      line(`\\b^{*} = \\w[W]^3(\\w[W]^2\\b^1 + \\b^2) + \\b^3 = ${signed(b, 4)}`, 345);
      return {
        status: [
          { label: "epoch", value: `${epoch.toFixed(1).padStart(4, "\u2007")} / 20` },
          { label: "loss identity", value: lin.loss.toFixed(4) },
          { label: "sigmoid", value: sig.loss.toFixed(4) },
        ],
      };
    });
  },
});
