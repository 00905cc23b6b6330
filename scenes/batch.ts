// Backpropagation over a mini-batch, as the notebook's vectorised section writes it: the run's first
// mini-batch of m examples goes forward as matrices, one column per example (Zˡ = Wˡ Aˡ⁻¹ + bˡ), δ
// comes back as matrices Δˡ (BP1, BP2), each example's δ aᵀ adds into the gradient (BP3, BP4), and
// the step W ← W − (η/m) Σ is the one training took. Every number is the engine's forwardBatch and
// backpropBatch (src/nn/batch.ts) on the run's seeded network; tests/batch-scene.test.ts checks them
// against backpropExample and traceExample, example by example.
import {
  BatchWorkspace,
  backpropBatch,
  beatCaptions,
  captionAt,
  courseFigure,
  defineScene,
  drawEquationColumn,
  drawMatrixRows,
  formatNumber,
  forwardBatch,
  type MatrixOptions,
  networkLabel,
  paintFor,
  prepareCourseFigure,
  type RowItem,
  type Run,
  runNetwork,
  smoothstep,
  toRows,
} from "../src/index.ts";

/** The layer whose gradient is built example by example: W² is 3 × 3, the general case. */
export const LAYER = 2;
/** Decimals of each kind of number: δ and the gradients are small, so they get one more. */
const DECIMALS = { z: 3, a: 3, delta: 4, w: 3 };
type Rows = number[][];

/** The run's first mini-batch through the network before training: every number the scene shows. */
export function batchPass(run: Run) {
  const { batchSize: m, learningRate: eta } = run.config;
  const [before, after] = run.snapshots; // epoch 0, and the state after the first mini-batch
  if (!before || !after) throw new RangeError("the batch scene needs a snapshot after the first mini-batch");
  const net = runNetwork(run, before);
  // Batches are taken in order (shuffle: false), so the first is examples 0 to m − 1.
  const [X, y] = [run.data.X.slice(0, m), run.data.y.slice(0, m)];
  const ws = new BatchWorkspace(net.sizes, m);
  const order = X.map((_, j) => j);
  ws.loadInputs(Float64Array.from(X.flat()), order, 0);
  ws.loadTargets(Float64Array.from(y), order, 0);
  forwardBatch(net, ws);
  const grads = backpropBatch(net, ws); // sums over the batch, as network.py's nabla_w
  const [Z, A, D] = [ws.zs, ws.as, ws.deltas].map((list) => list.map(toRows)) as [Rows[], Rows[], Rows[]];
  const sums = { weights: grads.weights.map(toRows), biases: grads.biases.map((b) => Array.from(b)) };
  const [delta, below] = [D[LAYER] as Rows, A[LAYER - 1] as Rows];
  // Example j's δ (aᵀ): (δⱼ)ᵢ (aⱼ)ₖ.
  const products = y.map((_, j) => delta.map((d) => below.map((a) => (d[j] as number) * (a[j] as number))));
  const W = before.weights[LAYER - 1] as Rows;
  const gW = sums.weights[LAYER - 1] as Rows;
  const stepped = W.map((row, i) => row.map((w, k) => w - (eta / m) * (gW[i]?.[k] as number)));
  const gb = (sums.biases[LAYER - 1] as number[]).map((v) => [v]);
  const loss = [before.loss, after.loss];
  return { m, eta, sizes: [...net.sizes], X, y, Z, A, D, sums, products, W, gW, gb, stepped, loss };
}
type Pass = ReturnType<typeof batchPass>;

const sub = (n: number) => [...String(n)].map((c) => "₀₁₂₃₄₅₆₇₈₉"[Number(c)]).join("");
const sup = (n: number) => [...String(n)].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]).join("");
const dims = (rows: number[][]) => `${rows.length} × ${rows[0]?.length ?? 0}`;
/** TeX with its shape under it. */
const shaped = (tex: string, rows: number, cols: number) => String.raw`\underset{${rows}\times ${cols}}{${tex}}`;
/** How lit each of m examples is while `progress` goes 0 to 1: one after another, each fading in and out. */
const sweep = (progress: number, m: number) =>
  Array.from({ length: m }, (_, j) => progress * m - j).map((s) => smoothstep(0, 0.3, s) * (1 - smoothstep(0.7, 1, s)));
