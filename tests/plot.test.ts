import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import { makeBlobs } from "../src/data/index.ts";
import {
  DARK,
  decimalsFor,
  drawPlot,
  font,
  formatNumber,
  LIGHT,
  logTicks,
  type Paint,
  type PlotOptions,
  PlotOptionError,
  paintFor,
  plotTicks,
  type Rect,
  registerFonts,
  type Theme,
  withMinusSigns,
} from "../src/draw/index.ts";
import { measureTextCached } from "../src/draw/textcache.ts";
import { expectMatchesGolden } from "./golden.ts";

registerFonts();

const sigma = (z: number) => 1 / (1 + Math.exp(-z));
const sigmaPrime = (z: number) => sigma(z) * (1 - sigma(z));

/** σ and σ′ on [−5, 5], σ′'s maximum ¼ at z = 0 marked; drawn up to `fraction` of the range. */
function sigmoidFigure(theme: Theme, fraction?: number): PlotOptions {
  const progress = fraction === undefined ? {} : { fraction, endMarker: true };
  return {
    title: "The sigmoid and its derivative",
    x: { range: [-5, 5], label: "z" },
    y: { range: [0, 1] },
    series: [
      { name: "σ(z)", f: sigma, ...progress },
      { name: "σ′(z)", f: sigmaPrime, ...progress },
    ],
    references: [{ y: 0.25 }],
    points: [{ at: [0, 0.25], label: "maximum ¼ at z = 0", color: theme.series[1] as string }],
  };
}

/** A made-up gradient check: the relative error falls from about 0.3 to 1e−11 in 40 steps. */
function gradientCheckFigure(): PlotOptions {
  const steps = Array.from({ length: 41 }, (_, i) => i);
  const errors = steps.map((i) => 0.3 * 10 ** (-i / 4) * (1 + 0.5 * Math.sin(1.7 * i)));
  return {
    title: "Gradient check",
    x: { range: [0, 40], label: "iteration" },
    y: { range: [1e-12, 1], log: true, label: "relative error" },
    series: [{ xs: steps, ys: errors }],
    references: [{ y: 1e-7, label: "1e-7 threshold" }],
    arrows: [{ from: [31, 1e-3], to: [25.4, 1.5e-7], label: "first below 1e-7 at step 25" }],
  };
}

const centres = [
  [-2, 1],
  [2, 2.5],
  [0.5, -2],
];
const blobs = makeBlobs({
  n: 150,
  centers: centres,
  std: 0.9,
  seed: 3,
});

function scatterFigure(): PlotOptions {
  // The point farthest from its class's centre gets the callout.
  const distance = (i: number) => {
    const p = blobs.X[i] as number[];
    const c = centres[blobs.y[i] as number] as number[];
    return Math.hypot((p[0] as number) - (c[0] as number), (p[1] as number) - (c[1] as number));
  };
  const far = blobs.X.reduce((best, _, i) => (distance(i) > distance(best) ? i : best), 0);
  const outlier = blobs.X[far] as number[];
  return {
    title: "Three classes",
    x: { range: [-5, 5], label: "x₁" },
    y: { range: [-5, 5], label: "x₂" },
    series: [
      {
        kind: "scatter",
        xs: blobs.X.map((p) => p[0] as number),
        ys: blobs.X.map((p) => p[1] as number),
        classes: blobs.y,
        classNames: ["class 0", "class 1", "class 2"],
      },
    ],
    callouts: [{ at: [outlier[0] as number, outlier[1] as number], text: "far from\nits class" }],
  };
}

/** Draws a figure on a canvas filled with `outside`, the rect with the theme's background. */
function render(
  options: PlotOptions,
  {
    width = 640,
    height = 360,
    theme = LIGHT,
    rect,
    outside,
  }: { width?: number; height?: number; theme?: Theme; rect?: Rect; outside?: string } = {},
) {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const paint = paintFor(ctx, { width, height }, theme);
  const margin = Math.round(height * 0.05);
  const area = rect ?? { x: margin, y: margin, width: width - 2 * margin, height: height - 2 * margin };
  ctx.fillStyle = outside ?? theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(area.x, area.y, area.width, area.height);
  const frame = drawPlot(paint, area, options);
  return { canvas, ctx, paint, frame, area };
}

