import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DataError,
  type Dataset,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpiral,
  makeToy1d,
  makeXor,
  parseCsv,
} from "../src/data/index.ts";

const radius = ([x, y]: number[]) => Math.hypot(x as number, y as number);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const ofClass = (d: Dataset, label: number) => d.X.filter((_, i) => d.y[i] === label);

describe("makeCircles (scikit-learn's make_circles)", () => {
  test("shape, labels and class balance: floor(n/2) outer points labelled 0", () => {
    const d = makeCircles({ n: 1001, factor: 0.3, noise: 0.1, seed: 0 });
    assert.equal(d.X.length, 1001);
    assert.ok(d.X.every((row) => row.length === 2));
    assert.equal(d.y.filter((v) => v === 0).length, 500);
    assert.equal(d.y.filter((v) => v === 1).length, 501);
  });

  test("noise 0 puts every point exactly on its circle, angles evenly spaced", () => {
    const d = makeCircles({ n: 8, factor: 0.5, noise: 0, shuffle: false });
    for (const [i, p] of d.X.entries()) assert.ok(Math.abs(radius(p) - (d.y[i] === 0 ? 1 : 0.5)) < 1e-15);
    assert.deepEqual(d.y, [0, 0, 0, 0, 1, 1, 1, 1]);
    const angles = d.X.slice(0, 4).map(([x, y]) => Math.atan2(y as number, x as number));
    assert.ok(Math.abs((angles[1] as number) - Math.PI / 2) < 1e-15);
  });

  test("per-class radius means and spreads match the noise over several seeds", () => {
    for (const seed of [0, 1, 2, "course"]) {
      const d = makeCircles({ n: 4000, factor: 0.3, noise: 0.1, seed });
      const outer = ofClass(d, 0).map(radius);
      const inner = ofClass(d, 1).map(radius);
      // Radial noise of a 2-D isotropic Gaussian: mean ≈ r + σ²/2r, spread ≈ σ.
      assert.ok(Math.abs(mean(outer) - (1 + 0.01 / 2)) < 0.01, `outer mean ${mean(outer)}`);
      assert.ok(Math.abs(mean(inner) - (0.3 + 0.01 / 0.6)) < 0.01, `inner mean ${mean(inner)}`);
      assert.ok(Math.abs(std(outer) - 0.1) < 0.01, `outer spread ${std(outer)}`);
      assert.ok(Math.abs(std(inner) - 0.1) < 0.015, `inner spread ${std(inner)}`);
    }
  });

  test("the same seed gives the same points, a different seed different ones", () => {
    assert.deepEqual(makeCircles({ n: 50, noise: 0.1, seed: 3 }), makeCircles({ n: 50, noise: 0.1, seed: 3 }));
    assert.notDeepEqual(makeCircles({ n: 50, noise: 0.1, seed: 3 }), makeCircles({ n: 50, noise: 0.1, seed: 4 }));
  });

  test("shuffle mixes the classes; without it, outer then inner", () => {
    const plain = makeCircles({ n: 100, shuffle: false, seed: 1 });
    assert.deepEqual(plain.y, [...Array(50).fill(0), ...Array(50).fill(1)]);
    const shuffled = makeCircles({ n: 100, seed: 1 });
    assert.notDeepEqual(shuffled.y, plain.y);
    assert.equal(shuffled.y.filter((v) => v === 1).length, 50);
  });

  test("n as a pair [outer, inner]", () => {
    const d = makeCircles({ n: [30, 10], shuffle: false });
    assert.equal(d.y.filter((v) => v === 0).length, 30);
    assert.equal(d.y.filter((v) => v === 1).length, 10);
  });

  test("invalid arguments get a clear error", () => {
    assert.throws(
      () => makeCircles({ n: 0 }),
      (e: Error) => e instanceof DataError && /n must be a positive integer/.test(e.message),
    );
    assert.throws(() => makeCircles({ factor: 1.5 }), /factor must be in \(0, 1\)/);
    assert.throws(() => makeCircles({ noise: -1 }), /noise must be a finite number >= 0/);
    assert.throws(() => makeCircles({ n: [1, 2, 3] as never }), /\[outer, inner\]/);
  });
});

