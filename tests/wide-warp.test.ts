// The hidden space beyond the headline: a wide layer through an aligned principal projection
// (scenes/hidden-wide.ts, src/scene/wide-layer.ts) and the input plane's grid carried into a
// 3-D layer (scenes/warp.ts, src/scene/warp.ts). Every check is against an independent
// computation in this file: power iteration for the eigenvalues, plain loops for the forward pass.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import hiddenScene from "../scenes/hidden-wide.ts";
import warpScene from "../scenes/warp.ts";
import { clipSegment, regionOf, wallsOf } from "../src/draw/space3d.ts";
import { type Run, runNetwork, stateAround, train } from "../src/index.ts";
import { inputGrid, layerActivations, warpedGrid } from "../src/scene/warp.ts";
import { projectLayer } from "../src/scene/wide-layer.ts";

const wideRun: Run = train(hiddenScene.train?.(hiddenScene.seed) as never);
const window = (epoch: number) => Math.max(1, 0.15 * epoch); // hidden-wide.ts's
const projection = projectLayer(wideRun, 2, { window, turn: 4 });
const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[i] as number);
  return s;
};

/** The points' covariance (divided by n), from the flat n x d activations. */
function covariance(flat: Float64Array, d: number): number[][] {
  const n = flat.length / d;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += flat[i * d + j] as number;
    return s / n;
  });
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let s = 0;
      for (let i = 0; i < n; i++)
        s += ((flat[i * d + a] as number) - (mean[a] as number)) * ((flat[i * d + b] as number) - (mean[b] as number));
      return s / n;
    }),
  );
}

/** The k largest eigenvalues of a symmetric positive semi-definite matrix, by power iteration with deflation. */
function topEigenvalues(matrix: number[][], k: number): number[] {
  const m = matrix.map((row) => row.slice());
  const d = m.length;
  const values: number[] = [];
  for (let e = 0; e < k; e++) {
    let v = Array.from({ length: d }, (_, i) => 1 + i / d);
    let value = 0;
    for (let it = 0; it < 20000; it++) {
      const w = m.map((row) => dot(row, v));
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const moved = Math.hypot(...next.map((x, i) => x - (v[i] as number)));
      v = next;
      value = norm;
      if (moved < 1e-15) break;
    }
    values.push(value);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        (m[a] as number[])[b] = ((m[a] as number[])[b] as number) - value * (v[a] as number) * (v[b] as number);
  }
  return values;
}

