// The motion check: what it must find (a pop, a flicker), what it must not (steady motion, a
// fade, a beat marked as a cut), as an author runs it: `netreel test --motion`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createCanvas } from "canvas";
import { MotionCheck } from "../src/render/motion.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const SOURCE = readFileSync(path.join(root, "tests/scenes/motion.ts"), "utf8").replace(
  '"../../src/index.ts"',
  JSON.stringify(path.join(root, "src/index.ts")),
);

function course(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netreel-motion-"));
  mkdirSync(path.join(dir, "scenes"));
  writeFileSync(path.join(dir, "scenes/motion.ts"), SOURCE);
  return dir;
}

function motion(dir: string, which: string) {
  const env = { ...process.env, NETREEL_TEST_MOTION: which };
  return spawnSync(process.execPath, [path.join(root, "scripts/netreel.js"), "test", "--motion", "scenes/motion.ts"], {
    cwd: dir,
    encoding: "utf8",
    env,
  });
}

/** Frames drawn in this process: `draw(ctx, index)` on a white 640x360 canvas. */
function frames(count: number, draw: (ctx: CanvasRenderingContext2D, index: number) => void): MotionCheck {
  const check = new MotionCheck();
  const canvas = createCanvas(640, 360);
  const ctx = canvas.getContext("2d") as unknown as CanvasRenderingContext2D;
  for (let i = 0; i < count; i++) {
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, 640, 360);
    draw(ctx, i);
    check.push({ width: 640, height: 360, data: canvas.toBuffer("raw") });
  }
  return check;
}

describe("MotionCheck", () => {
  test("steady motion (a dot circling, a line turning, a label fading in) is not a finding", () => {
    const check = frames(60, (ctx, i) => {
      const a = (2 * Math.PI * i) / 60;
      ctx.fillStyle = "#1f77b4";
      ctx.beginPath();
      ctx.arc(200 + 80 * Math.cos(a), 180 + 80 * Math.sin(a), 8, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = "#333333";
      ctx.beginPath();
      ctx.moveTo(480, 180);
      ctx.lineTo(480 + 120 * Math.cos(a), 180 + 120 * Math.sin(a));
      ctx.stroke();
      ctx.globalAlpha = Math.min(1, i / 15);
      ctx.fillStyle = "#000000";
      ctx.font = "20px sans-serif";
      ctx.fillText("fading in over half a second", 100, 40);
      ctx.globalAlpha = 1;
    });
    assert.deepEqual(check.findings(), []);
  });

  test("a curve sliding fast over still grid lines, and a dot crossing a cell in under two frames, are not findings", () => {
    // As in the course's plots: a nearly flat curve falls 4-9 px a frame across horizontal grid
    // lines and a tick number (linear 164→165, toy1d 134→137), and a dot slides 9 px a frame
    // along a curve past a vertical grid line (nudge 270→271). The first drew more change
    // where the curve covered a grid line than the cells around it; the second left a cell the
    // same in the frames before and after, as a flicker does.
    const check = frames(50, (ctx, i) => {
      ctx.strokeStyle = "#dddddd";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const y of [100, 180, 260]) {
        ctx.moveTo(40, y);
        ctx.lineTo(600, y);
      }
      ctx.moveTo(300, 40);
      ctx.lineTo(300, 320);
      ctx.stroke();
      ctx.fillStyle = "#666666";
      ctx.font = "16px sans-serif";
      ctx.fillText("0", 24, 186);
      const fall = 60 + (i < 10 ? 0 : i < 40 ? (i - 10) * (4 + (i - 10) / 6) : 30 * 9);
      ctx.strokeStyle = "#2b1d8c";
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let x = 40; x <= 600; x += 8) ctx.lineTo(x, fall + 10 * Math.tanh((x - 320) / 120));
      ctx.stroke();
      ctx.fillStyle = "#2b1d8c";
      ctx.beginPath();
      ctx.arc(400 - 9 * Math.max(0, Math.min(30, i - 10)), 300, 5, 0, 2 * Math.PI);
      ctx.fill();
    });
    assert.deepEqual(check.findings(), []);
  });

  test("a small label that appears at once is a jump at that frame, at its place", () => {
    const check = frames(40, (ctx, i) => {
      ctx.fillStyle = "#888888";
      ctx.fillRect(100 + i, 100, 40, 40); // something else moving slowly
      ctx.fillStyle = "#000000";
      ctx.font = "16px sans-serif";
      if (i >= 20) ctx.fillText("0.75", 400, 250);
    });
    const found = check.findings();
    assert.equal(found.length, 1, JSON.stringify(found));
    const [f] = found as [NonNullable<(typeof found)[0]>];
    assert.equal(f.frame, 20);
    assert.equal(f.kind, "jump");
    assert.ok(f.box.x >= 392 && f.box.x + f.box.width <= 448 && f.box.y >= 224 && f.box.y <= 256, JSON.stringify(f.box));
  });

  test("the same label fading in over 10 frames is not a finding", () => {
    const check = frames(40, (ctx, i) => {
      ctx.fillStyle = "#000000";
      ctx.font = "12px sans-serif";
      ctx.globalAlpha = Math.min(1, Math.max(0, (i - 20) / 10));
      ctx.fillText("0.6", 400, 250);
      ctx.globalAlpha = 1;
    });
    assert.deepEqual(check.findings(), []);
  });

  test("a region that bulges for one frame and comes back is a flicker; a beat cut there is not", () => {
    const check = frames(40, (ctx, i) => {
      ctx.fillStyle = "#f4a582";
      ctx.beginPath();
      ctx.arc(320, 180, i === 25 ? 90 : 60, 0, 2 * Math.PI);
      ctx.fill();
    });
    const found = check.findings();
    assert.ok(found.some((f) => f.frame === 25), JSON.stringify(found));
    assert.ok(found.every((f) => f.frame === 25 || f.frame === 26), JSON.stringify(found));
    assert.deepEqual(check.findings({ cuts: new Set([25, 26]) }), []);
  });

  test("a label that moves 20 px at once (tick labels swapping edges) is a jump", () => {
    const check = frames(40, (ctx, i) => {
      ctx.fillStyle = "#000000";
      ctx.font = "11px sans-serif";
      for (const [k, t] of ["0.0", "0.2", "0.4", "0.6"].entries()) ctx.fillText(t, i < 20 ? 100 : 122, 100 + 30 * k);
    });
    const found = check.findings();
    assert.deepEqual(
      found.map((f) => f.frame),
      [20],
    );
  });
});

