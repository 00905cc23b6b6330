import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type CanvasRenderingContext2D, createCanvas, Image } from "canvas";
import pixelmatch from "pixelmatch";
import {
  DARK,
  paintFor,
  drawTex,
  LIGHT,
  measureTex,
  type Paint,
  registerFonts,
  SYMBOL_COLORS,
  symbolColors,
  TexError,
  type Theme,
} from "../src/draw/index.ts";
import { fillTextCached } from "../src/draw/textcache.ts";
import { font } from "../src/draw/fonts.ts";
import { texWorkCounts } from "../src/draw/tex.ts";
import { expectMatchesGolden } from "./golden.ts";

registerFonts();

/** Nielsen's four equations of backpropagation, in the notebook's symbols. */
const BP = [
  String.raw`\delta^L = \nabla_{\a} \C \odot \sigma'(\z^L)`,
  String.raw`\delta^l = ((\w^{l+1})^T \delta^{l+1}) \odot \sigma'(\z^l)`,
  String.raw`\frac{\partial \C}{\partial \b^l_j} = \delta^l_j`,
  String.raw`\frac{\partial \C}{\partial \w^l_{jk}} = \a^{l-1}_k \delta^l_j`,
];

/** A canvas of `width` x `height` pixels, cut from a frame `frameHeight` pixels high, filled with the background. */
function frame(width: number, height: number, theme: Theme, frameHeight = 720): { paint: Paint; png: () => Buffer } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  return {
    paint: { ctx, theme, unit: frameHeight / 720, width, height },
    png: () => canvas.toBuffer("image/png"),
  };
}

function pixels(ctx: CanvasRenderingContext2D): Uint8ClampedArray {
  return ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height).data;
}

/** The bounding box of the pixels that differ from the background colour. */
function inkBox(ctx: CanvasRenderingContext2D, background: [number, number, number]) {
  const { width, height } = ctx.canvas;
  const data = pixels(ctx);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      if (
        Math.abs(data[i]! - background[0]) +
          Math.abs(data[i + 1]! - background[1]) +
          Math.abs(data[i + 2]! - background[2]) >
        30
      ) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
  return { x0, y0, x1, y1 };
}

/** The four equations, labelled BP1-BP4 on their baselines, in a 640x360 crop of a 720p frame. */
function backpropCard(theme: Theme): Buffer {
  const { paint, png } = frame(640, 360, theme);
  const baselines = [58, 126, 210, 310];
  BP.forEach((tex, i) => {
    const y = baselines[i]!;
    fillTextCached(paint.ctx, `BP${i + 1}`, 40, y, { font: font(18), color: theme.muted });
    drawTex(paint, tex, { x: 120, y, size: 32 });
  });
  return png();
}

describe("TeX equations: golden images", () => {
  test("the four backprop equations in the notebook's colours, light theme (720p crop)", () => {
    expectMatchesGolden("tex-backprop-light", backpropCard(LIGHT));
  });

  test("the four backprop equations in the notebook's colours, dark theme (720p crop)", () => {
    expectMatchesGolden("tex-backprop-dark", backpropCard(DARK));
  });

  test("a term-by-term reveal at 0.5: of three terms, the first shown, the second half faded, the third hidden", () => {
    const { paint, png } = frame(640, 120, LIGHT);
    drawTex(paint, String.raw`\z^l_j = \term{\sum_k \w^l_{jk}} \term{\a^{l-1}_k} \term{+ \b^l_j}`, {
      x: 320,
      y: 60,
      size: 40,
      align: "center",
      baseline: "middle",
      reveal: 0.5,
    });
    expectMatchesGolden("tex-reveal-half", png());
  });

  for (const [name, frameHeight] of [
    ["tex-bp4-360p", 360],
    ["tex-bp4-1080p", 1080],
  ] as const) {
    test(`BP4 in a crop of a ${frameHeight}p frame: rasterised at that size, as crisp as at 720p`, () => {
      const scale = frameHeight / 720;
      const { paint, png } = frame(Math.round(400 * scale), Math.round(140 * scale), LIGHT, frameHeight);
      drawTex(paint, BP[3]!, {
        x: paint.width / 2,
        y: paint.height / 2,
        size: 32,
        align: "center",
        baseline: "middle",
      });
      expectMatchesGolden(name, png());
    });
  }
});

