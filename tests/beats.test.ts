// Named beats: where they fall, how references read, the errors a misspelt one gives, and
// the subtitles written from a scene's captions.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { BeatError, beats, timeline } from "../src/scene/index.ts";
import { webVtt } from "../src/video/index.ts";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-beats-"));

describe("beats", () => {
  test("fixed beats keep their seconds and weighted beats share the rest", () => {
    const clip = beats(10, [
      { name: "a", seconds: 1 },
      { name: "b", weight: 3 },
      { name: "c" },
      { name: "d", seconds: 2 },
    ]);
    assert.deepEqual(clip.names, ["a", "b", "c", "d"]);
    assert.deepEqual(clip.span("a"), { start: 0, end: 1 });
    assert.deepEqual(clip.span("b"), { start: 1, end: 6.25 });
    assert.deepEqual(clip.span("c"), { start: 6.25, end: 8 });
    assert.deepEqual(clip.span("d"), { start: 8, end: 10 });
  });

  test("a short clip shrinks the fixed beats to leave half for the rest; with no weighted beat they fill the clip", () => {
    const short = beats(4, [{ name: "title", seconds: 2 }, { name: "train" }, { name: "hold", seconds: 2 }]);
    assert.deepEqual(short.span("title"), { start: 0, end: 1 });
    assert.deepEqual(short.span("train"), { start: 1, end: 3 });
    const fixed = beats(6, [
      { name: "a", seconds: 1 },
      { name: "b", seconds: 2 },
    ]);
    assert.deepEqual(fixed.span("b"), { start: 2, end: 6 });
  });

  test("references: a beat's start, middle, end, a fraction, or seconds; progress and the beat at a time", () => {
    const clip = beats(10, [{ name: "intro", seconds: 2 }, { name: "main" }]);
    assert.equal(clip.time("main"), 2);
    assert.equal(clip.time("main:start"), 2);
    assert.equal(clip.time("main:middle"), 6);
    assert.equal(clip.time("main:end"), 10);
    assert.equal(clip.time("main:0.25"), 4);
    assert.equal(clip.time(3.5), 3.5);
    assert.equal(clip.progress("main", 6), 0.5);
    assert.equal(clip.progress("main", 0), 0);
    assert.deepEqual(clip.at(1), { name: "intro", progress: 0.5 });
    assert.deepEqual(clip.at(8), { name: "main", progress: 0.75 });
  });

  test("a beat that does not exist, or a reference that cannot be read, is one clear error", () => {
    const clip = beats(10, [{ name: "intro", seconds: 2 }, { name: "main" }]);
    assert.throws(() => clip.time("training"), {
      name: "BeatError",
      message: 'there is no beat named "training"; the beats are intro, main',
    });
    assert.throws(() => clip.time("main:halfway"), BeatError);
    assert.throws(() => clip.time("main:1.5"), /a fraction from 0 to 1/);
    assert.throws(() => beats(10, [{ name: "a" }, { name: "a" }]), /two beats are named "a"/);
  });

  test("the training timeline is four beats, at the same times as its phases", () => {
    for (const duration of [12, 8, 3]) {
      const clock = timeline({ duration, epochs: 30, titleCard: 2, holdStart: 1.5, holdEnd: 2 });
      assert.deepEqual(clock.beats.names, ["title", "start", "training", "end"]);
      assert.equal(clock.beats.time("training"), clock.phases.trainStart);
      assert.equal(clock.beats.time("training:end"), clock.phases.trainEnd);
      assert.equal(clock.beats.time("start"), clock.phases.titleEnd);
      assert.ok(Math.abs(clock(clock.beats.time("training:middle")).trainingProgress - 0.5) < 1e-12);
    }
  });
});