describe("netreel test --motion", () => {
  test("a calm scene passes; a pop and a flicker are named with frame, place and a strip", () => {
    const dir = course();
    const calm = motion(dir, "calm");
    assert.equal(calm.status, 0, calm.stdout + calm.stderr);
    assert.match(calm.stdout, /scenes\/motion\.ts: 60 frames checked for motion, nothing stands out/);
    const pop = motion(dir, "pop");
    assert.equal(pop.status, 1, pop.stdout + pop.stderr);
    assert.match(pop.stdout, /frame 29→30 \(2\.90-3\.00 s\): a jump .* at x \d+-\d+, y \d+-\d+ of 640x360/);
    const strip = path.join(dir, "output/motion/motion/motion-30.png");
    assert.ok(existsSync(strip), pop.stdout);
    const flicker = motion(dir, "flicker");
    assert.equal(flicker.status, 1, flicker.stdout);
    assert.match(flicker.stdout, /frame 39→40 .*a flicker/);
    assert.ok(!existsSync(strip), "the strips of an earlier run are removed");
  });

  test("a new picture at a beat marked { cut: true } is not a finding; unmarked, it is", () => {
    const dir = course();
    const cut = motion(dir, "cut");
    assert.equal(cut.status, 0, cut.stdout + cut.stderr);
    const uncut = motion(dir, "uncut");
    assert.equal(uncut.status, 1, uncut.stdout);
    assert.match(uncut.stdout, /frame 29→30 .*a jump/);
  });
});

describe("netreel sheet", () => {
  test("writes one PNG: a grid of frames at the scene's ratio, each labelled; bad options exit 2 with one line", async () => {
    const dir = course();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(root, "scripts/netreel.js"), "sheet", ...args], { cwd: dir, encoding: "utf8" });
    const made = run(["scenes/motion.ts", "--count", "6", "--columns", "3", "--width", "160"]);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.stdout, "wrote output/motion-sheet.png\n");
    const { PNG } = await import("pngjs");
    const png = PNG.sync.read(readFileSync(path.join(dir, "output/motion-sheet.png")));
    // 3 columns of 160 px and 2 rows of 90 px (320x180 scene), 12 px gaps and a 22 px label line.
    assert.equal(png.width, 12 + 3 * (160 + 12));
    assert.equal(png.height, 12 + 2 * (90 + 22 + 12));
    for (const bad of [["scenes/motion.ts", "--count", "0"], ["scenes/motion.ts", "--out", "x.mp4"], []]) {
      const refused = run(bad);
      assert.equal(refused.status, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    }
  });
});
