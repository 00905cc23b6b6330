// scripts/notebook-pipeline.py, the notebook's pipeline that `npm run bench -- matplotlib` runs
// beside netreel: its encoder options are netreel's, and it writes the clip it is asked for.
// Only where python3 (and, for the clip, matplotlib) is installed; skipped, with the reason,
// elsewhere: the suite does not need matplotlib. No timings here (speed lives in the bench).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { PIPELINE_SCRIPT, pipelinePython } from "../src/cli/bench-matplotlib.ts";
import { outputOptions } from "../src/cli/bench-process.ts";
import { findFfmpeg, videoOptions } from "../src/video/index.ts";

const python = ["/usr/bin/python3", "python3"].find(
  (candidate) => spawnSync(candidate, ["-c", "import json, argparse"]).status === 0,
);
const withMatplotlib = pipelinePython();
const work = mkdtempSync(path.join(tmpdir(), "netreel-notebook-pipeline-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("its default encoder options are netreel's MP4 options, at any frame rate", {
  skip: python ? false : "no python3 here",
}, () => {
  for (const fps of [30, 24]) {
    const printed = execFileSync(python as string, [PIPELINE_SCRIPT, "--print-encoder-args", "--fps", String(fps)], {
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(printed), videoOptions("mp4", { fps, preview: false }).options, `at ${fps} fps`);
  }
});

test("it trains, animates 3 frames at 320x180 and FFMpegWriter encodes them with the options it is given", {
  skip: withMatplotlib ? false : "needs python3-matplotlib (bash scripts/setup.sh --bench)",
  timeout: 120_000,
}, async () => {
  const ffmpeg = (await findFfmpeg()).path;
  const out = path.join(work, "tiny.mp4");
  const { options } = videoOptions("mp4", { fps: 30, preview: false });
  const printed = execFileSync(
    withMatplotlib?.python as string,
    [PIPELINE_SCRIPT, "--out", out, "--frames", "3", "--size", "320x180", "--ffmpeg", ffmpeg],
    { encoding: "utf8" },
  );
  const report = JSON.parse(printed.trim().split("\n").at(-1) as string);
  assert.equal(report.snapshots, 121, "a snapshot before training and every 5 of the 600 mini-batches");
  assert.ok(report.accuracy >= 0.95, `the default seed separates the circles (accuracy ${report.accuracy})`);
  const command = report.ffmpeg_command as string[];
  assert.equal(command[0], ffmpeg);
  assert.deepEqual(command.slice(command.lastIndexOf("-s"), command.lastIndexOf("-s") + 2), ["-s", "320x180"]);
  // The same options as netreel's, -vcodec spelled as FFMpegWriter spells it.
  const pairs = (args: string[]) =>
    outputOptions(args)
      .map((pair) => pair.join(" "))
      .sort();
  assert.deepEqual(pairs(command), pairs(["-i", "pipe:", ...options, "out.mp4"]));

  const probed = execFileSync(
    "ffprobe",
    [
      ...["-v", "error", "-count_frames", "-select_streams", "v:0"],
      ...["-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "json", out],
    ],
    { encoding: "utf8" },
  );
  assert.deepEqual(JSON.parse(probed).streams[0], {
    codec_name: "h264",
    width: 320,
    height: 180,
    pix_fmt: "yuv420p",
    nb_read_frames: "3",
  });
});
