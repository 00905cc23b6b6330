// `npm run bench -- formats`: netreel's render of scenes/hidden.ts end to end in each output
// format (MP4, GIF, a folder of PNG frames), with one and with two jobs where the render command
// takes --jobs, at 1280x720 and 30 fps.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findFfmpeg } from "../video/index.ts";
import { renderNetreel, renderTakesJobs } from "./bench-matplotlib.ts";
import { FfmpegMeter, median, type Timed } from "./bench-process.ts";

const FRAMES = 360;

/**
 * Each variant once a round, in turns, `rounds` rounds; medians of wall time, of the CPU time of
 * every process (netreel's and ffmpeg's) and of ffmpeg's share.
 */
export async function benchFormats(options: { rounds: number }): Promise<void> {
  const jobs = renderTakesJobs()
    ? [
        ["--jobs", "1"],
        ["--jobs", "2"],
      ]
    : [[]];
  const variants = ["mp4", "gif", "png"].flatMap((format) =>
    jobs.map((args) => ({
      label: [format === "png" ? "PNG folder" : format.toUpperCase(), ...args].join(" "),
      format,
      args,
    })),
  );
  const ffmpeg = await findFfmpeg();
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-formats-"));
  const meter = new FfmpegMeter(work, ffmpeg.path);
  try {
    console.log(
      `formats: scenes/hidden.ts, 1280x720, 30 fps, ${FRAMES} frames (GIF: 640x360 at 15 fps, 180 frames), end to end incl. start-up and training, ${options.rounds} round${options.rounds === 1 ? "" : "s"} in turns${jobs.length === 1 ? "; the render command has no --jobs yet: its default only" : ""}`,
    );
    const times: Timed[][] = variants.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, { format, args }] of variants.entries()) {
        const out = path.join(work, `clip-${i}${format === "png" ? "" : `.${format}`}`);
        times[i]?.push(await renderNetreel(meter, ["--format", format, "--out", out, ...args]));
      }
    }
    for (const [i, { label, format }] of variants.entries()) {
      const frames = format === "gif" ? FRAMES / 2 : FRAMES;
      const runs = times[i] as Timed[];
      const wall = median(runs.map((t) => t.seconds));
      const cpu = median(runs.map((t) => t.cpu ?? Number.NaN));
      const encode = median(runs.map((t) => t.encodeCpu));
      console.log(
        `  ${label.padEnd(18)} ${wall.toFixed(1).padStart(5)} s (${(frames / wall).toFixed(1)} frames/s); CPU ${cpu.toFixed(1)} s, of it ffmpeg ${encode.toFixed(1)} s; runs ${runs.map((t) => t.seconds.toFixed(1)).join(", ")} s`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
