// drawClassMap off the kit's own paths: points outside `range` and a title over a map narrower
// than its rectangle.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCanvas } from "canvas";
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
  drawClassMap(paint, { x: 0, y: 0, width: 600, height: 300 }, {
    range: [-1, 1],
    points,
    labels: [0, 1, 0, 1],
    radius: 6,
    axisLabels: ["", ""],
  });
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
  drawClassMap(paint, { x: 0, y: 0, width: 600, height: 340 }, {
    range: [-1, 1],
    points: [],
    labels: [],
    title: "the data",
    axisLabels: ["", ""],
  });
  // The title's row: its ink centred on the map's centre (x = 300) within a few pixels.
  const title = ctx.getImageData(0, 0, 600, 24).data;
  const columns = [...inkColumns(title, 600, 24)];
  const centre = (Math.min(...columns) + Math.max(...columns)) / 2;
  assert.ok(Math.abs(centre - 300) < 4, `title centred at ${centre}`);
});