describe("a wide layer through an aligned principal projection (hidden-wide.ts)", () => {
  test("across the whole run each axis correlates positively with its predecessor: the view never flips", () => {
    assert.equal(projection.bases.length, wideRun.snapshots.length);
    let least = 1;
    for (let s = 1; s < projection.bases.length; s++) {
      const [now, before] = [projection.bases[s] as number[][], projection.bases[s - 1] as number[][]];
      now.forEach((axis, k) => {
        const c = dot(axis, before[k] as number[]);
        least = Math.min(least, c);
        assert.ok(c > 0, `snapshot ${s}, axis ${k + 1}: cosine with the previous snapshot's ${c}`);
      });
    }
    // And frame to frame along the clip's own timeline (30 fps), the drawn axes turn calmly.
    const clip = hiddenScene.prepare({
      run: wideRun,
      seed: 2,
      width: 640,
      height: 360,
      fps: 30,
      frames: 420,
      duration: 14,
      theme: "light",
    });
    let previous = projection.at(0).basis;
    for (let f = 1; f < 420; f++) {
      const basis = projection.at(clip.figure.clock(f / 30).epoch).basis;
      basis.forEach((axis, k) => {
        // At most 5° a frame, where the layer itself changes fastest.
        assert.ok(
          dot(axis, previous[k] as number[]) > Math.cos((5 * Math.PI) / 180),
          `frame ${f}: axis ${k + 1} turned too far`,
        );
      });
      previous = basis;
    }
    assert.ok(least > 0);
  });

  test("the shares shown: the drawn axes' held variance, and the top three eigenvalues' share (power iteration)", () => {
    for (const epoch of [0, 0.4, 3.3, 14.3, 60.1, 123.4, 200]) {
      const at = projection.at(epoch);
      const { activations } = stateAround(wideRun, epoch, { layer: 2, window: window(epoch) });
      const cov = covariance(activations, 8);
      const trace = cov.reduce((s, row, i) => s + (row[i] as number), 0);
      const top = topEigenvalues(cov, 3);
      const best = (top[0]! + top[1]! + top[2]!) / trace;
      assert.ok(Math.abs(at.best - best) < 1e-9, `epoch ${epoch}: best share ${at.best} vs ${best}`);
      // The drawn axes hold bᵀ C b each of the variance.
      const held =
        at.basis.reduce(
          (s, b) =>
            s +
            dot(
              b,
              cov.map((row) => dot(row, b)),
            ),
          0,
        ) / trace;
      assert.ok(Math.abs(at.share - held) < 1e-9, `epoch ${epoch}: drawn share ${at.share} vs ${held}`);
      assert.ok(at.share <= best + 1e-12 && best - at.share < 0.035, `epoch ${epoch}: ${at.share} vs best ${best}`);
    }
    // At the first and last snapshots the drawn axes are the principal axes themselves.
    for (const epoch of [0, wideRun.config.epochs])
      assert.ok(Math.abs(projection.at(epoch).share - projection.at(epoch).best) < 1e-12);
  });

  test("the points drawn are the activations' coordinates along the drawn axes, about their mean, inside the box", () => {
    const at = projection.at(123.4);
    const { activations } = stateAround(wideRun, 123.4, { layer: 2, window: window(123.4) });
    const n = activations.length / 8;
    const [r] = projection.box[0];
    for (let i = 0; i < n; i++) {
      const h = activations.subarray(8 * i, 8 * i + 8);
      at.basis.forEach((axis, k) => {
        const u = dot(axis, h) - dot(axis, at.mean);
        assert.ok(Math.abs((at.points[3 * i + k] as number) - u) < 1e-12);
        assert.ok(Math.abs(u) <= -r, `point ${i} axis ${k}: ${u} outside ±${-r}`);
      });
    }
  });

  test("the walls' agreement is the share of points whose slice region is the network's own argmax", () => {
    const at = projection.at(wideRun.config.epochs);
    const net = runNetwork(wideRun, at.state);
    const n = wideRun.data.y.length;
    let same = 0;
    for (let i = 0; i < n; i++) {
      // The output's argmax from the layer's whole activation, by hand.
      const h = at.state.activations.subarray(8 * i, 8 * i + 8);
      const W = at.state.weights.at(-1) as number[][];
      const b = at.state.biases.at(-1) as number[];
      const z = W.map((row, k) => dot(row, h) + (b[k] as number));
      const decision = z.indexOf(Math.max(...z));
      const u = [at.points[3 * i], at.points[3 * i + 1], at.points[3 * i + 2]] as [number, number, number];
      if (regionOf(at.regions!, u) === decision) same++;
    }
    assert.ok(net.sizes.length === 4);
    assert.ok(Math.abs((at.agreement as number) - same / n) < 1e-12);
  });

  test("a layer of width 3 keeps every pairwise distance: the projection only turns it", () => {
    const run = train({
      sizes: [2, 3, 3, 1],
      activation: "sigmoid",
      data: { dataset: "circles", n: 120, factor: 0.3, noise: 0.1, seed: 1 },
      init: { scheme: "normal", seed: 1 },
      epochs: 3,
      batchSize: 20,
      learningRate: 3,
      snapshot: { layers: [2] },
    });
    const narrow = projectLayer(run, 2, { window: 0 });
    for (const epoch of [0, 1.5, 3]) {
      const at = narrow.at(epoch);
      const h = at.state.activations;
      for (let i = 0; i < 120; i += 7) {
        for (let j = i + 1; j < 120; j += 5) {
          const dh = Math.hypot(h[3 * i]! - h[3 * j]!, h[3 * i + 1]! - h[3 * j + 1]!, h[3 * i + 2]! - h[3 * j + 2]!);
          const du = Math.hypot(
            at.points[3 * i]! - at.points[3 * j]!,
            at.points[3 * i + 1]! - at.points[3 * j + 1]!,
            at.points[3 * i + 2]! - at.points[3 * j + 2]!,
          );
          assert.ok(Math.abs(dh - du) < 1e-12, `epoch ${epoch}, points ${i} and ${j}: ${dh} vs ${du}`);
        }
      }
    }
  });
});

