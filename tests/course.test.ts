// The course figure (`prepareCourseFigure` / `courseFigure`): the title beat it puts first, captions
// placed by beats, the title card that covers the frame before the scene's panels are drawn, and
// the panels the scene draws in.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { createCanvas } from "canvas";
import {
  BeatError,
  courseFigure,
  LIGHT,
  paintFor,
  prepareCourseFigure,
  type Rect,
  registerFonts,
  timeline,
  titleOpacity,
} from "../src/index.ts";

registerFonts();

const options = {
  title: "A figure",
  subtitle: "its subtitle",
  beats: [{ name: "draw" }, { name: "hold", seconds: 2 }],
  captions: [
    { at: "draw", text: "first" },
    { at: "draw:middle", text: "second" },
  ],
  columns: [{ plot: 2 }, { side: 1 }],
} as const;

describe("prepareCourseFigure", () => {
  test("puts a 1.5 s title beat first and places the captions by beats, the last to the end", () => {
    const figure = prepareCourseFigure({ duration: 10 }, options);
    assert.deepEqual(figure.beats.names, ["title", "draw", "hold"]);
    assert.deepEqual(figure.beats.span("title"), { start: 0, end: 1.5 });
    assert.deepEqual(figure.beats.span("draw"), { start: 1.5, end: 8 });
    assert.deepEqual(figure.captions, [
      { from: 1.5, to: 4.75, text: "first" },
      { from: 4.75, to: 11, text: "second" },
    ]);
    // Stretched by --duration, the words stay with their beats.
    assert.equal(prepareCourseFigure({ duration: 20 }, options).captions[1]?.from, 1.5 + (20 - 3.5) / 2);
  });

  test("takes ready beats as they are (a training timeline's), and refuses a beat of its own named title", () => {
    const clock = timeline({ duration: 12, epochs: 20, titleCard: 1.5 });
    const figure = prepareCourseFigure({ duration: 12 }, { ...options, beats: clock.beats, captions: [] });
    assert.equal(figure.beats, clock.beats);
    for (const t of [0, 1, 1.2, 1.4, 1.5, 3]) assert.equal(titleOpacity(figure.beats, t), clock(t).titleOpacity);
    assert.throws(
      () => prepareCourseFigure({ duration: 10 }, { ...options, beats: [{ name: "title" }, { name: "draw" }] }),
      (error: Error) => error instanceof BeatError && /puts the "title" beat first itself/.test(error.message),
    );
    assert.equal(titleOpacity(prepareCourseFigure({ duration: 10 }, { ...options, titleCard: 0 }).beats, 0), 0);
  });
});

describe("courseFigure", () => {
  const figure = prepareCourseFigure({ duration: 10 }, options);
  const canvas = createCanvas(1280, 720);
  const paint = paintFor(canvas.getContext("2d"), canvas, LIGHT);

  test("under the title card the scene draws nothing; after it, in its named panels inside the body", () => {
    let calls = 0;
    courseFigure(paint, { time: 0.5 }, figure, () => {
      calls++;
      return undefined;
    });
    assert.equal(calls, 0, "the card covers the frame");
    const seen: Record<string, Rect> = {};
    const layout = courseFigure(paint, { time: 5 }, figure, (p) => {
      Object.assign(seen, { plot: p.plot, side: p.side });
      return { status: [{ label: "z", value: "1.00" }], aside: "note" };
    });
    assert.deepEqual(seen, { plot: layout.plot, side: layout.side });
    assert.ok(layout.header.height > 0 && layout.caption.height > 0);
    assert.ok(layout.plot.y >= layout.header.y + layout.header.height);
    assert.ok(layout.plot.y + layout.plot.height <= layout.caption.y);
    assert.ok(Math.abs(layout.plot.width / layout.side.width - 2) < 1e-9, "2 : 1 by weight");
  });

  test("with ownTitleCard the figure draws no card of its own: the body is drawn from the first frame, so a scene's card is the only one", () => {
    const own = prepareCourseFigure({ duration: 10 }, { ...options, ownTitleCard: true });
    const pixels = (f: typeof figure, time: number) => {
      courseFigure(paint, { time }, f, () => undefined);
      return Buffer.from(paint.ctx.getImageData(0, 0, 1280, 720).data);
    };
    let calls = 0;
    courseFigure(paint, { time: 0.5 }, own, () => {
      calls++;
      return undefined;
    });
    assert.equal(calls, 1, "the body is drawn under the scene's own card");
    // While the default card fades out (1.1 s and 1.25 s of a 1.5 s card; the first caption
    // fades in only from 1.3 s) the frame changes; with ownTitleCard it is the figure alone, the
    // same at both moments.
    assert.ok(!pixels(figure, 1.1).equals(pixels(figure, 1.25)));
    assert.ok(pixels(own, 1.1).equals(pixels(own, 1.25)));
  });

  test("the paint context takes the render's theme when none is given", () => {
    const ctx = canvas.getContext("2d");
    assert.equal(paintFor(ctx, { width: 64, height: 36, theme: "dark" }).theme.background !== LIGHT.background, true);
    assert.equal(paintFor(ctx, { width: 64, height: 36 }).theme, LIGHT);
  });
});

test("the headline scenes stay as short as the issue asks: hidden.ts at most 120 lines, boundary.ts 60", () => {
  const lines = (name: string) =>
    readFileSync(new URL(`../scenes/${name}`, import.meta.url), "utf8")
      .trimEnd()
      .split("\n").length;
  assert.ok(lines("hidden.ts") <= 120, `hidden.ts has ${lines("hidden.ts")} lines`);
  assert.ok(lines("boundary.ts") <= 60, `boundary.ts has ${lines("boundary.ts")} lines`);
});
