// The matrix kit (src/draw/matrix.ts): entries as printed, the grid's geometry, lit columns and
// rows where they belong, and rows of matrices that keep inside their rectangle.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import {
  drawMatrix,
  drawMatrixRows,
  LIGHT,
  type MatrixOptions,
  matrixCells,
  matrixLayout,
  type Paint,
  type Rect,
  registerFonts,
} from "../src/draw/index.ts";

registerFonts();

function canvas(width: number, height: number): Paint {
  const ctx = createCanvas(width, height).getContext("2d");
  ctx.fillStyle = LIGHT.background;
  ctx.fillRect(0, 0, width, height);
  return { ctx, theme: LIGHT, unit: height / 720, width, height };
}

/** Whether a pixel differs from the white background. */
function inked(paint: Paint, x: number, y: number): boolean {
  const [r, g, b] = paint.ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data as unknown as number[];
  return (r as number) + (g as number) + (b as number) < 3 * 250;
}

/** The bounding box of everything drawn. */
function inkBox(paint: Paint): Rect {
  const { data } = paint.ctx.getImageData(0, 0, paint.width, paint.height);
  let [x0, y0, x1, y1] = [paint.width, paint.height, -1, -1];
  for (let y = 0; y < paint.height; y++)
    for (let x = 0; x < paint.width; x++) {
      const i = 4 * (y * paint.width + x);
      if ((data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number) < 3 * 250) {
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
    }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

const Z: MatrixOptions = {
  values: [
    [-1.2891, 0.5, 0.0004],
    [2, -0.00001, 10.25],
  ],
  decimals: 3,
};

describe("drawMatrix", () => {
  test("entries have fixed decimals and a true minus sign, and never read −0", () => {
    assert.deepEqual(matrixCells(Z), [
      ["−1.289", "0.500", "0.000"],
      ["2.000", "0.000", "10.250"],
    ]);
  });

  test("columns are evenly spaced, as wide as the widest entry or the cell text; the shape goes under", () => {
    const paint = canvas(1280, 720);
    const plain = matrixLayout(paint, Z);
    const steps = plain.columnRights.slice(1).map((r, j) => r - (plain.columnRights[j] as number));
    assert.ok(Math.abs((steps[0] as number) - (steps[1] as number)) < 1e-9);
    const wide = matrixLayout(paint, { ...Z, cellText: "−100.000" });
    assert.ok(wide.cell > plain.cell && wide.grid.width > plain.grid.width);
    assert.ok(plain.height > plain.grid.y + plain.grid.height, "room for the shape under the grid");
    assert.equal(matrixLayout(paint, { ...Z, shape: false }).height, plain.grid.y + plain.grid.height);
    // A label wider than the matrix keeps inside the matrix's box.
    const long = matrixLayout(paint, { values: [[1], [2]], decimals: 0, shape: "a long label under a thin matrix" });
    assert.ok(long.grid.x > 0 && long.width > long.grid.width * 3);
  });

  test("everything drawn stays inside the box it returns, and scales with the frame", () => {
    for (const height of [720, 360]) {
      const paint = canvas((height * 16) / 9, height);
      const box = drawMatrix(
        paint,
        { x: 40, y: 30 },
        { ...Z, name: String.raw`\z[Z]^1 =`, columnLabels: ["x₁", "x₂", "x₃"] },
      );
      const ink = inkBox(paint);
      assert.ok(ink.x >= box.x - 1 && ink.y >= box.y - 1, `${height}p: ink starts inside`);
      assert.ok(ink.x + ink.width <= box.x + box.width + 1 && ink.y + ink.height <= box.y + box.height + 1);
    }
    const [big, small] = [matrixLayout(canvas(1280, 720), Z), matrixLayout(canvas(640, 360), Z)];
    assert.ok(Math.abs(big.width / small.width - 2) < 0.1);
  });

  test("a lit column tints its own band only; a lit row its own; opacity 0 draws nothing", () => {
    const at = { x: 20, y: 20 };
    const paint = canvas(1280, 720);
    const layout = matrixLayout(paint, Z);
    drawMatrix(paint, at, { ...Z, litColumns: [0, 1, 0] });
    // Between rows, just inside each column's band (the gap between the entries' text and the band's edge).
    const y = at.y + ((layout.rowMiddles[0] as number) + (layout.rowMiddles[1] as number)) / 2;
    const bandEdge = (j: number) => at.x + (layout.columnRights[j] as number) + 0.2 * 17;
    assert.ok(inked(paint, bandEdge(1), y), "column 2 is lit");
    assert.ok(!inked(paint, bandEdge(0), y), "column 1 is not");
    assert.ok(!inked(paint, bandEdge(2), y), "column 3 is not");

    const rows = canvas(1280, 720);
    drawMatrix(rows, at, { ...Z, litRows: [0, 1] });
    const between = at.x + (layout.columnRights[0] as number) + 0.3 * 17;
    assert.ok(inked(rows, between, at.y + (layout.rowMiddles[1] as number)), "row 2 is lit");
    assert.ok(!inked(rows, between, at.y + (layout.rowMiddles[0] as number)), "row 1 is not");

    const hidden = canvas(640, 360);
    drawMatrix(hidden, at, { ...Z, opacity: 0 });
    assert.ok(inkBox(hidden).width <= 0, "nothing drawn");
  });
});

describe("drawMatrixRows", () => {
  const wide: MatrixOptions = {
    values: [[-0.1234, 0.5678, -0.9, 0.1, 0.2, -0.3]],
    decimals: 4,
    name: String.raw`\Delta^3 =`,
  };

  test("rows too wide for their rectangle shrink evenly to fit inside it", () => {
    const paint = canvas(1280, 720);
    const rect = { x: 100, y: 100, width: 500, height: 300 };
    drawMatrixRows(paint, rect, [[wide, { tex: "+" }, wide], [Z]]);
    const ink = inkBox(paint);
    assert.ok(ink.x >= rect.x && ink.x + ink.width <= rect.x + rect.width, `x ${ink.x}..${ink.x + ink.width}`);
    assert.ok(ink.y >= rect.y && ink.y + ink.height <= rect.y + rect.height, `y ${ink.y}..${ink.y + ink.height}`);
  });

  test("aligned rows put each place at the same x; a hidden item keeps its room", () => {
    const paint = canvas(1280, 720);
    const rect = { x: 0, y: 0, width: 1280, height: 600 };
    const boxes = drawMatrixRows(
      paint,
      rect,
      [
        [null, Z, wide],
        [Z, { ...Z, values: [[1, 2, 3]] }, { ...wide, opacity: 0 }],
      ],
      { aligned: true },
    );
    const [first, second] = boxes as [Rect[], Rect[]];
    first.forEach((box, i) => {
      assert.ok(Math.abs(box.x - (second[i] as Rect).x) < 1e-9, `place ${i}`);
    });
    assert.ok((first[1] as Rect).y < (second[1] as Rect).y, "rows go down");
  });
});
