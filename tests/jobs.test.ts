// --jobs N: frames drawn by N processes at once, delivered in order to the one encoder. The
// run is trained once and shared, the output is the same bytes as with one process, and a
// process that throws or dies, or a Ctrl-C, stops them all with nothing left behind.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { assertUntouched, folderWith, noneRunning, render } from "./render-process.ts";

const work = mkdtempSync(path.join(tmpdir(), "netreel-jobs-"));
after(() => rmSync(work, { recursive: true, force: true }));
const MISBEHAVES = "tests/scenes/misbehaves.ts";

describe("--jobs N", () => {
  test("MP4, GIF, WebM and a PNG folder are byte-identical with 1 and 3 processes, and the run is trained once", async () => {
    const small = ["--size", "320x180", "--fps", "10", "--duration", "2"];
    const outputs: Record<string, Buffer>[] = [];
    for (const jobs of ["1", "3"]) {
      const dir = path.join(work, `same-${jobs}`);
      const video = await render([
        "scenes/hidden.ts",
        ...small,
        "--format",
        "mp4,gif,webm",
        "--out",
        path.join(dir, "clip.mp4"),
        "--jobs",
        jobs,
        // Trained here, so that the count of trainings means something (a run from the cache
        // is not trained at all); the frames below may come from the cache, with each process.
        "--no-cache",
      ]);
      assert.equal(video.code, 0, video.stderr);
      assert.equal(
        video.stderr.match(/^trained \[2,3,3,1\]/gm)?.length ?? 0,
        1,
        `one training, not one per process:\n${video.stderr}`,
      );
      const frames = await render([
        "scenes/hidden.ts",
        ...small,
        "--format",
        "png",
        "--out",
        path.join(dir, "frames"),
        "--jobs",
        jobs,
      ]);
      assert.equal(frames.code, 0, frames.stderr);
      const files: Record<string, Buffer> = {};
      for (const name of readdirSync(dir)) if (name !== "frames") files[name] = readFileSync(path.join(dir, name));
      for (const name of readdirSync(path.join(dir, "frames")))
        files[`frames/${name}`] = readFileSync(path.join(dir, "frames", name));
      outputs.push(files);
    }
    const [one, three] = outputs as [Record<string, Buffer>, Record<string, Buffer>];
    assert.deepEqual(Object.keys(three).sort(), Object.keys(one).sort());
    assert.ok(
      Object.keys(one).includes("clip.webm") && Object.keys(one).filter((n) => n.startsWith("frames/")).length === 20,
    );
    for (const name of Object.keys(one))
      assert.ok(one[name]?.equals(three[name] as Buffer), `${name} differs between --jobs 1 and --jobs 3`);
  });

  test("one video format alone is written by the scene's processes straight into ffmpeg: the same bytes as through the supervisor", async () => {
    // With several formats the frames pass through the supervisor to each encoder; with one
    // video format the scene's processes hold ffmpeg's stdin and write in turn (SceneSession.feed).
    const small = ["--size", "320x180", "--fps", "10", "--duration", "2"];
    const through = path.join(work, "through");
    const all = await render([
      "scenes/hidden.ts",
      ...small,
      "--format",
      "mp4,gif",
      "--out",
      path.join(through, "clip.mp4"),
      "--jobs",
      "1",
    ]);
    assert.equal(all.code, 0, all.stderr);
    // (--jobs 1 writes the same way: every other single-format render in the suite does.)
    for (const jobs of ["3"]) {
      for (const format of ["mp4", "gif"]) {
        const alone = path.join(work, `alone-${jobs}`, `clip.${format}`);
        const outcome = await render([
          "scenes/hidden.ts",
          ...small,
          "--format",
          format,
          "--out",
          alone,
          "--jobs",
          jobs,
        ]);
        assert.equal(outcome.code, 0, outcome.stderr);
        assert.ok(
          readFileSync(alone).equals(readFileSync(path.join(through, `clip.${format}`))),
          `${format} with --jobs ${jobs}, written by the scene's processes, differs from the same video fed through the supervisor`,
        );
      }
    }
  });

  for (const [mode, what] of [
    ["throw7", "throws on frame 7"],
    ["die7", "dies while drawing frame 7"],
  ] as const) {
    test(`a process that ${what} stops the render: one line naming the frame, the old file kept, no process left`, async () => {
      const { dir, target } = folderWith(work, "clip.mp4");
      let seen: number[] = [];
      const outcome = await render([MISBEHAVES, "--out", target, "--jobs", "3", "--quiet"], {
        env: { NETREEL_TEST_MISBEHAVE: mode },
        when: /./,
        act: () => {},
      });
      seen = outcome.children;
      assert.equal(outcome.code, 1, outcome.stderr);
      const lines = outcome.stderr.trim().split("\n");
      assert.equal(lines.length, 1, outcome.stderr);
      assert.match(lines[0] as string, /frame 7/);
      assertUntouched(dir, target);
      await noneRunning(seen);
    });
  }

  test("Ctrl-C stops every drawing process and ffmpeg: exit 130, one line, the old file kept", async () => {
    const { dir, target } = folderWith(work, "clip.mp4");
    // 600 frames of 40 ms in 3 processes: 8 s of drawing, under way at 3 s. The signal waits for
    // the three drawing processes and the ffmpeg that encodes (not the one asked for its
    // encoders while the scene loads), should a busy machine start them later.
    const outcome = await render([MISBEHAVES, "--out", target, "--jobs", "3", "--quiet", "--duration", "60"], {
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
      after: 3,
      until: (children) =>
        children.filter((c) => /worker\.(mjs|ts)/.test(c.command)).length === 3 &&
        children.some((c) => c.command.includes("rawvideo")),
      act: (child) => child.kill("SIGINT"),
    });
    assert.equal(outcome.code, 130, outcome.stderr);
    assert.equal(outcome.stderr.trim().split("\n").length, 1, outcome.stderr);
    // Three drawing processes and ffmpeg were running when the signal came.
    assert.ok(outcome.children.length >= 4, `children at Ctrl-C: ${outcome.children.length}`);
    assertUntouched(dir, target);
    await noneRunning(outcome.children);
  });

  test("--jobs takes a whole number from 1 to 64, or says so in one line", async () => {
    for (const bad of ["0", "1.5", "many", "65"]) {
      const outcome = await render([MISBEHAVES, "--jobs", bad, "--out", path.join(work, "never.mp4")]);
      assert.equal(outcome.code, 2, bad);
      assert.equal(
        outcome.stderr.trim(),
        `netreel render: --jobs must be a whole number of processes from 1 to 64, got '${bad}'`,
      );
    }
  });
});