describe("TeX equations: behaviour", () => {
  test("node-canvas makes an Image from an SVG buffer synchronously", () => {
    const image = new Image();
    image.src = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="20px" height="10px"><rect width="20" height="10" fill="red"/></svg>',
    );
    assert.equal(image.complete, true);
    assert.deepEqual([image.width, image.height], [20, 10]);
  });

  test("drawTex has drawn when it returns (no await anywhere)", () => {
    const { paint } = frame(200, 80, LIGHT);
    drawTex(paint, "x^2", { x: 100, y: 40, align: "center", baseline: "middle" });
    const box = inkBox(paint.ctx, [255, 255, 255]);
    assert.ok(box.x1 > box.x0, "no ink on the canvas after drawTex returned");
  });

  test("each TeX string is converted once; each size and colour set is rasterised once", () => {
    const tex = String.raw`\w^{42}_{17} + \b^{42}_{17}`;
    const { paint } = frame(300, 100, LIGHT);
    const before = texWorkCounts();
    drawTex(paint, tex, { x: 10, y: 50 });
    const afterFirst = texWorkCounts();
    assert.equal(afterFirst.conversions - before.conversions, 1);
    assert.equal(afterFirst.rasterisations - before.rasterisations, 1);
    drawTex(paint, tex, { x: 10, y: 50 });
    measureTex(paint, tex);
    assert.deepEqual(texWorkCounts(), afterFirst, "a second draw of the same string did work again");
    // Another theme or size needs a new image, not a new conversion.
    drawTex({ ...paint, theme: DARK }, tex, { x: 10, y: 50 });
    drawTex(paint, tex, { x: 10, y: 50, size: 20 });
    const afterOthers = texWorkCounts();
    assert.equal(afterOthers.conversions, afterFirst.conversions);
    assert.equal(afterOthers.rasterisations - afterFirst.rasterisations, 2);
  });

  test("bad TeX throws a TexError with one line naming the TeX and MathJax's reason", () => {
    const { paint } = frame(100, 50, LIGHT);
    assert.throws(() => drawTex(paint, String.raw`\frac{a`, { x: 0, y: 0 }), {
      name: "TexError",
      message: String.raw`TeX error in "\frac{a": Missing close brace`,
    });
    assert.throws(() => measureTex(paint, String.raw`\sigma(\zz)`), {
      message: String.raw`TeX error in "\sigma(\zz)": Undefined control sequence \zz`,
    });
    assert.throws(
      () => drawTex(paint, String.raw`\term{a + \term{b}}`, { x: 0, y: 0 }),
      (error: unknown) =>
        error instanceof TexError &&
        error.message === String.raw`TeX error in "\term{a + \term{b}}": \term inside \term; mark terms side by side`,
    );
    assert.throws(() => drawTex(paint, "\\begin{aligned}\n a &= b\n", { x: 0, y: 0 }), {
      message: String.raw`TeX error in "\begin{aligned} a &= b": Missing \end{aligned}`,
    });
  });

  test("measureTex scales linearly with the size and with the frame's unit", () => {
    const { paint } = frame(10, 10, LIGHT);
    const base = measureTex(paint, BP[2]!, { size: 20 });
    assert.ok(base.width > 50 && base.height > 20, JSON.stringify(base));
    assert.ok(Math.abs(base.ascent + base.descent - base.height) < 1e-9);
    for (const k of [0.5, 2, 3.7]) {
      const scaled = measureTex(paint, BP[2]!, { size: 20 * k });
      const atUnit = measureTex({ ...paint, unit: k }, BP[2]!, { size: 20 });
      for (const m of [scaled, atUnit])
        for (const field of ["width", "height", "ascent", "descent"] as const)
          assert.ok(Math.abs(m[field] - k * base[field]) < 1e-9, `${field} at x${k}`);
    }
    const fitted = measureTex(paint, BP[2]!, { size: 20, maxWidth: base.width / 2 });
    assert.ok(Math.abs(fitted.width - base.width / 2) < 1e-9, "maxWidth shrinks to fit");
    assert.deepEqual(measureTex(paint, BP[2]!, { size: 20, maxWidth: 1e6 }), base, "maxWidth never grows");
  });

  test("align and baseline place the equation's box, and the ink lies in that box", () => {
    const { paint } = frame(400, 200, LIGHT);
    const size = measureTex(paint, BP[3]!, { size: 30 });
    const box = drawTex(paint, BP[3]!, { x: 200, y: 100, size: 30, align: "center", baseline: "alphabetic" });
    assert.ok(Math.abs(box.x + box.width / 2 - 200) < 1e-9);
    assert.ok(Math.abs(box.y + size.ascent - 100) < 1e-9);
    const ink = inkBox(paint.ctx, [255, 255, 255]);
    const slack = 3;
    assert.ok(
      ink.x0 >= box.x - slack && ink.x1 <= box.x + box.width + slack,
      `ink ${JSON.stringify(ink)} box ${JSON.stringify(box)}`,
    );
    assert.ok(
      ink.y0 >= box.y - slack && ink.y1 <= box.y + box.height + slack,
      `ink ${JSON.stringify(ink)} box ${JSON.stringify(box)}`,
    );
    assert.ok(ink.x1 - ink.x0 > box.width - 2 * slack, "ink fills the box's width");
    const right = drawTex(paint, "x", { x: 300, y: 20, align: "right", baseline: "top" });
    assert.deepEqual([right.x + right.width, right.y], [300, 20]);
    const bottom = drawTex(paint, "x", { x: 0, y: 180, baseline: "bottom" });
    assert.ok(Math.abs(bottom.y + bottom.height - 180) < 1e-9);
    const middle = drawTex(paint, "x", { x: 0, y: 150, baseline: "middle" });
    assert.ok(Math.abs(middle.y + middle.height / 2 - 150) < 1e-9);
  });

  test("a reveal never moves the equation: all terms nearly shown looks like the whole equation", () => {
    const tex = String.raw`\z^l_j = \term{\sum_k \w^l_{jk}} \term{\a^{l-1}_k} \term{+ \b^l_j}`;
    const draw = (reveal: number) => {
      const { paint } = frame(400, 100, LIGHT);
      drawTex(paint, tex, { x: 20.3, y: 60.6, size: 32, reveal });
      return pixels(paint.ctx);
    };
    const whole = draw(1);
    const nearly = draw(0.9999);
    assert.equal(pixelmatch(whole, nearly, undefined, 400, 100, { threshold: 0.1 }), 0);
    // Nothing shown but the unmarked "z = " at 0; more ink as the reveal grows.
    const inked = (data: Uint8ClampedArray) => data.filter((v, i) => i % 4 === 0 && v < 200).length;
    const counts = [0, 1 / 3, 2 / 3, 1].map((r) => inked(draw(r)));
    assert.ok(counts[0]! > 0, "the unmarked part shows at reveal 0");
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! > counts[i - 1]!, `ink grows: ${counts}`);
  });

  test("without \\term, reveal fades the whole equation", () => {
    const draw = (reveal: number) => {
      const { paint } = frame(100, 60, LIGHT);
      drawTex(paint, "x", { x: 50, y: 30, size: 40, align: "center", baseline: "middle", reveal });
      return Math.min(...pixels(paint.ctx).filter((_, i) => i % 4 === 0));
    };
    const [hidden, half, shown] = [draw(0), draw(0.5), draw(1)];
    assert.equal(hidden, 255);
    assert.ok(shown < half && half < hidden, `${shown} < ${half} < ${hidden}`);
  });

  test("determinism: two draws, one converting and one from the caches, give identical pixels", () => {
    const tex = String.raw`\C = \frac{1}{2n} \sum_x \lVert y(x) - \a^L(x) \rVert^2`;
    const draw = () => {
      const { paint } = frame(420, 100, DARK);
      drawTex(paint, tex, { x: 210.4, y: 50.7, size: 30, align: "center", baseline: "middle" });
      return Buffer.from(pixels(paint.ctx));
    };
    const before = texWorkCounts().conversions;
    const first = draw();
    assert.equal(texWorkCounts().conversions, before + 1, "the first draw converted");
    assert.ok(first.equals(draw()));
  });

  test("symbol colours: a light set on light backgrounds, a dark set on dark ones", () => {
    assert.equal(symbolColors(LIGHT), SYMBOL_COLORS.light);
    assert.equal(symbolColors(DARK), SYMBOL_COLORS.dark);
    assert.equal(symbolColors({ ...LIGHT, background: "#000000" }), SYMBOL_COLORS.dark);
  });

  test("the weight colour reaches the pixels: \\w is drawn in the theme's weight colour", () => {
    for (const theme of [LIGHT, DARK]) {
      const { paint } = frame(120, 80, theme);
      drawTex(paint, String.raw`\w`, { x: 60, y: 40, size: 60, align: "center", baseline: "middle" });
      const want = symbolColors(theme).w;
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(want.slice(i, i + 2), 16));
      const data = pixels(paint.ctx);
      let found = false;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) <= 3) found = true;
      assert.ok(found, `no pixel of ${want} on ${theme.background}`);
    }
  });
});