const transpose = (rows: number[][]) => (rows[0] ?? []).map((_, j) => rows.map((r) => r[j] as number));

export default defineScene({
  name: "batch",
  seed: 2,
  duration: 30,
  train: (seed) => ({
    sizes: [2, 3, 3, 1],
    activation: "sigmoid",
    data: { dataset: "circles", n: 400, factor: 0.3, noise: 0.1, seed },
    init: { scheme: "normal", seed },
    epochs: 1,
    batchSize: 4,
    learningRate: 5,
    shuffle: false,
    seed,
    snapshot: { layers: [], everyBatches: 1 },
  }),

  prepare: (context) => {
    const { run } = context;
    const pass = batchPass(run);
    const { m, eta, sizes: n } = pass;
    const [L, l] = [n.length - 1, LAYER];
    const [lu, lo] = [sup(l), sup(l - 1)];
    const data = "dataset" in run.config.data ? run.config.data.dataset : "its data";
    const losses = pass.loss.map((v) => formatNumber(v, 4)).join(" → ");
    const figure = prepareCourseFigure(context, {
      title: "Backpropagation over a mini-batch",
      subtitle: `The ${networkLabel(run.config)} network on ${data}, before training: its first step, m = ${m} examples at once`,
      beats: [
        { name: "batch" },
        { name: "forward", weight: 3 },
        { name: "columns", weight: 2.6 },
        { name: "bp1", weight: 1.2 },
        { name: "bp2", weight: 2 },
        { name: "turn", seconds: 0.8 },
        { name: "outer", weight: 2.8 },
        { name: "sum", weight: 1.6 },
        { name: "update", weight: 1.6 },
        { name: "hold", seconds: 2 },
      ],
      captions: [
        { at: "batch", text: `The run's first mini-batch, m = ${m} examples, one per column: A⁰ = Xᵀ, labels Y.` },
        { at: "forward", text: "The whole batch at once: Zˡ = Wˡ Aˡ⁻¹ + bˡ (b added to every column), Aˡ = σ(Zˡ)." },
        { at: "columns", text: "Column j holds example j's own z and a: the same numbers as feeding xⱼ alone." },
        {
          at: "bp1",
          text: `BP1 for all examples at once: Δ${sup(L)} = (A${sup(L)} − Y) ⊙ σ′(Z${sup(L)}), a δ per column.`,
        },
        { at: "bp2", text: "BP2 carries Δ back a layer at a time: Δˡ = ((Wˡ⁺¹)ᵀ Δˡ⁺¹) ⊙ σ′(Zˡ)." },
        {
          at: "turn:0.5",
          text: `Each example adds its own δ${lu} (a${lo})ᵀ, ${n[l]} × ${n[l - 1]}, to the gradient of W${lu}.`,
        },
        { at: "sum", text: `BP4: their sum is Δ${lu} (A${lo})ᵀ. BP3: b${lu}'s gradient sums the columns of Δ${lu}.` },
        { at: "update", text: `The step divides by m: W${lu} − (${eta}/${m}) Σ. The data set's loss: ${losses}.` },
      ],
      rows: [{ main: 4.2 }, { strip: 1 }],
    });
    // The equation of the moment, under the matrices, with the shapes under its symbols.
    const N = (k: number) => n[k] as number;
    const power = (s: string) => (k: number) => `${s}^{${k}}`;
    const [Zk, Ak, Wk, Dk] = [power("\\z[Z]"), power("\\a[A]"), power("\\w[W]"), power("\\Delta")];
    const columns = (S: string, s: string) =>
      `${s}[${S}]^l = \\begin{bmatrix} ${pass.y.map((_, j) => `${s}^{x_${j + 1},l}`).join(" & ")} \\end{bmatrix}`;
    const dC = (p: string) => String.raw`\sum_x \frac{\partial \C_x}{\partial ${p}^{${l}}}`;
    const forward = (k: number) =>
      String.raw`${shaped(Zk(k), N(k), m)} = ${shaped(Wk(k), N(k), N(k - 1))}\,${shaped(Ak(k - 1), N(k - 1), m)} + ${shaped(`\\b^{${k}}`, N(k), 1)}, \qquad ${Ak(k)} = \sigma(${Zk(k)})`;
    const bp2 = (k: number) =>
      String.raw`${shaped(Dk(k), N(k), m)} = \big(${shaped(`(${Wk(k + 1)})^T`, N(k), N(k + 1))}\,${shaped(Dk(k + 1), N(k + 1), m)}\big) \odot \sigma'\big(${shaped(Zk(k), N(k), m)}\big)`;
    const bp1 = String.raw`${shaped(Dk(L), 1, m)} = \big(${shaped(Ak(L), 1, m)} - ${shaped("Y", 1, m)}\big) \odot \sigma'\big(${shaped(Zk(L), 1, m)}\big)`;
    const outer = String.raw`${shaped(`\\delta^{x,${l}}`, N(l), 1)}\,${shaped(`(\\a^{x,${l - 1}})^T`, 1, N(l - 1))} \quad \text{for each example } x`;
    const sums = String.raw`${dC("\\b")} = \sum_x \delta^{x,${l}}, \qquad ${dC("\\w[W]")} = ${Dk(l)} (${Ak(l - 1)})^T = \sum_x \delta^{x,${l}} (\a^{x,${l - 1}})^T`;
    // The sums become the mean cost's gradient only here, as in Sgd: (1/m) Σₓ ∂Cₓ/∂W = ∂C/∂W for C = (1/m) Σₓ Cₓ.
    const step = String.raw`${Wk(l)} \leftarrow ${Wk(l)} - \frac{\eta}{m} ${dC("\\w[W]")} = ${Wk(l)} - \eta \frac{\partial \C}{\partial ${Wk(l)}}, \quad \C = \frac{1}{m} \sum_x \C_x, \quad \frac{\eta}{m} = \frac{${eta}}{${m}}`;
    const strip: [at: string, tag: string, tex: string][] = [
      ["batch", "", String.raw`${shaped(Ak(0), N(0), m)} = X^T, \qquad ${shaped("Y", 1, m)}`],
      ...n.slice(1).map((_, i): [string, string, string] => [`forward:${i / L}`, "fwd", forward(i + 1)]),
      ["columns", "", String.raw`${columns("Z", "\\z")}, \qquad ${columns("A", "\\a")}`],
      ["bp1", "BP1", bp1],
      ...n.slice(1, L).map((_, i): [string, string, string] => [`bp2:${i / (L - 1)}`, "BP2", bp2(L - 1 - i)]),
      ["turn:0.5", "", outer],
      ["sum", "BP3, 4", sums],
      ["update", "step", step],
    ];
    const equations = beatCaptions(
      figure.beats,
      strip.map(([at, , text]) => ({ at, text })),
    );
    return { figure, pass, equations, tags: strip.map(([, tag]) => tag), aside: networkLabel(run.config) };
  },
  captions: (p) => p.figure.captions,
  beats: (p) => p.figure.beats,
  snapshots: ["forward:end", "columns:0.45", "bp2:end", "outer:0.6", "sum:end", "hold"],

  draw: (ctx, frame, { figure, pass, equations, tags, aside }) => {
    const paint = paintFor(ctx, frame);
    const shown = (beat: string) => figure.beats.progress(beat, frame.time);
    const lit = { forward: sweep(shown("columns"), pass.m), outer: sweep(shown("outer"), pass.m) };
    courseFigure(paint, frame, figure, (p) => {
      // The pass fades out, then the gradient page fades in: the two never share the panel.
      const [turned, forward] = [shown("turn"), { gap: 22, aligned: true }];
      drawMatrixRows(paint, p.main, passRows(pass, shown, lit.forward), {
        ...forward,
        opacity: 1 - smoothstep(0, 0.45, turned),
      });
      drawMatrixRows(paint, p.main, gradientRows(pass, shown, lit.outer), {
        gap: 9,
        opacity: smoothstep(0.55, 1, turned),
      });
      const eq = captionAt(equations, frame.time);
      const tag = tags[equations.findIndex((e) => e.text === eq.text)] ?? "";
      const row = { tag, tex: eq.text || "{}", opacity: eq.opacity };
      drawEquationColumn(paint, p.strip, [row], { size: 24, gap: 0, tagWidth: 64 });
      // The example followed, fading in and out with its column (one at a time).
      const all = [...lit.forward, ...lit.outer];
      const j = all.indexOf(Math.max(...all)) % pass.m;
      const x = (pass.X[j] as number[]).map((v) => formatNumber(v, DECIMALS.a)).join(", ");
      const example = { label: `x${sub(j + 1)} =`, value: `(${x}), y = ${pass.y[j]}`, opacity: Math.max(...all) };
      const status = [
        { label: "m =", value: String(pass.m) },
        { label: "η =", value: String(pass.eta) },
      ];
      return { status: example.opacity > 0 ? [...status, example] : status, aside };
    });
  },
});

