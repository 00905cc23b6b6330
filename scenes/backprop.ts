// Backpropagation on one example, with the numbers of a trained network: a [2, 3, 3, 1] sigmoid
// network that learned circles takes one point forward, δ starts at the output (BP1) and
// travels back (BP2), the gradients follow (BP3, BP4), and one weight takes a gradient step.
// Every number is traceExample's (src/nn/trace.ts): the engine's own forward and backward pass.
import {
  type Beats,
  courseFigure,
  defineScene,
  drawEquationColumn,
  drawNetworkDiagram,
  type ExampleTrace,
  formatNumber,
  type Network,
  type Paint,
  paintFor,
  prepareCourseFigure,
  type Rect,
  type Run,
  runNetwork,
  smoothstep,
  traceExample,
} from "../src/index.ts";

/**
 * The example shown: of those the trained network classifies right, the one with the largest
 * cost (the network is least sure of it), so δ is large enough to read.
 */
export function chosenExample(run: Run, net: Network): number {
  let best = 0;
  let bestCost = -1;
  run.data.X.forEach((x, i) => {
    const label = run.data.y[i] as number;
    const trace = traceExample(net, x, label);
    const out = trace.activations[net.depth]?.[0] as number;
    const right = out >= 0.5 === (label === 1);
    if (right && trace.cost > bestCost) {
      best = i;
      bestCost = trace.cost;
    }
  });
  return best;
}

/** The weight shown with its gradient: the output layer's weight with the largest |∂C/∂w|. */
export function chosenWeight(trace: ExampleTrace): { layer: number; j: number; k: number } {
  const L = trace.sizes.length - 1;
  const g = trace.gradients.weights[L - 1];
  let k = 0;
  if (g) for (let c = 1; c < g.cols; c++) if (Math.abs(g.data[c] as number) > Math.abs(g.data[k] as number)) k = c;
  return { layer: L, j: 0, k };
}

export default defineScene({
  name: "backprop",
  seed: 3,
  duration: 14,
  train: (seed) => ({
    sizes: [2, 3, 3, 1],
    activation: "sigmoid",
    data: { dataset: "circles", n: 400, factor: 0.3, noise: 0.1, seed },
    init: { scheme: "normal", seed },
    epochs: 30,
    batchSize: 20,
    learningRate: 5,
    shuffle: true,
    seed,
    snapshot: { layers: [] },
  }),

  prepare: (context) => {
    const { run } = context;
    const net = runNetwork(run);
    const index = chosenExample(run, net);
    const label = run.data.y[index] as number;
    const trace = traceExample(net, run.data.X[index] as number[], label);
    const edge = chosenWeight(trace);
    const L = net.depth;
    const eta = run.config.learningRate;
    const cols = net.sizes[edge.layer - 1] as number;
    const w = (net.weights[edge.layer - 1]?.data[edge.j * cols + edge.k] ?? 0) as number;
    const dw = (trace.gradients.weights[edge.layer - 1]?.data[edge.j * cols + edge.k] ?? 0) as number;
    // One example's step (m = 1): w ← w − η ∂C/∂w.
    const updated = w - eta * dw;
    const weights = run.snapshots.at(-1)?.weights ?? [];
    const updatedWeights = weights.map((layer, k) =>
      k === edge.layer - 1
        ? layer.map((row, j) => row.map((v, c) => (j === edge.j && c === edge.k ? updated : v)))
        : layer,
    );
    const [aL, zL, dL] = [trace.activations[L]?.[0], trace.zs[L]?.[0], trace.deltas[L]?.[0]] as [
      number,
      number,
      number,
    ];
    const n = (v: number, d = 3) => formatNumber(v, d);
    const sub = (s: string) => [...s].map((c) => "₀₁₂₃₄₅₆₇₈₉"[Number(c)] ?? c).join("");
    const sup = (s: string) => [...s].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)] ?? c).join("");
    const wName = `w${sup(String(edge.layer))}${sub(`${edge.j + 1}${edge.k + 1}`)}`;
    const aName = `a${sup(String(edge.layer - 1))}${sub(String(edge.k + 1))}`;
    const delta = trace.deltas[edge.layer]?.[edge.j] as number;
    const aPrev = trace.activations[edge.layer - 1]?.[edge.k] as number;
    const data = "dataset" in run.config.data ? run.config.data.dataset : "its data";
    const figure = prepareCourseFigure(context, {
      title: "Backpropagation, one example",
      subtitle: `The [${trace.sizes.join(", ")}] network, trained on ${data}, takes one point forward and back`,
      beats: [
        { name: "forward" },
        { name: "bp1" },
        { name: "bp2", weight: 1.5 },
        { name: "grads" },
        { name: "update" },
        { name: "hold", seconds: 1.5 },
      ],
      captions: [
        {
          at: "forward",
          text: `Forward: each layer computes z = W a + b and a = σ(z); the network outputs ${n(aL)} for y = ${label}.`,
        },
        {
          at: "bp1",
          text: `BP1 at the output: δ${sup(String(L))} = (${n(aL)} − ${label}) × σ′(${n(zL, 2)}) = ${n(dL)}.`,
        },
        { at: "bp2", text: "BP2: δ travels back along the weights, scaled by σ′(z) at every unit." },
        {
          at: "grads",
          text: `BP3, BP4: ∂C/∂${wName} = δ${sup(String(edge.layer))}${sub(String(edge.j + 1))} ${aName} = ${n(delta)} × ${n(aPrev)} = ${n(dw)}.`,
        },
        {
          at: "update",
          text: `A step with η = ${eta}: ${wName} ← ${n(w, 2)} − ${eta} × (${n(dw)}) = ${n(updated, 2)}.`,
        },
      ],
      columns: [{ diagram: 3 }, { side: 2 }],
    });
    const weightScale = Math.max(...weights.flat(2).map(Math.abs), Math.abs(updated));
    return { figure, trace, index, label, edge, eta, w, dw, updated, weights, updatedWeights, weightScale };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["forward:end", "bp2:end", "update:end"],

  draw: (ctx, frame, prepared) => {
    const { figure, trace, edge } = prepared;
    const paint = paintFor(ctx, frame);
    const shown = (beat: string) => figure.beats.progress(beat, frame.time);
    const L = trace.sizes.length - 1;
    const x = trace.activations[0] as Float64Array;
    courseFigure(paint, frame, figure, (p) => {
      // The passes: forward over its beat, then δ back from L + 1 (nothing yet) to 1.
      const backward = shown("bp1") < 1 ? L + 1 - shown("bp1") : L - (L - 1) * shown("bp2");
      drawNetworkDiagram(paint, p.diagram, {
        sizes: trace.sizes,
        weights: shown("update") > 0.5 ? prepared.updatedWeights : prepared.weights,
        weightScale: prepared.weightScale,
        trace,
        titles: "symbols",
        forward: L * shown("forward"),
        ...(shown("bp1") > 0 ? { backward } : {}),
        deltaLabels: true,
        // The weight's label grows a second line, its gradient, by cross-fading into it.
        labels: {
          edges: [
            { ...edge, show: ["w"], opacity: 1 - smoothstep(0.1, 0.25, shown("grads")) },
            { ...edge, show: ["w", "dC/dw"], opacity: smoothstep(0.1, 0.25, shown("grads")) },
          ],
        },
      });
      drawEquations(paint, p.side, figure.beats, frame.time, prepared);
      const status = [
        { label: "x =", value: `(${formatNumber(x[0] as number, 2)}, ${formatNumber(x[1] as number, 2)})` },
        { label: "y =", value: String(prepared.label) },
      ];
      // The output and the cost fade in as the forward pass computes them (last, so nothing shifts).
      const computed = smoothstep(0.85, 1, shown("forward"));
      if (computed <= 0) return { status };
      const output = formatNumber(trace.activations[L]?.[0] as number, 3);
      return {
        status: [
          ...status,
          { label: "output", value: output, opacity: computed },
          { label: "cost C", value: formatNumber(trace.cost, 4), opacity: computed },
        ],
      };
    });
  },
});

