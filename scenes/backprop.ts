// Backpropagation on one example, with the numbers of a trained network: a [2, 3, 3, 1] sigmoid
// network that learned circles takes one point forward, δ starts at the output (BP1) and
// travels back (BP2), the gradients follow (BP3, BP4), and one weight takes a gradient step.
// Every number is traceExample's (src/nn/trace.ts): the engine's own forward and backward pass.
import {
  beats,
  captionAt,
  defineScene,
  drawCaption,
  drawHeader,
  drawNetworkDiagram,
  drawTex,
  drawTitleCard,
  type ExampleTrace,
  font,
  formatNumber,
  frameLayout,
  Network,
  type Paint,
  paintFor,
  type Rect,
  type Run,
  smoothstep,
  stack,
  themeNamed,
  traceExample,
  withAlpha,
} from "../src/index.ts";

const TITLE = "Backpropagation, one example";

/** The network of the run's last snapshot. */
export function trainedNetwork(run: Run): Network {
  const last = run.snapshots.at(-1);
  if (!last) throw new RangeError("the run has no snapshots");
  const { sizes, activation = "sigmoid", outputActivation, loss } = run.config;
  return Network.fromPlain(
    { sizes, activation, ...(outputActivation ? { outputActivation } : {}), ...(loss ? { loss } : {}) },
    last,
  );
}

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

  prepare: ({ run, duration }) => {
    const net = trainedNetwork(run);
    const index = chosenExample(run, net);
    const x = run.data.X[index] as number[];
    const label = run.data.y[index] as number;
    const trace = traceExample(net, x, label);
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
    const clip = beats(duration, [
      { name: "title", seconds: 1.5 },
      { name: "forward" },
      { name: "bp1" },
      { name: "bp2", weight: 1.5 },
      { name: "grads" },
      { name: "update" },
      { name: "hold", seconds: 1.5 },
    ]);
    const aL = trace.activations[L]?.[0] as number;
    const zL = trace.zs[L]?.[0] as number;
    const n = (v: number, d = 3) => formatNumber(v, d);
    const sub = (s: string) => [...s].map((c) => "₀₁₂₃₄₅₆₇₈₉"[Number(c)] ?? c).join("");
    const sup = (s: string) => [...s].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)] ?? c).join("");
    const wName = `w${sup(String(edge.layer))}${sub(`${edge.j + 1}${edge.k + 1}`)}`;
    const aName = `a${sup(String(edge.layer - 1))}${sub(String(edge.k + 1))}`;
    const delta = trace.deltas[edge.layer]?.[edge.j] as number;
    const aPrev = trace.activations[edge.layer - 1]?.[edge.k] as number;
    return {
      clip,
      trace,
      index,
      label,
      edge,
      eta,
      w,
      dw,
      updated,
      weights,
      updatedWeights,
      weightScale: Math.max(...weights.flat(2).map(Math.abs), Math.abs(updated)),
      captions: [
        {
          from: clip.time("forward"),
          to: clip.time("bp1"),
          text: `Forward: each layer computes z = W a + b and a = σ(z); the network outputs ${n(aL)} for y = ${label}.`,
        },
        {
          from: clip.time("bp1"),
          to: clip.time("bp2"),
          text: `BP1 at the output: δ${sup(String(L))} = (${n(aL)} − ${label}) × σ′(${n(zL, 2)}) = ${n(trace.deltas[L]?.[0] as number)}.`,
        },
        {
          from: clip.time("bp2"),
          to: clip.time("grads"),
          text: "BP2: δ travels back along the weights, scaled by σ′(z) at every unit.",
        },
        {
          from: clip.time("grads"),
          to: clip.time("update"),
          text: `BP3, BP4: ∂C/∂${wName} = δ${sup(String(edge.layer))}${sub(String(edge.j + 1))} ${aName} = ${n(delta)} × ${n(aPrev)} = ${n(dw)}.`,
        },
        {
          from: clip.time("update"),
          to: clip.time("hold:end") + 1,
          text: `A step with η = ${eta}: ${wName} ← ${n(w, 2)} − ${eta} × (${n(dw)}) = ${n(updated, 2)}.`,
        },
      ],
    };
  },
  captions: ({ captions }) => captions,
  beats: ({ clip }) => clip,
  snapshots: ["forward:end", "bp2:end", "update:end"],

  draw: (ctx, frame, prepared) => {
    const { clip, trace, edge, captions } = prepared;
    const paint = paintFor(ctx, frame, themeNamed(frame.theme));
    const { theme, unit } = paint;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    const t = frame.time;
    const L = trace.sizes.length - 1;
    const titleOpacity = 1 - smoothstep(clip.time("title:0.6"), clip.time("title:end"), t);
    const card = {
      theme,
      unit,
      title: TITLE,
      subtitle: `The [${trace.sizes.join(", ")}] network, trained on ${"dataset" in frame.run.config.data ? frame.run.config.data.dataset : "its data"}, takes one point forward and back`,
    };
    if (titleOpacity >= 1) return drawTitleCard(ctx, frame, { ...card, opacity: 1 });

    const layout = frameLayout(frame.width, frame.height, { sideFraction: 0.4 });
    const x = trace.activations[0] as Float64Array;
    drawHeader(ctx, layout.header, {
      theme,
      unit,
      title: TITLE,
      status: [
        { label: "x =", value: `(${formatNumber(x[0] as number, 2)}, ${formatNumber(x[1] as number, 2)})` },
        { label: "y =", value: String(prepared.label) },
        // The output and the cost once the forward pass has computed them (last, so nothing shifts).
        ...(clip.progress("forward", t) >= 1
          ? [
              { label: "output", value: formatNumber(trace.activations[L]?.[0] as number, 3) },
              { label: "cost C", value: formatNumber(trace.cost, 4) },
            ]
          : []),
      ],
    });

    // The passes: forward over its beat, then δ back from L + 1 (nothing yet) to 1.
    const forward = L * clip.progress("forward", t);
    const backward =
      clip.progress("bp1", t) < 1 ? L + 1 - clip.progress("bp1", t) : L - (L - 1) * clip.progress("bp2", t);
    const started = clip.progress("bp1", t) > 0;
    const gradsShown = clip.progress("grads", t) > 0.15;
    const stepped = clip.progress("update", t) > 0.5;
    drawNetworkDiagram(paint, layout.main, {
      sizes: trace.sizes,
      weights: stepped ? prepared.updatedWeights : prepared.weights,
      weightScale: prepared.weightScale,
      trace,
      titles: "symbols",
      forward,
      ...(started ? { backward } : {}),
      deltaLabels: true,
      labels: { edges: [{ ...edge, show: gradsShown ? ["w", "dC/dw"] : ["w"] }] },
    });
    drawEquations(paint, layout.side, clip, t, prepared);
    const caption = captionAt(captions, t);
    drawCaption(ctx, layout.caption, caption.text, { theme, unit, opacity: caption.opacity });
    if (titleOpacity > 0) drawTitleCard(ctx, frame, { ...card, opacity: titleOpacity });
  },
});