/** The forward and backward pass: a row per layer, its Z, A and Δ, each appearing on its beat. */
function passRows(pass: Pass, shown: (beat: string) => number, lit: number[]): RowItem[][] {
  const L = pass.sizes.length - 1;
  const fade = (beat: string, from: number, width = 0.35) => smoothstep(from, from + width, shown(beat));
  const examples = pass.y.map((_, j) => `x${sub(j + 1)}`);
  const back = (l: number) => (l === L ? fade("bp1", 0.1) : fade("bp2", (L - 1 - l) / (L - 1) + 0.05));
  const matrix = (name: string, values: number[][], decimals: number, opacity: number): MatrixOptions => {
    const cellText = formatNumber(-1, Math.max(decimals, DECIMALS.a)); // columns as wide, whatever the signs
    return { name: `${name} =`, values, decimals, cellText, litColumns: lit, opacity };
  };
  return pass.sizes.map((_, l) =>
    l === 0
      ? [
          null,
          { ...matrix("\\a[A]^0", pass.A[0] as Rows, DECIMALS.a, fade("batch", 0)), columnLabels: examples },
          { ...matrix("Y", [pass.y], 0, fade("batch", 0.35)), columnLabels: examples },
        ]
      : [
          matrix(`\\z[Z]^{${l}}`, pass.Z[l] as Rows, DECIMALS.z, fade("forward", (l - 1) / L, 0.5 / L)),
          matrix(`\\a[A]^{${l}}`, pass.A[l] as Rows, DECIMALS.a, fade("forward", (l - 0.5) / L, 0.5 / L)),
          matrix(`\\Delta^{${l}}`, pass.D[l] as Rows, DECIMALS.delta, back(l)),
        ],
  );
}

