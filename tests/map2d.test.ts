// drawClassMap off the kit's own paths: points outside `range` and a title over a map narrower
// than its rectangle.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CanvasRenderingContext2D, createCanvas } from "canvas";
import { drawClassMap, LIGHT, paintFor, registerFonts } from "../src/draw/index.ts";

registerFonts();

/** Columns x0..x1 of the canvas that hold any pixel other than the background. */
function inkColumns(data: Uint8ClampedArray, width: number, height: number): Set<number> {
  const columns = new Set<number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) columns.add(x);
    }
  }
  return columns;
}

test("points outside the range are cut at the map's border, never drawn past it", () => {
  const canvas = createCanvas(600, 300);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, 600, 300);
  const paint = paintFor(ctx, canvas, LIGHT);
  // A 300-px-high map in a 600-px-wide rectangle: the map is the square 150..450.
  const points = Float64Array.from([0, 0, 1.04, 0, -1.04, 0.5, 3, 4]);
  drawClassMap(
    paint,
    { x: 0, y: 0, width: 600, height: 300 },
    {
      range: [-1, 1],
      points,
      labels: [0, 1, 0, 1],
      radius: 6,
      axisLabels: ["", ""],
    },
  );
  const columns = inkColumns(ctx.getImageData(0, 0, 600, 300).data, 600, 300);
  const outside = [...columns].filter((x) => x < 149 || x > 451);
  assert.deepEqual(outside, [], "nothing left or right of the map");
});

test("the title is centred over a map narrower than its rectangle", () => {
  const canvas = createCanvas(600, 340);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, 600, 340);
  const paint = paintFor(ctx, canvas, LIGHT);
  drawClassMap(
    paint,
    { x: 0, y: 0, width: 600, height: 340 },
    {
      range: [-1, 1],
      points: [],
      labels: [],
      title: "the data",
      axisLabels: ["", ""],
    },
  );
  // The title's row: its ink centred on the map's centre (x = 300) within a few pixels.
  const title = ctx.getImageData(0, 0, 600, 24).data;
  const columns = [...inkColumns(title, 600, 24)];
  const centre = (Math.min(...columns) + Math.max(...columns)) / 2;
  assert.ok(Math.abs(centre - 300) < 4, `title centred at ${centre}`);
});

/** A map of one output over [−1, 1]² whose value at (x, y) is `f(x, y)` (a size x size grid), drawn on white. */
function mapOf(f: (x: number, y: number) => number, size = 64): Uint8ClampedArray {
  const values = new Float64Array(size * size);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) values[i * size + j] = f(-1 + (2 * (j + 0.5)) / size, 1 - (2 * (i + 0.5)) / size);
  const canvas = createCanvas(300, 330);
  const ctx = canvas.getContext("2d");
  const paint = paintFor(ctx, canvas, LIGHT);
  drawClassMap(
    paint,
    { x: 0, y: 0, width: 300, height: 300 },
    {
      range: [-1, 1],
      points: new Float64Array(0),
      labels: new Uint8Array(0),
      field: { values, size, threshold: 0.5 },
    },
  );
  return ctx.getImageData(0, 0, 300, 300).data;
}

/** The mean absolute difference of two images' colour channels, in levels of 255. */
function meanDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / ((a.length * 3) / 4);
}

test("a network unsure everywhere leaves the map nearly blank: its colour cannot flip in a frame", () => {
  // An untrained network's output near ½ everywhere, on one side of it and then the other (the
  // headline's side map flipped from blue to orange as its mean output crossed ½).
  const below = mapOf(() => 0.49);
  const above = mapOf(() => 0.51);
  assert.ok(meanDifference(below, above) < 1, `${meanDifference(below, above).toFixed(2)} levels apart`);
  // Where it is sure, the two classes are far apart.
  assert.ok(
    meanDifference(
      mapOf(() => 0.05),
      mapOf(() => 0.95),
    ) > 20,
  );
});

test("the boundary is firm where the output crosses steeply and faint where it is nearly flat", () => {
  // The same line x = 0 through a steep and a nearly flat output: how much darker the line's
  // columns are than columns a few pixels either side of it.
  const line = (data: Uint8ClampedArray) => {
    const darkness = (x: number) => {
      let sum = 0;
      for (let y = 40; y < 260; y++) {
        const i = 4 * (y * 300 + x);
        sum += 255 * 3 - ((data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number));
      }
      return sum;
    };
    return darkness(149) + darkness(150) + darkness(151) - 1.5 * (darkness(141) + darkness(159));
  };
  const steep = line(mapOf((x) => 0.5 + 0.45 * Math.tanh(4 * x)));
  const flat = line(mapOf((x) => 0.5 + 0.03 * x));
  assert.ok(steep > 0, "a steep boundary is drawn");
  assert.ok(flat < 0.1 * steep, `flat ${flat} against steep ${steep}`);
});

test("a map drawn frame after frame makes its tint's pattern once, not a frame: node-canvas never frees one", () => {
  // node-canvas 3.2 keeps every pattern made (~370 bytes each, measured over 20,000), so one made
  // a frame grew a long video's scene process. The tint's pattern shows its canvas as it is now.
  const made = { count: 0 };
  const prototype = CanvasRenderingContext2D.prototype;
  const original = prototype.createPattern;
  prototype.createPattern = function (this: CanvasRenderingContext2D, ...args: Parameters<typeof original>) {
    made.count++;
    return original.apply(this, args);
  };
  try {
    // Two grid sizes (a tint canvas each), and values that change every frame (the tint refilled).
    for (let frame = 0; frame < 50; frame++) {
      mapOf((x) => 0.5 + 0.4 * Math.tanh(x + frame / 10));
      mapOf((x) => 0.5 - 0.4 * Math.tanh(x - frame / 10), 32);
    }
  } finally {
    prototype.createPattern = original;
  }
  assert.ok(made.count <= 2, `${made.count} patterns made for 100 maps`);
  // And the refilled tint is what is drawn: two different fields give two different maps.
  assert.ok(
    meanDifference(
      mapOf(() => 0.05),
      mapOf(() => 0.95),
    ) > 20,
  );
});