describe("the other data sets", () => {
  test("makeMoons: scikit-learn's half circles", () => {
    const d = makeMoons({ n: 101, shuffle: false });
    assert.equal(d.y.filter((v) => v === 0).length, 50);
    for (const p of ofClass(d, 0)) assert.ok(Math.abs(radius(p) - 1) < 1e-12 && (p[1] as number) >= -1e-12);
    for (const [x, y] of ofClass(d, 1))
      assert.ok(Math.abs(Math.hypot((x as number) - 1, (y as number) - 0.5) - 1) < 1e-12);
    assert.deepEqual(d.X[0], [1, 0]);
    const noisy = makeMoons({ n: 2000, noise: 0.2, seed: 1 });
    const clean = makeMoons({ n: 2000, seed: 1 });
    const residual = noisy.X.map((p, i) => (p[0] as number) - (clean.X[i] as number[])[0]!);
    assert.ok(Math.abs(std(residual) - 0.2) < 0.015);
  });

  test("makeXor: label 1 exactly where the signs differ, balanced", () => {
    const d = makeXor({ n: 4000, seed: 2 });
    for (const [i, [a, b]] of d.X.entries()) assert.equal(d.y[i], (a as number) > 0 !== (b as number) > 0 ? 1 : 0);
    assert.ok(Math.abs(mean(d.y) - 0.5) < 0.03);
  });

  test("makeSpiral: K arms of radius 0 to 1, labels 0..K-1", () => {
    const d = makeSpiral({ n: 301, arms: 4, seed: 5 });
    assert.equal(d.X.length, 301);
    assert.deepEqual([...new Set(d.y)].sort(), [0, 1, 2, 3]);
    assert.ok(d.X.every((p) => radius(p) <= 1 + 1e-12));
    assert.throws(() => makeSpiral({ arms: 1 }), /at least 2/);
  });

  test("makeBlobs: points around their centres with the given spread", () => {
    const d = makeBlobs({
      n: 3000,
      centers: [
        [0, 0],
        [5, 5],
        [-5, 5],
      ],
      std: 0.5,
      seed: 1,
    });
    for (const [k, c] of [
      [0, 0],
      [5, 5],
      [-5, 5],
    ].entries()) {
      const xs = ofClass(d, k).map((p) => (p[0] as number) - (c[0] as number));
      assert.equal(xs.length, 1000);
      assert.ok(Math.abs(mean(xs)) < 0.05 && Math.abs(std(xs) - 0.5) < 0.05);
    }
    const drawn = makeBlobs({ n: 10, centers: 2, seed: 1 });
    assert.ok(drawn.X.every((p) => p.length === 2));
    assert.throws(() => makeBlobs({ centers: [[0, 0], [1]] }), /equal length/);
  });

  test("makeToy1d: linspace(-5, 5), +1 where x > 0", () => {
    const d = makeToy1d({ n: 11 });
    assert.deepEqual(
      d.X.map((r) => r[0]),
      [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5],
    );
    assert.deepEqual(d.y, [-1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 1]);
  });

  test("CSV: feature columns and a label column by name, with a header", () => {
    const d = parseCsv("x1,x2,class\n1,2,cat\n3,4,dog\n5,6,cat\n", { label: "class" });
    assert.deepEqual(d.X, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(d.y, [0, 1, 0]);
    assert.deepEqual(d.classes, ["cat", "dog"]);
    assert.deepEqual(parseCsv("a,label,b\n1,1,2\n").X, [[1, 1]]);
    assert.deepEqual(parseCsv("a,label,b\n1,1,2\n", { label: "label" }).X, [[1, 2]]);
    assert.throws(() => parseCsv("a,b\n1\n"), /^DataError: CSV text line 2 has 1 fields; the header has 2$/);
    assert.throws(() => parseCsv("a,b\nx,1\n"), /line 2, column a: "x" is not a number/);
    assert.throws(() => parseCsv("a,b\n1,1\n", { label: "c" }), /label column "c" not found/);
  });

  test("CSV: numbers are decimal, as a spreadsheet writes them: 0x10, 0b1 and Infinity are not numbers", () => {
    // JavaScript's Number() reads "0x10" as 16 and " 7 " as 7: a CSV cell is not JavaScript.
    for (const cell of ["0x10", "0b1", "0o7", "Infinity", "1_000", "1e"]) {
      assert.throws(() => parseCsv(`a,b\n${cell},1\n`), new RegExp(`line 2, column a: "${cell}" is not a number`));
    }
    assert.deepEqual(parseCsv("a,b\n-1.5,1\n+2,0\n.5,1\n3.,0\n1e3,1\n-2.5E-2,0\n").X, [[-1.5], [2], [0.5], [3], [1000], [-0.025]]);
    // A label written 0x1 is a class name, not the number 1.
    assert.deepEqual(parseCsv("x,label\n1,0x1\n2,0x0\n").classes, ["0x0", "0x1"]);
  });

  test("CSV: a row's message names its line in the file, blank lines counted", () => {
    assert.throws(
      () => parseCsv("a,b\n\n1,0\n\n2,1\n3\n", {}, "data.csv"),
      /^DataError: CSV file data\.csv line 6 has 1 fields; the header has 2$/,
    );
  });

  test("CSV: an empty label is refused with its line, not read as a class of its own", () => {
    // Before: "" became class 0 and the others 1 and 2, and a sigmoid output "cannot reach the label 2".
    assert.throws(
      () => parseCsv("x,y,label\n1,2,0\n3,4,\n5,6,1\n", {}, "d.csv"),
      (e: Error) => e instanceof DataError && e.message === "CSV file d.csv line 3: the label is empty",
    );
    assert.throws(() => parseCsv('x,label\n1,cat\n2,""\n'), /^DataError: CSV text line 3: the label is empty$/);
  });

  test("CSV: labels are all numbers or all names; a mix names the odd line", () => {
    assert.throws(
      () => parseCsv("x,label\n1,0\n2,1\n3,one\n", {}, "d.csv"),
      (e: Error) =>
        e instanceof DataError &&
        e.message ===
          `CSV file d.csv line 4: the label "one" is not a number, unlike line 2's "0"; labels must be all numbers or all class names`,
    );
    assert.throws(() => parseCsv("x,label\n1,cat\n2,7\n"), /line 3: the label "7" is a number, unlike line 2's "cat"/);
    assert.deepEqual(parseCsv("x,label\n1,-1\n2,1\n").y, [-1, 1]);
    assert.deepEqual(parseCsv("x,label\n1,b\n2,a\n").y, [1, 0]);
  });

  test("a number too large for JSON (1e999 reads as Infinity) is shown as Infinity, not null", () => {
    assert.throws(
      () => makeXor({ n: Number.POSITIVE_INFINITY }),
      (e: Error) =>
        e.message === "makeXor: n must be a positive integer, got Infinity (a number too large to hold, such as 1e999)",
    );
    assert.throws(
      () => makeCircles({ factor: JSON.parse("-1e999") }),
      /factor must be in \(0, 1\), got -Infinity \(a number/,
    );
    assert.throws(() => makeMoons({ noise: Number.NaN }), /noise must be a finite number >= 0, got NaN$/);
  });
});