describe("\\hl: a theme-aware highlight", () => {
  test("draws a pale band behind its part on light, a dim one on dark, and nothing elsewhere", () => {
    registerFonts();
    for (const [theme, band] of [
      [LIGHT, [0xfd, 0xec, 0xa6]],
      [DARK, [0x4a, 0x44, 0x24]],
    ] as const) {
      const canvas = createCanvas(640, 200);
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = theme.background;
      ctx.fillRect(0, 0, 640, 200);
      const paint = paintFor(ctx, { width: 1280, height: 720 }, theme);
      drawTex(paint, String.raw`\begin{bmatrix} 0.12 & \hl{0.40} \\ 1.30 & \hl{0.75} \end{bmatrix}`, {
        x: 20,
        y: 100,
        size: 40,
      });
      const data = ctx.getImageData(0, 0, 640, 200).data;
      let banded = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === band[0] && data[i + 1] === band[1] && data[i + 2] === band[2]) banded++;
      }
      // Two cells' bands, each some hundreds of pixels of the exact highlight colour.
      assert.ok(banded > 400, `${banded} pixels of the highlight on ${theme.background}`);
      const plain = createCanvas(640, 200);
      const pctx = plain.getContext("2d");
      pctx.fillStyle = theme.background;
      pctx.fillRect(0, 0, 640, 200);
      drawTex(
        paintFor(pctx, { width: 1280, height: 720 }, theme),
        String.raw`\begin{bmatrix} 0.12 & 0.40 \\ 1.30 & 0.75 \end{bmatrix}`,
        {
          x: 20,
          y: 100,
          size: 40,
        },
      );
      const none = pctx.getImageData(0, 0, 640, 200).data;
      let found = 0;
      for (let i = 0; i < none.length; i += 4) {
        if (none[i] === band[0] && none[i + 1] === band[1] && none[i + 2] === band[2]) found++;
      }
      assert.equal(found, 0, "without \\hl, no highlight");
    }
  });
});