/** The forward pass, BP1 to BP4 and the update, each appearing on its beat; the current one marked. */
function drawEquations(
  paint: Paint,
  side: Rect,
  clip: Beats,
  t: number,
  numbers: { w: number; dw: number; updated: number; eta: number; edge: { layer: number; j: number; k: number } },
): void {
  const { layer, j, k } = numbers.edge;
  const rows: { beat: string; tag: string; tex: string }[] = [
    { beat: "forward", tag: "fwd", tex: String.raw`\z^l = \w[W]^l \a^{l-1} + \b^l,\ \ \a^l = \sigma(\z^l)` },
    { beat: "bp1", tag: "BP1", tex: String.raw`\delta^L = (\a^L - y) \odot \sigma'(\z^L)` },
    { beat: "bp2", tag: "BP2", tex: String.raw`\delta^l = \big((\w[W]^{l+1})^T \delta^{l+1}\big) \odot \sigma'(\z^l)` },
    { beat: "grads", tag: "BP3", tex: String.raw`\frac{\partial \C}{\partial \b^l} = \delta^l` },
    { beat: "grads", tag: "BP4", tex: String.raw`\frac{\partial \C}{\partial \w[W]^l} = \delta^l (\a^{l-1})^T` },
    {
      beat: "update",
      tag: "step",
      tex: [
        String.raw`\begin{aligned} \w[W] &\leftarrow \w[W] - \eta\, \frac{\partial \C}{\partial \w[W]} \\`,
        String.raw`\w^{${layer}}_{${j + 1}${k + 1}} &\leftarrow ${numbers.w.toFixed(2)} - ${numbers.eta} \times (${numbers.dw.toFixed(3)}) = ${numbers.updated.toFixed(2)}`,
        String.raw`\end{aligned}`,
      ].join(" "),
    },
  ];
  // The newest step shown is marked (the forward pass until BP1 starts, the update to the end):
  // the mark fades in as its beat starts and out as the next step's starts.
  const steps = [...new Set(rows.map((r) => r.beat))];
  const marked = (beat: string) => {
    const next = steps[steps.indexOf(beat) + 1];
    const fadeIn = beat === steps[0] ? 1 : smoothstep(0, 0.25, clip.progress(beat, t));
    return fadeIn * (next ? 1 - smoothstep(0, 0.25, clip.progress(next, t)) : 1);
  };
  const column = rows.map((row) => ({
    tag: row.tag,
    tex: row.tex,
    weight: row.beat === "update" ? 1.8 : row.beat === "grads" ? 1.15 : 1,
    opacity: smoothstep(0, 0.25, clip.progress(row.beat, t)),
    mark: marked(row.beat),
  }));
  drawEquationColumn(paint, side, column, { size: 24, gap: 6 });
}