describe("subtitles", () => {
  test("WebVTT: times, numbering, escaping, and a part's offset and end", () => {
    const cues = [
      { from: 0, to: 2.5, text: "first <b> & more" },
      { from: 2.5, to: 75.25, text: "second" },
      { from: 80, to: 90, text: "after the part" },
    ];
    assert.equal(
      webVtt(cues),
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.500\nfirst &lt;b> &amp; more\n\n2\n00:00:02.500 --> 00:01:15.250\nsecond\n\n3\n00:01:20.000 --> 00:01:30.000\nafter the part\n",
    );
    assert.equal(
      webVtt(cues, { offset: 2, length: 10 }),
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:00.500\nfirst &lt;b> &amp; more\n\n2\n00:00:00.500 --> 00:00:10.000\nsecond\n",
    );
  });

  function render(args: string[], env: NodeJS.ProcessEnv = {}) {
    return spawnSync(process.execPath, [NETREEL, "render", "tests/scenes/no-network.ts", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
  }

  test("a scene with no network renders, and its captions become <name>.vtt beside the video", () => {
    const out = path.join(work, "plot.mp4");
    const result = render(["--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /plot\.vtt: subtitles \(WebVTT\) from the scene's captions/);
    assert.equal(
      readFileSync(path.join(work, "plot.vtt"), "utf8"),
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nσ squashes z into (0, 1)\n\n2\n00:00:02.000 --> 00:00:04.000\nits slope peaks at ¼\n",
    );
    const frame = path.join(work, "frame.png");
    assert.equal(render(["--frame", "5", "--out", frame]).status, 0);
    const png = PNG.sync.read(readFileSync(frame));
    assert.deepEqual([...png.data.subarray(0, 3)], [255, 255, 255], "frame.run is undefined: the background is white");
  });

  test("--duration moves the beats and the subtitles with it; --frames shifts them; --no-subtitles writes none", () => {
    const long = path.join(work, "long.webm");
    assert.equal(render(["--format", "webm", "--duration", "8", "--out", long]).status, 0);
    assert.match(readFileSync(path.join(work, "long.vtt"), "utf8"), /00:00:00.000 --> 00:00:04.000\nσ/);
    const part = path.join(work, "part.mp4");
    assert.equal(render(["--frames", "10-29", "--out", part]).status, 0);
    assert.match(
      readFileSync(path.join(work, "part.vtt"), "utf8"),
      /^WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nσ.*\n\n2\n00:00:01.000 --> 00:00:02.000\nits/s,
    );
    const none = path.join(work, "none.mp4");
    assert.equal(render(["--no-subtitles", "--out", none]).status, 0);
    assert.equal(existsSync(path.join(work, "none.vtt")), false);
  });

  test("--frame takes a time or a beat as well as a frame number", () => {
    const byBeat = path.join(work, "beat.png");
    const beat = render(["--frame", "main:middle", "--out", byBeat]);
    assert.equal(beat.status, 0, beat.stderr);
    assert.match(beat.stdout, /beat\.png: frame 20 \(main:middle\) of 40, 320x180/);
    const byTime = path.join(work, "time.png");
    assert.match(render(["--frame", "2s", "--out", byTime]).stdout, /frame 20 \(2s\) of 40/);
    assert.ok(readFileSync(byBeat).equals(readFileSync(byTime)), "the same frame either way");
    // A moment the command line names that the scene does not have is a bad command line: 2.
    const missing = render(["--frame", "mian", "--quiet"]);
    assert.equal(missing.status, 2);
    assert.match(
      missing.stderr,
      /the moment "mian" cannot be found: there is no beat named "mian"; the beats are intro, main, outro/,
    );
  });

  test("a beat name that does not exist: one line naming the scene and the beats there are", () => {
    const result = render(["--out", path.join(work, "bad.mp4"), "--quiet"], { NETREEL_TEST_BEAT: "main:midle" });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(
      result.stderr,
      "netreel render: scene tests/scenes/no-network.ts threw while preparing: cannot read the beat reference \"main:midle\": after ':' comes start, middle, end or a fraction from 0 to 1\n",
    );
    const missing = render(["--out", path.join(work, "bad.mp4"), "--quiet"], { NETREEL_TEST_BEAT: "middle" });
    assert.match(
      missing.stderr,
      /^netreel render: scene tests\/scenes\/no-network\.ts threw while preparing: there is no beat named "middle"; the beats are intro, main, outro\n$/,
    );
    assert.equal(existsSync(path.join(work, "bad.mp4")), false);
  });
});