/** A number for TeX: fixed decimals, a TeX minus. */
const tex = (v: number, decimals: number) => v.toFixed(decimals);

/** The forward pass, BP1 to BP4 and the update, each appearing on its beat; the current one marked. */
function drawEquations(
  paint: Paint,
  side: Rect,
  clip: ReturnType<typeof beats>,
  t: number,
  numbers: { w: number; dw: number; updated: number; eta: number; edge: { layer: number; j: number; k: number } },
): void {
  const { ctx, theme, unit } = paint;
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
        String.raw`\w^{${layer}}_{${j + 1}${k + 1}} &\leftarrow ${tex(numbers.w, 2)} - ${numbers.eta} \times (${tex(numbers.dw, 3)}) = ${tex(numbers.updated, 2)}`,
        String.raw`\end{aligned}`,
      ].join(" "),
    },
  ];
  const cells = stack(
    side,
    rows.map((r) => (r.beat === "update" ? 1.8 : r.beat === "grads" ? 1.15 : 1)) as number[],
    6 * unit,
  );
  const current = clip.at(t).name;
  const tagWidth = 54 * unit;
  rows.forEach((row, i) => {
    const cell = cells[i] as Rect;
    const shown = smoothstep(0, 0.25, clip.progress(row.beat, t));
    if (shown <= 0) return;
    ctx.save();
    ctx.globalAlpha = shown;
    const active = current === row.beat || (current === "hold" && row.beat === "update");
    if (active) {
      ctx.fillStyle = withAlpha(theme.accent, 0.1);
      ctx.fillRect(cell.x, cell.y, cell.width, cell.height);
      ctx.fillStyle = theme.accent;
      ctx.fillRect(cell.x, cell.y, 4 * unit, cell.height);
    }
    ctx.fillStyle = theme.muted;
    ctx.font = font(16 * unit);
    ctx.textBaseline = "middle";
    ctx.fillText(row.tag, cell.x + 12 * unit, cell.y + cell.height / 2);
    drawTex(paint, row.tex, {
      x: cell.x + tagWidth + 8 * unit,
      y: cell.y + cell.height / 2,
      baseline: "middle",
      size: 24,
      maxWidth: cell.width - tagWidth - 16 * unit,
    });
    ctx.restore();
  });
}