describe("the input plane carried into the hidden space (warp.ts)", () => {
  const run = train(warpScene.train?.(warpScene.seed) as never);
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  test("every grid sample's point in the hidden space is the network's forward pass at that input", () => {
    const grid = inputGrid([-1.5, 1.5], { lines: 13, samples: 121 });
    for (const epoch of [0, 7.3, 30]) {
      const state = stateAround(run, epoch, { window: 1.5 });
      const curves = warpedGrid(runNetwork(run, state), grid, 2);
      assert.deepEqual(curves.lengths, grid.lengths);
      const [W1, W2] = state.weights as [number[][], number[][]];
      const [b1, b2] = state.biases as [number[], number[]];
      for (let s = 0; s < grid.inputs.length / 2; s++) {
        const x = [grid.inputs[2 * s]!, grid.inputs[2 * s + 1]!];
        const a1 = W1.map((row, i) => sigmoid(dot(row, x) + b1[i]!));
        const a2 = W2.map((row, i) => sigmoid(dot(row, a1) + b2[i]!));
        a2.forEach((v, k) => {
          assert.ok(Math.abs((curves.points[3 * s + k] as number) - v) < 1e-14, `epoch ${epoch}, sample ${s}`);
        });
      }
    }
  });

  test("the grid is 13 straight lines each way, edge to edge, sampled finely enough to stay smooth", () => {
    const grid = inputGrid([-1.5, 1.5]);
    assert.equal(grid.lengths.length, 26);
    const first = grid.inputs.subarray(0, 2 * 121);
    for (let s = 0; s < 121; s++) assert.equal(first[2 * s], -1.5);
    assert.equal(first[1], -1.5);
    assert.equal(first[2 * 120 + 1], 1.5);
    // At the end of training, neighbouring samples lie close in the hidden space: no chords.
    const state = stateAround(run, 30, { window: 0 });
    const { points, lengths } = warpedGrid(runNetwork(run, state), grid, 2);
    let start = 0;
    let longest = 0;
    for (const length of lengths) {
      for (let s = start; s < start + length - 1; s++) {
        longest = Math.max(
          longest,
          Math.hypot(
            points[3 * s + 3]! - points[3 * s]!,
            points[3 * s + 4]! - points[3 * s + 1]!,
            points[3 * s + 5]! - points[3 * s + 2]!,
          ),
        );
      }
      start += length;
    }
    assert.ok(longest < 0.05, `the longest step is ${longest} of the unit box`);
  });

  test("the points are the same forward pass as the grid: a point on a grid line lies on the warped line", () => {
    const state = stateAround(run, 12, { window: 1.5 });
    const net = runNetwork(run, state);
    const grid = inputGrid([-1.5, 1.5]);
    const onGrid = Float64Array.from([grid.inputs[2 * 60]!, grid.inputs[2 * 60 + 1]!]);
    const point = layerActivations(net, onGrid, 2);
    const curve = warpedGrid(net, grid, 2).points;
    for (let k = 0; k < 3; k++) assert.equal(point[k], curve[3 * 60 + k]);
  });
});

describe("walls between K regions and curves clipped to the box (drawSpace3d)", () => {
  test("three regions by the largest coordinate: three walls, each where two tie and lead", () => {
    const regions = {
      weights: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ] as [number, number, number][],
      biases: [0, 0, 0],
    };
    const walls = wallsOf(regions);
    assert.equal(walls.length, 3);
    const pairs = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 2, 0],
    ] as const;
    walls.forEach((wall, w) => {
      const [i, j, k] = pairs[w]!;
      for (const p of wall) {
        assert.ok(Math.abs(p[i] - p[j]) < 1e-12, `wall ${w}: ${p} is not on the tie`);
        assert.ok(p[i] >= p[k] - 1e-12, `wall ${w}: ${p} lies where region ${k} leads`);
      }
    });
    assert.equal(regionOf(regions, [0.9, 0.2, 0.1]), 0);
    assert.equal(regionOf(regions, [0.1, 0.2, 0.3]), 2);
  });

  test("a segment is cut where it leaves the unit box, and one wholly outside is dropped", () => {
    const inside = clipSegment([-0.5, 0.5, 0.5], [1.5, 0.5, 0.5]);
    assert.deepEqual(inside, [
      [0, 0.5, 0.5],
      [1, 0.5, 0.5],
    ]);
    assert.equal(clipSegment([1.2, 0.5, 0.5], [1.5, 0.1, 0.5]), undefined);
  });
});