describe("stretched brackets", () => {
  test("a bmatrix bracket is one even stroke top to bottom at 720p and 1080p (no dark seams where its pieces meet)", () => {
    registerFonts();
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      const canvas = createCanvas(300, 400);
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, 300, 400);
      drawTex(
        paintFor(ctx, { width: w, height: h }, LIGHT),
        String.raw`\begin{bmatrix} 0.12 \\ 0.40 \\ 1.30 \\ 0.75 \end{bmatrix}`,
        {
          x: 20,
          y: 200,
          size: 24,
        },
      );
      const data = ctx.getImageData(0, 0, 300, 400).data;
      const ink = (x: number, y: number) => 255 - (data[(y * 300 + x) * 4] as number);
      // The bracket's stroke: from the first inked column, a few pixels wide.
      let x0 = 0;
      while (x0 < 300 && [...Array(400).keys()].every((y) => ink(x0, y) < 40)) x0++;
      const rows: number[] = [];
      for (let y = 0; y < 400; y++) {
        let sum = 0;
        for (let x = x0; x < x0 + 5; x++) sum += ink(x, y);
        if (sum > 0) rows.push(sum);
      }
      // Leave out the corners' horizontal bars at each end.
      const stroke = rows.slice(6, -6);
      assert.ok(stroke.length > 50, `${stroke.length} rows of stroke at ${w}x${h}`);
      const [low, high] = [Math.min(...stroke), Math.max(...stroke)];
      assert.ok(high <= low * 1.05, `the stroke's ink per row runs from ${low} to ${high} at ${w}x${h}`);
    }
  });
});