function pixel(ctx: Paint["ctx"], x: number, y: number): [number, number, number] {
  const d = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
  return [d[0] as number, d[1] as number, d[2] as number];
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function near(a: [number, number, number], b: [number, number, number], tolerance = 24): boolean {
  return a.every((v, i) => Math.abs(v - (b[i] as number)) <= tolerance);
}

describe("golden images of drawPlot (640x360)", () => {
  test("σ and σ′ with a legend, σ′'s maximum marked", () => {
    expectMatchesGolden("plot-sigmoid", render(sigmoidFigure(LIGHT)).canvas.toBuffer("image/png"));
  });
  test("the same drawn to 60% with end markers; legend and labels where they are in the full figure", () => {
    expectMatchesGolden("plot-sigmoid-60", render(sigmoidFigure(LIGHT, 0.6)).canvas.toBuffer("image/png"));
  });
  test("a log axis: a falling gradient-check error under a 1e−7 reference line", () => {
    expectMatchesGolden("plot-log", render(gradientCheckFigure()).canvas.toBuffer("image/png"));
  });
  test("a scatter of three classes with a callout", () => {
    expectMatchesGolden("plot-scatter", render(scatterFigure()).canvas.toBuffer("image/png"));
  });
  test("σ and σ′ on the dark theme", () => {
    expectMatchesGolden("plot-sigmoid-dark", render(sigmoidFigure(DARK), { theme: DARK }).canvas.toBuffer("image/png"));
  });
});

describe("drawPlot maps data to pixels", () => {
  test("toPixel sends the range's corners to the plot rect's corners", () => {
    const { frame } = render({ x: { range: [-5, 5] }, y: { range: [0, 1] } });
    const r = frame.plotRect;
    assert.deepEqual(frame.toPixel(-5, 0), { x: r.x, y: r.y + r.height });
    assert.deepEqual(frame.toPixel(5, 1), { x: r.x + r.width, y: r.y });
    assert.deepEqual(frame.toPixel(-5, 1), { x: r.x, y: r.y });
    const mid = frame.toPixel(0, 0.5);
    assert.ok(Math.abs(mid.x - (r.x + r.width / 2)) < 1e-9 && Math.abs(mid.y - (r.y + r.height / 2)) < 1e-9);
  });

  test("on a log axis too: 1e-12 at the bottom, 1 at the top, 1e-6 half way, nothing at 0", () => {
    const { frame } = render({ x: { range: [1e-3, 1e3], log: true }, y: { range: [1e-12, 1], log: true } });
    const r = frame.plotRect;
    const low = frame.toPixel(1e-3, 1e-12);
    const high = frame.toPixel(1e3, 1);
    assert.ok(Math.abs(low.x - r.x) < 1e-9 && Math.abs(low.y - (r.y + r.height)) < 1e-9);
    assert.ok(Math.abs(high.x - (r.x + r.width)) < 1e-9 && Math.abs(high.y - r.y) < 1e-9);
    const mid = frame.toPixel(1, 1e-6);
    assert.ok(Math.abs(mid.x - (r.x + r.width / 2)) < 1e-6 && Math.abs(mid.y - (r.y + r.height / 2)) < 1e-6);
    assert.ok(Number.isNaN(frame.toPixel(1, 0).y));
  });
});

describe("ticks and labels", () => {
  test("a log axis's ticks are the powers of ten in its range", () => {
    assert.deepEqual(logTicks(1e-12, 1), [-12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0]);
    assert.deepEqual(logTicks(3e-5, 2e2), [-4, -3, -2, -1, 0, 1, 2]);
    // With room for every label (a tall axis), every power is labelled: 10 with the exponent raised.
    const tall = plotTicks({ range: [1e-12, 1], log: true, tickCount: 13 }, 2000, { unit: 1, vertical: true });
    assert.deepEqual(
      tall.map((t) => t.value),
      logTicks(1e-12, 1).map((k) => 10 ** k),
    );
    assert.ok(tall.every((t) => t.text === "10" && !t.minor));
    assert.deepEqual(
      tall.map((t) => t.sup),
      logTicks(1e-12, 1).map((k) => formatNumber(k)),
    );
    // A short axis labels every second or third power; the rest stay as minor ticks.
    const short = plotTicks({ range: [1e-12, 1], log: true }, 260, { unit: 1, vertical: true });
    assert.deepEqual(
      short.map((t) => t.value),
      logTicks(1e-12, 1).map((k) => 10 ** k),
    );
    const labelled = short.filter((t) => !t.minor);
    assert.ok(labelled.length >= 3 && labelled.length <= 7, `${labelled.length} labels`);
    assert.ok(labelled.some((t) => t.value === 1));
  });

  test("every minus sign is U+2212, in numbers, tick labels and exponents", () => {
    assert.equal(formatNumber(-5), "\u22125");
    assert.equal(formatNumber(-0.25, 2), "\u22120.25");
    assert.equal(formatNumber(-0.0001, 2), "0.00", "no minus zero");
    assert.equal(formatNumber(3.5, 1), "3.5");
    const linear = plotTicks({ range: [-5, 5] }, 600, { unit: 1, vertical: false });
    assert.deepEqual(
      linear.map((t) => t.text),
      ["\u22124", "\u22122", "0", "2", "4"],
    );
    const log = plotTicks({ range: [1e-7, 1e-3], log: true }, 600, { unit: 1, vertical: true });
    assert.deepEqual(
      log.map((t) => `${t.text}^${t.sup}`),
      ["10^\u22127", "10^\u22126", "10^\u22125", "10^\u22124", "10^\u22123"],
    );
    const explicit = plotTicks({ range: [-1, 1], ticks: [-1, { value: 0, label: "origin" }, 1] }, 600, {
      unit: 1,
      vertical: false,
    });
    assert.deepEqual(
      explicit.map((t) => t.text),
      ["\u22121", "origin", "1"],
    );
    for (const t of [...linear, ...log, ...explicit]) assert.ok(!`${t.text}${t.sup ?? ""}`.includes("-"));
  });

  test("hyphens before numbers in labels become minus signs; hyphens in words stay", () => {
    assert.equal(withMinusSigns("1e-7 threshold"), "1e\u22127 threshold");
    assert.equal(withMinusSigns("-5"), "\u22125");
    assert.equal(withMinusSigns("at (-0.5, 2)"), "at (\u22120.5, 2)");
    assert.equal(withMinusSigns("z = -3"), "z = \u22123");
    assert.equal(withMinusSigns("gradient-check"), "gradient-check");
    assert.equal(withMinusSigns("layers 1-3"), "layers 1-3");
    assert.equal(withMinusSigns("use-5 and -.net"), "use-5 and -.net");
    assert.equal(withMinusSigns("from -.5 to -1e-3"), "from \u2212.5 to \u22121e\u22123");
  });

  test("automatic ticks are few and round, with as few decimals as they need", () => {
    const opts = { unit: 1, vertical: true };
    assert.deepEqual(
      plotTicks({ range: [0, 1] }, 500, opts).map((t) => t.text),
      ["0.0", "0.5", "1.0"],
    );
    assert.deepEqual(
      plotTicks({ range: [0, 40] }, 1000, { unit: 1, vertical: false }).map((t) => t.text),
      ["0", "10", "20", "30", "40"],
    );
    assert.deepEqual(
      plotTicks({ range: [0, 10], tickCount: 5 }, 1000, { unit: 1, vertical: false }).map((t) => t.text),
      ["0", "2", "4", "6", "8", "10"],
    );
    // A step of 2.5 is printed with its decimal, never rounded to "3".
    assert.equal(decimalsFor([0, 2.5, 5]), 1);
    assert.equal(decimalsFor([0, 0.25, 0.5]), 2);
    assert.equal(decimalsFor([-4, -2, 0]), 0);
    const quarter = plotTicks({ range: [0, 5], ticks: [0, 2.5, 5] }, 1000, { unit: 1, vertical: false });
    assert.deepEqual(
      quarter.map((t) => t.text),
      ["0.0", "2.5", "5.0"],
    );
  });

  test("digits are tabular: every digit and the figure space have one width", () => {
    const tickFont = font(16);
    const widths = new Set([..."0123456789\u2007"].map((d) => measureTextCached(d, tickFont)));
    assert.equal(widths.size, 1);
  });
});

describe("drawPlot keeps everything inside its rect", () => {
  const figures: [string, (theme: Theme) => PlotOptions][] = [
    ["sigmoid", (t) => sigmoidFigure(t)],
    ["gradient check", () => gradientCheckFigure()],
    ["scatter", () => scatterFigure()],
    [
      "long titles and labels",
      (t) => ({
        ...sigmoidFigure(t),
        title: "A very long title that would run far past the right edge of a small side panel",
        x: { range: [-12345, 12345], label: "an x axis title longer than the panel itself, by a good margin" },
        y: { range: [-0.001, 0.001], label: "a long y axis title, also longer than the panel" },
        legend: "top-right",
      }),
    ],
  ];
  const sizes: { width: number; height: number; rect: Rect }[] = [
    { width: 640, height: 360, rect: { x: 18, y: 18, width: 604, height: 324 } },
    { width: 1280, height: 720, rect: { x: 880, y: 120, width: 340, height: 260 } },
    { width: 640, height: 360, rect: { x: 400, y: 40, width: 200, height: 140 } },
    { width: 1920, height: 1080, rect: { x: 100, y: 100, width: 900, height: 500 } },
  ];
  const marker = "#ff00ff";
  for (const [name, figure] of figures)
    for (const size of sizes)
      test(`${name} at ${size.width}x${size.height} in a ${size.rect.width}x${size.rect.height} rect`, () => {
        const { ctx, area } = render(figure(LIGHT), { ...size, outside: marker });
        const data = ctx.getImageData(0, 0, size.width, size.height).data;
        let spilled = 0;
        for (let y = 0; y < size.height; y++)
          for (let x = 0; x < size.width; x++) {
            if (x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height) continue;
            const i = 4 * (y * size.width + x);
            if (data[i] !== 255 || data[i + 1] !== 0 || data[i + 2] !== 255) spilled++;
          }
        assert.equal(spilled, 0, `${spilled} pixels drawn outside the rect`);
      });
});

describe("drawPlot's parts", () => {
  test("no title and no axis titles: the data area starts at the top of the rect, and nothing is written there", () => {
    const bare = render({ x: { range: [0, 1] }, y: { range: [0, 1] } });
    const titled = render({ x: { range: [0, 1] }, y: { range: [0, 1], label: "y" }, title: "Title" });
    assert.ok(bare.frame.plotRect.y - bare.area.y <= 10 * bare.paint.unit);
    assert.ok(titled.frame.plotRect.y - titled.area.y > 30 * titled.paint.unit);
    // The strip above the data area is empty: no "undefined" anywhere.
    const { ctx, area, frame } = bare;
    const strip = ctx.getImageData(area.x, area.y, area.width, Math.floor(frame.plotRect.y - area.y - 6)).data;
    for (let i = 0; i < strip.length; i += 4) assert.deepEqual([strip[i], strip[i + 1], strip[i + 2]], [255, 255, 255]);
  });

  test("a series drawn to 60% ends at 60% of its range, with a marker in its colour there", () => {
    const { ctx, frame } = render(sigmoidFigure(LIGHT, 0.6), { width: 1280, height: 720 });
    const end = frame.toPixel(1, sigma(1));
    // A series without a colour takes the theme's first series colour (not a class colour).
    assert.ok(near(pixel(ctx, end.x, end.y), rgb(LIGHT.series[0] as string)));
    const beyond = frame.toPixel(3, sigma(3));
    assert.ok(near(pixel(ctx, beyond.x, beyond.y), rgb(LIGHT.background)));
    const drawn = frame.toPixel(-2, sigma(-2));
    assert.ok(near(pixel(ctx, drawn.x, drawn.y), rgb(LIGHT.series[0] as string), 60));
  });

  test("a curve leaving the y range stops at the edge of the data area", () => {
    const { ctx, frame, paint } = render(
      { x: { range: [0, 1] }, y: { range: [0, 0.5] }, series: [{ f: (x) => x, width: 3 }] },
      { width: 1280, height: 720 },
    );
    const top = frame.plotRect.y;
    const exit = frame.toPixel(0.5, 0.5);
    assert.ok(near(pixel(ctx, exit.x - 1, top + 1), rgb(LIGHT.series[0] as string), 60), "drawn up to the edge");
    // Unclipped, the line would go on up and to the right through this patch above the edge.
    for (let y = Math.round(top - 8 * paint.unit); y < top - 2.5 * paint.unit; y++)
      for (let x = Math.round(exit.x); x < exit.x + 10 * paint.unit; x++)
        assert.deepEqual(pixel(ctx, x, y), rgb(LIGHT.background), `nothing at (${x}, ${y})`);
  });

  test("upTo draws a line up to an x value", () => {
    const { ctx, frame } = render(
      { x: { range: [0, 10] }, y: { range: [0, 10] }, series: [{ xs: [0, 10], ys: [5, 5], upTo: 4, endMarker: true }] },
      { width: 1280, height: 720 },
    );
    const colour = rgb(LIGHT.series[0] as string);
    assert.ok(near(pixel(ctx, frame.toPixel(2, 5).x, frame.toPixel(2, 5).y), colour));
    assert.ok(near(pixel(ctx, frame.toPixel(4, 5).x, frame.toPixel(4, 5).y), colour));
    assert.ok(near(pixel(ctx, frame.toPixel(6, 5).x, frame.toPixel(6, 5).y), rgb(LIGHT.background)));
  });

  test("the legend goes where the data is not, and stays there while the series grow", () => {
    const full = render(sigmoidFigure(LIGHT)).frame;
    const partial = render(sigmoidFigure(LIGHT, 0.3)).frame;
    const legend = full.legendRect as Rect;
    assert.ok(legend, "a legend was drawn");
    // σ runs to the top right: the legend is in the top left.
    assert.ok(
      legend.x < full.plotRect.x + full.plotRect.width / 2 && legend.y < full.plotRect.y + full.plotRect.height / 2,
    );
    assert.deepEqual(partial.legendRect, legend);
    const pinned = render({ ...sigmoidFigure(LIGHT), legend: "bottom-right" }).frame.legendRect as Rect;
    assert.ok(
      pinned.x > full.plotRect.x + full.plotRect.width / 2 && pinned.y > full.plotRect.y + full.plotRect.height / 2,
    );
    assert.equal(render({ ...sigmoidFigure(LIGHT), legend: "none" }).frame.legendRect, undefined);
  });

  test('legend "above" is one row above the data, right-aligned, inside the rect and clear of the data', () => {
    const rect = { x: 20, y: 20, width: 600, height: 320 };
    const { frame } = render({ ...sigmoidFigure(LIGHT), legend: "above" }, { rect });
    const row = frame.legendRect as Rect;
    assert.ok(row.y + row.height <= frame.plotRect.y, "above the data area");
    assert.ok(row.y >= rect.y && row.x >= rect.x, "inside the rect");
    assert.ok(Math.abs(row.x + row.width - (rect.x + rect.width)) < 1e-9, "right-aligned");
    assert.ok(row.height < 30, "one row");
    // The data area gives up the row only when there is no y axis title already holding it.
    const corner = render(sigmoidFigure(LIGHT), { rect }).frame;
    assert.ok(frame.plotRect.y > corner.plotRect.y);
    const titled = { ...sigmoidFigure(LIGHT), y: { range: [0, 1] as [number, number], label: "a" } };
    assert.equal(
      render({ ...titled, legend: "above" }, { rect }).frame.plotRect.y,
      render(titled, { rect }).frame.plotRect.y,
    );
  });

  test("a labelled point or callout off the plot draws nothing, not a label at the edge", () => {
    const base = sigmoidFigure(LIGHT);
    const plain = render(base).canvas.toBuffer("raw");
    const off = render({
      ...base,
      points: [...(base.points ?? []), { at: [7, 0.5], label: "off the plot" }],
      callouts: [{ at: [0, 1.5], text: "above the plot" }],
    }).canvas.toBuffer("raw");
    assert.ok(plain.equals(off));
  });

  test("scatter points take their class colour from the theme", () => {
    for (const theme of [LIGHT, DARK]) {
      const { ctx, frame } = render(
        {
          x: { range: [0, 4] },
          y: { range: [0, 4] },
          series: [{ kind: "scatter", xs: [1, 2, 3], ys: [1, 2, 3], classes: [0, 1, 2] }],
        },
        { theme, width: 1280, height: 720 },
      );
      for (let k = 0; k < 3; k++) {
        const p = frame.toPixel(k + 1, k + 1);
        assert.ok(near(pixel(ctx, p.x, p.y), rgb(theme.classes[k] as string)), `class ${k}`);
      }
    }
  });
});

describe("bad options get one clear error", () => {
  const cases: [string, PlotOptions, RegExp][] = [
    [
      "an empty range",
      { x: { range: [3, 3] }, y: { range: [0, 1] } },
      /x\.range must be \[low, high\] with low < high, got \[3, 3\]/,
    ],
    [
      "a reversed range",
      { x: { range: [0, 1] }, y: { range: [1, -1] } },
      /y\.range must be \[low, high\] with low < high/,
    ],
    ["a range that is not a number", { x: { range: [0, Number.NaN] }, y: { range: [0, 1] } }, /x\.range/],
    [
      "a log axis through zero",
      { x: { range: [0, 1] }, y: { range: [0, 1], log: true } },
      /y\.range \[0, 1\] cannot be drawn on a log axis: both ends must be above 0/,
    ],
    [
      "a log axis below zero",
      { x: { range: [-1, 10], log: true }, y: { range: [0, 1] } },
      /x\.range \[\u22121, 10\] cannot be drawn on a log axis/,
    ],
    [
      "xs and ys of different lengths",
      { x: { range: [0, 1] }, y: { range: [0, 1] }, series: [{ xs: [0, 1], ys: [0] }] },
      /series\[0\]: xs and ys must have the same length/,
    ],
    [
      "a series with no data",
      { x: { range: [0, 1] }, y: { range: [0, 1] }, series: [{ name: "loss" }] },
      /series\[0\] \("loss"\): give either f/,
    ],
    [
      "upTo and fraction together",
      { x: { range: [0, 1] }, y: { range: [0, 1] }, series: [{ f: (x) => x, upTo: 0.5, fraction: 0.5 }] },
      /give upTo or fraction, not both/,
    ],
    [
      "a fraction above 1",
      { x: { range: [0, 1] }, y: { range: [0, 1] }, series: [{ f: (x) => x, fraction: 1.5 }] },
      /fraction must be between 0 and 1/,
    ],
    ["no range and no data", { x: {}, y: { range: [0, 1] } }, /x\.range is needed/],
    [
      "an unknown legend place",
      { x: { range: [0, 1] }, y: { range: [0, 1] }, legend: "upper right" as "top-right" },
      /legend must be one of/,
    ],
  ];
  for (const [name, options, message] of cases)
    test(name, () => {
      assert.throws(
        () => render(options),
        (error: unknown) =>
          error instanceof PlotOptionError && message.test(error.message) && !error.message.includes("\n"),
      );
    });

  test("a rect too small for the labels says so", () => {
    assert.throws(
      () =>
        render(
          { x: { range: [0, 1] }, y: { range: [0, 1] }, title: "T" },
          { rect: { x: 0, y: 0, width: 60, height: 30 } },
        ),
      /too (small|narrow) for a plot/,
    );
  });
});

describe("drawPlot without a range takes it from the data, rounded out", () => {
  test("xs and ys from 0.3 to 9.2 and from -1.2 to 3.7 give [0, 10] and [-2, 4]", () => {
    const { frame } = render({ x: {}, y: {}, series: [{ xs: [0.3, 9.2], ys: [-1.2, 3.7] }] });
    const r = frame.plotRect;
    assert.deepEqual(frame.toPixel(0, -2), { x: r.x, y: r.y + r.height });
    const top = frame.toPixel(10, 4);
    assert.ok(Math.abs(top.x - (r.x + r.width)) < 1e-9 && Math.abs(top.y - r.y) < 1e-9);
  });
});

describe("a function that jumps (breaks)", () => {
  const step = (z: number) => (z < 0 ? 0 : 1);
  /** Whether the step's colour is drawn at x = 0 halfway up the jump, at this frame width. */
  const riserAt = (width: number, breaks?: number[]) => {
    const height = Math.round((width * 9) / 16);
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext("2d");
    const paint = paintFor(ctx, { width, height }, LIGHT);
    ctx.fillStyle = LIGHT.background;
    ctx.fillRect(0, 0, width, height);
    const frame = drawPlot(
      paint,
      { x: 0, y: 0, width, height },
      {
        x: { range: [-3, 3] },
        y: { range: [-0.5, 1.5] },
        series: [{ f: step, color: "#ff0000", ...(breaks ? { breaks } : {}) }],
      },
    );
    const at = frame.toPixel(0, 0.5);
    const data = ctx.getImageData(Math.round(at.x) - 3, Math.round(at.y), 7, 1).data;
    let red = false;
    for (let i = 0; i < data.length; i += 4) if ((data[i] as number) > 200 && (data[i + 1] as number) < 80) red = true;
    return red;
  };

  test("without breaks, a sampled step draws a riser at some sizes (what breaks are for)", () => {
    assert.ok(
      [640, 777, 1280].some((w) => riserAt(w)),
      "no size drew the riser: this test shows nothing",
    );
  });

  test("with breaks: [0], no riser at any size", () => {
    for (const width of [640, 777, 1280, 1920]) assert.equal(riserAt(width, [0]), false, `a riser at ${width} px`);
  });

  test("breaks must be finite numbers on a function", () => {
    const canvas = createCanvas(100, 100);
    const paint = paintFor(canvas.getContext("2d"), { width: 100, height: 100 }, LIGHT);
    assert.throws(
      () =>
        drawPlot(
          paint,
          { x: 0, y: 0, width: 100, height: 100 },
          { x: { range: [0, 1] }, y: { range: [0, 1] }, series: [{ f: step, breaks: [Number.NaN] }] },
        ),
      /breaks are x values/,
    );
  });
});

test("an end marker appears only once some of the curve is drawn", () => {
  const canvas = createCanvas(1280, 720);
  const ctx = canvas.getContext("2d");
  const paint = paintFor(ctx, { width: 1280, height: 720 }, LIGHT);
  ctx.fillStyle = LIGHT.background;
  ctx.fillRect(0, 0, 1280, 720);
  const frame = drawPlot(
    paint,
    { x: 0, y: 0, width: 1280, height: 720 },
    {
      x: { range: [-3, 3] },
      y: { range: [-1, 1] },
      series: [{ f: () => 0, fraction: 0, endMarker: true, color: "#ff0000" }],
    },
  );
  const at = frame.toPixel(-3, 0);
  const [r, g] = ctx.getImageData(Math.round(at.x) + 2, Math.round(at.y), 1, 1).data;
  assert.ok(!((r as number) > 200 && (g as number) < 80), "a marker at the start of a curve not yet drawn");
});