/** One layer's gradient: Δ (A)ᵀ, each example's δ aᵀ, their sum (and b's), and the step W − (η/m) Σ. */
function gradientRows(pass: Pass, shown: (beat: string) => number, lit: number[]): RowItem[][] {
  const [l, { delta: d, w, a }] = [LAYER, DECIMALS];
  const added = (j: number) => smoothstep(j + 0.15, j + 0.5, shown("outer") * pass.m);
  const [sum, bias] = [smoothstep(0, 0.3, shown("sum")), smoothstep(0.35, 0.65, shown("sum"))];
  const dC = (p: string, rows: number[][]) => `Σₓ ∂Cₓ/∂${p}${sup(l)}: ${dims(rows)}`;
  const source: RowItem[] = [
    { name: `\\Delta^{${l}}`, values: pass.D[l] as Rows, decimals: d, litColumns: lit },
    { name: `(\\a[A]^{${l - 1}})^T`, values: transpose(pass.A[l - 1] as Rows), decimals: a, litRows: lit },
    { tex: "=", opacity: sum },
    { values: pass.gW, decimals: d, opacity: sum, shape: dC("W", pass.gW) },
    { tex: "\\qquad", opacity: 0 },
    {
      name: `\\textstyle\\sum_x \\delta^{x,${l}} =`,
      values: pass.gb,
      decimals: d,
      opacity: bias,
      shape: dC("b", pass.gb),
    },
  ];
  const products: RowItem[] = pass.products.flatMap((values, j) => [
    ...(j > 0 ? [{ tex: "+", opacity: added(j) }] : []),
    { values, decimals: d, opacity: added(j), shape: `x${sub(j + 1)}: ${dims(values)}` },
  ]);
  const step = smoothstep(0, 0.35, shown("update"));
  const update: RowItem[] = [
    { tex: `\\w[W]^{${l}} \\leftarrow`, opacity: step },
    { values: pass.W, decimals: w, opacity: step },
    { tex: `- \\frac{${pass.eta}}{${pass.m}}`, opacity: step },
    { values: pass.gW, decimals: d, opacity: step, shape: `Σₓ ∂Cₓ/∂W${sup(l)}` },
    { tex: "=", opacity: step },
    { values: pass.stepped, decimals: w, opacity: step },
  ];
  return [source, products, update];
}
