// A wide layer's points shown in 3-D: principal axes and their alignment from snapshot to
// snapshot, against numpy (tests/fixtures/make_projection.py, Debian's python3-numpy).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { alignAxes, principalAxes, project, symmetricEigen } from "../src/nn/projection.ts";
import { stream } from "../src/random/index.ts";

interface Cloud {
  points: number[][];
  mean: number[];
  eigenvalues: number[];
  axes: number[][];
  share: number;
  aligned?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("fixtures/projection.json", import.meta.url), "utf8")) as {
  k: number;
  first: Cloud;
  second: Cloud;
};
const dot = (x: number[], y: number[]) => x.reduce((sum, xi, i) => sum + xi * (y[i] as number), 0);

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

describe("principal axes of a layer's points (numpy's eigh as the reference)", () => {
  for (const name of ["first", "second"] as const) {
    test(`${name} snapshot: the mean, the variances, the axes (up to sign) and the share they hold`, () => {
      const cloud = fixture[name];
      const axes = principalAxes(cloud.points, fixture.k);
      cloud.mean.forEach((m, j) => {
        close(axes.mean[j] as number, m, 1e-12, `mean ${j}`);
      });
      axes.variance.forEach((v, i) => {
        close(v, cloud.eigenvalues[i] as number, 1e-10, `variance ${i}`);
      });
      axes.axes.forEach((axis, i) => {
        close(Math.abs(dot(axis, cloud.axes[i] as number[])), 1, 1e-10, `axis ${i}`);
      });
      close(axes.share, cloud.share, 1e-12, "share");
      // Orthonormal.
      for (let i = 0; i < fixture.k; i++)
        for (let j = 0; j < fixture.k; j++)
          close(dot(axes.axes[i] as number[], axes.axes[j] as number[]), i === j ? 1 : 0, 1e-12, `axes ${i}.${j}`);
    });
  }

  test("symmetric eigen-decomposition: A v = λ v for every pair, on a matrix with repeated eigenvalues", () => {
    const a = [
      [2, 0, 0, 1],
      [0, 3, 0, 0],
      [0, 0, 3, 0],
      [1, 0, 0, 2],
    ];
    const { values, vectors } = symmetricEigen(a);
    assert.deepEqual(
      values.map((v) => Math.round(v * 1e9) / 1e9),
      [3, 3, 3, 1],
    );
    vectors.forEach((v, i) => {
      const av = a.map((row) => dot(row, v));
      av.forEach((x, j) => {
        close(x, (values[i] as number) * (v[j] as number), 1e-12, `A v ${i}`);
      });
    });
  });
});

describe("aligning a snapshot's axes with the previous one's (orthogonal Procrustes)", () => {
  const before = principalAxes(fixture.first.points, fixture.k);
  const after = principalAxes(fixture.second.points, fixture.k);

  test("equals numpy's U Vᵀ B from the SVD of A Bᵀ, whatever signs the new axes came with", () => {
    // Aligned with numpy's own first axes A (their signs are numpy's, not principalAxes').
    const expected = fixture.second.aligned as number[][];
    for (const flip of [1, -1]) {
      const signed = { ...after, axes: after.axes.map((axis, i) => (i === 1 ? axis.map((x) => flip * x) : axis)) };
      const aligned = alignAxes(signed, fixture.first.axes);
      for (const [i, axis] of aligned.axes.entries()) {
        for (const [j, x] of axis.entries())
          close(x, (expected[i] as number[])[j] as number, 1e-10, `aligned ${i},${j}`);
      }
    }
  });

  test("each aligned axis correlates positively with its predecessor, and together they hold the same share", () => {
    const aligned = alignAxes(after, before.axes);
    for (const [i, axis] of aligned.axes.entries()) assert.ok(dot(axis, before.axes[i] as number[]) > 0.9, `axis ${i}`);
    close(
      aligned.variance.reduce((a, b) => a + b, 0),
      after.variance.reduce((a, b) => a + b, 0),
      1e-12,
      "variance held",
    );
    close(aligned.share, fixture.second.share, 1e-12, "share");
  });

  test("a layer of width 3 keeps every pairwise distance: the projection is a rotation", () => {
    const random = stream("projection-test", "data");
    const points = Array.from({ length: 50 }, () => [random.normal() * 2, random.normal(), random.normal() * 0.5]);
    const axes = principalAxes(points, 3);
    const projected = points.map((p) => project(axes, p));
    for (let i = 0; i < points.length; i += 7)
      for (let j = i + 1; j < points.length; j += 5) {
        const d = Math.hypot(...(points[i] as number[]).map((x, c) => x - ((points[j] as number[])[c] as number)));
        const e = Math.hypot(
          ...(projected[i] as number[]).map((x, c) => x - ((projected[j] as number[])[c] as number)),
        );
        close(e, d, 1e-12, `distance ${i}-${j}`);
      }
    close(axes.share, 1, 1e-12, "all of the variance");
  });
});
