// `npm run bench -- render`: the render command an instructor runs, `node scripts/netreel.js render
// scenes/hidden.ts --no-cache --verbose`, against issue 18's targets: its time against the least
// time the cores need for netreel's and ffmpeg's CPU time, netreel's CPU time per 360 frames, and
// the memory of netreel's processes together at 360 and 3600 frames. Beside them, drawing alone in
// this process and ffmpeg alone encoding the same frames from a raw file.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { createCanvas } from "canvas";
import seedrandom from "seedrandom";
import { type DotStamps, stampsFor } from "../draw/dots.ts";
import { findFfmpeg, videoOptions } from "../video/index.ts";
import { drawingAlone, FPS, FRAMES, renderNetreel, SCENE } from "./bench-matplotlib.ts";
import { FfmpegMeter, median, type Timed, timeCommand } from "./bench-process.ts";
import { defaultJobs } from "./render-options.ts";

const CORES = availableParallelism();
/** Issue 18: netreel's CPU time down by a third from 7.7-8.0 CPU-s per 360 frames. */
const CPU_TARGET = 5.2;

const met = (ok: boolean) => (ok ? "met" : "NOT met");
const cpuS = (seconds: number) => `${seconds.toFixed(2)} CPU-s`;

/** netreel's own processes, as the last line `render --verbose` writes on stderr tells them. */
interface Own {
  supervisorCpu: number;
  supervisorMb: number;
  sceneProcesses: number;
  sceneCpu: number;
  /** The scene's processes' peaks, added (each its own peak, not at one moment). */
  sceneMb: number;
}

function ownResources(stderr: string): Own {
  const line =
    /^resources: this process ([\d.]+) CPU-s, (\d+) MB at peak; the scene's (?:(\d+) processes|process) ([\d.]+) CPU-s, (\d+) MB at peak/m.exec(
      stderr,
    );
  if (!line) throw new Error(`bench render: no resources line from render --verbose:\n${stderr.slice(-600)}`);
  const [, supervisorCpu, supervisorMb, processes, sceneCpu, sceneMb] = line;
  return {
    supervisorCpu: Number(supervisorCpu),
    supervisorMb: Number(supervisorMb),
    sceneProcesses: Number(processes ?? 1),
    sceneCpu: Number(sceneCpu),
    sceneMb: Number(sceneMb),
  };
}

/** A render command measured: time and CPU of every process, ffmpeg's share, memory, and netreel's own account. */
interface Render extends Timed {
  own: Own;
  /** CPU seconds of netreel's processes: the supervisor and the scene's. */
  netreelCpu: number;
  /** The least time the cores need for netreel's and ffmpeg's CPU time. */
  floor: number;
}

async function renderCommand(
  meter: FfmpegMeter,
  out: string,
  args: string[],
  options: { sampleMemory?: boolean } = {},
): Promise<Render> {
  const timed = await renderNetreel(meter, ["--verbose", "--out", out, ...args], options);
  const own = ownResources(timed.stderr);
  const netreelCpu = own.supervisorCpu + own.sceneCpu;
  return { ...timed, own, netreelCpu, floor: (netreelCpu + timed.encodeCpu) / CORES };
}

/**
 * The part of a hidden.ts frame that is Cairo's alone, whatever the figure: clearing a canvas,
 * stamping 1000 dots through the kit's stamps (two classes, sizes and alphas varying as depth
 * cues vary them). CPU seconds a frame. (Reading the pixels back is left out: its cost here
 * depends on when this process frees the last frames' 3.7 MB buffers, which the scene's process
 * does before every frame; drawing alone, above, includes it.)
 */
function cairoLeast(width: number, height: number): { clear: number; dots: number } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.antialias = "none";
  const stamps = [stampsFor("#3b6fb6", "#1d3a63", 0.8), stampsFor("#d9822b", "#7a4310", 0.8)];
  const random = seedrandom("cairo-least");
  const points = Array.from({ length: 1000 }, () => [
    width * (0.25 + 0.5 * random()),
    height * (0.15 + 0.7 * random()),
  ]);
  // The best of 3 passes of 120 frames.
  const cpuOf = (step: (frame: number) => void) => {
    const passes = [0, 1, 2].map(() => {
      const before = process.cpuUsage();
      for (let frame = 0; frame < 120; frame++) step(frame);
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1e6 / 120;
    });
    return Math.min(...passes);
  };
  return {
    clear: cpuOf(() => {
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, width, height);
    }),
    dots: cpuOf((frame) => {
      for (const [i, [x, y]] of points.entries()) {
        const stamp = stamps[i % 2] as DotStamps;
        stamp.stamp(ctx, 3.5 + (i % 5) * 0.25, (x as number) + frame * 0.13, y as number, 0.55 + 0.4 * ((i % 7) / 7));
      }
    }),
  };
}

const scenes = (own: Own) => (own.sceneProcesses === 1 ? "scene's process" : `${own.sceneProcesses} scene processes`);

/**
 * Drawing alone; then `rounds` rounds of the command with each --jobs and of ffmpeg alone, each
 * line printed as it is measured, and the medians against the targets; then memory at 360 and
 * 3600 frames, MP4 and GIF, one and two jobs. Long on purpose: a script of measurements.
 */
export async function benchRender(options: { rounds: number }): Promise<void> {
  const ffmpeg = await findFfmpeg();
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-render-"));
  const meter = new FfmpegMeter(work, ffmpeg.path);
  const jobs = [...new Set([1, defaultJobs(), 2])];
  const jobsLabel = (n: number) => `--jobs ${n}${n === defaultJobs() ? " (default)" : ""}`;
  try {
    console.log(
      `rendering: ${SCENE}, 1280x720, ${FPS} fps, ${FRAMES} frames, MP4 (x264 veryfast, crf 18); ${CORES} cores, default --jobs ${defaultJobs()} (the cores but one)`,
    );
    // Drawing alone, the first pass's frames kept in a raw file for ffmpeg alone.
    const raw = path.join(work, "frames.raw");
    const rawFile = openSync(raw, "w");
    const drawing = await drawingAlone(1280, 720, { passes: 3, keep: (frame) => writeSync(rawFile, frame) });
    closeSync(rawFile);
    const perSecond = (cpu: number) => `${(1 / cpu).toFixed(0)} frames/CPU-s`;
    console.log(
      `  drawing alone (draw + read back the pixels, in this process), best of 3 passes: ${(1000 * drawing.best).toFixed(1)} ms CPU a frame, ${perSecond(drawing.best)} (target >= 100: ${met(1 / drawing.best >= 100)}; passes ${drawing.passes.map(perSecond).join(", ")})`,
    );

    const least = cairoLeast(1280, 720);
    console.log(
      `  of which Cairo's least (a 1280x720 canvas, in this process): clearing it ${(1000 * least.clear).toFixed(2)} ms, 1000 dots stamped as hidden.ts stamps them ${(1000 * least.dots).toFixed(2)} ms a frame; the rest of drawing alone is the figure (box, plane, labels, side panels, captions) and reading its pixels back`,
    );

    const { options: encoder, muxer } = videoOptions("mp4", { fps: FPS, preview: false });
    const encodeAlone = [
      ...["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgra", "-s", "1280x720", "-framerate", String(FPS)],
      ...["-i", raw, ...encoder, "-f", muxer, path.join(work, "alone.mp4")],
    ];
    console.log(
      `  ${options.rounds} round${options.rounds === 1 ? "" : "s"} of: node scripts/netreel.js render ${SCENE} --quiet --no-cache --verbose --out X --jobs N (end to end: start-up, training, drawing, encoding); netreel's CPU from its --verbose line, ffmpeg's through a meter; floor = (netreel's CPU + ffmpeg's) / ${CORES} cores; then ffmpeg alone encoding the same frames from a raw file`,
    );
    const runs: Render[][] = jobs.map(() => []);
    for (let round = 1; round <= options.rounds; round++) {
      for (const [i, n] of jobs.entries()) {
        const r = await renderCommand(meter, path.join(work, `clip-${n}.mp4`), ["--jobs", String(n)]);
        runs[i]?.push(r);
        console.log(
          `  round ${round}, ${jobsLabel(n).padEnd(18)} ${r.seconds.toFixed(2)} s end to end; netreel ${cpuS(r.netreelCpu)} (supervisor ${r.own.supervisorCpu.toFixed(2)}, ${scenes(r.own)} ${r.own.sceneCpu.toFixed(2)}), ffmpeg ${cpuS(r.encodeCpu)} (every process ${cpuS(r.cpu ?? Number.NaN)}); floor ${r.floor.toFixed(2)} s: ${(r.seconds / r.floor).toFixed(2)}x; netreel's processes' own peaks ${r.own.supervisorMb} + ${r.own.sceneMb} MB`,
        );
      }
      const alone = await timeCommand(ffmpeg.path, encodeAlone, { meter });
      console.log(
        `  round ${round}, ffmpeg alone       ${alone.seconds.toFixed(2)} s, ${cpuS(alone.cpu ?? Number.NaN)} (${(FRAMES / alone.seconds).toFixed(0)} frames/s)`,
      );
    }
    rmSync(raw);
    for (const [i, n] of jobs.entries()) {
      const rs = runs[i] as Render[];
      const ratio = median(rs.map((r) => r.seconds / r.floor));
      const cpu = median(rs.map((r) => r.netreelCpu));
      console.log(
        `  ${jobsLabel(n)}, medians of ${rs.length}: end to end ${median(rs.map((r) => r.seconds)).toFixed(2)} s, floor ${median(rs.map((r) => r.floor)).toFixed(2)} s, end to end / floor ${ratio.toFixed(2)}x (target <= 1.15x: ${met(ratio <= 1.15)}); netreel ${cpuS(cpu)} per ${FRAMES} frames, ${((1000 * cpu) / FRAMES).toFixed(1)} ms a frame (target <= ${CPU_TARGET} CPU-s, a third below 7.7-8.0: ${met(cpu <= CPU_TARGET)}); ffmpeg ${cpuS(median(rs.map((r) => r.encodeCpu)))}`,
      );
    }

    console.log(
      "memory of netreel's processes together (the command's process tree but ffmpeg and the meter's shell), the peak: their pages counted once (private pages added, plus the shared pages of the process sharing most: Node's code and the libraries are mapped by every process, and VmRSS counts them in each), sampled every 100 ms; then their VmRSS added every 25 ms; in brackets each process's own peak from --verbose (the supervisor + the scene's processes' peaks added, not at one moment). 360 and 3600 frames, as the target says: MP4 12 s and 120 s; GIF (640x360 at 15 fps) 24 s and 240 s. (12 s of GIF is 180 frames: with 2 jobs each scene process drew ~135 of them, before its caches had filled)",
    );
    for (const format of ["mp4", "gif"]) {
      for (const n of [1, 2]) {
        const fps = format === "gif" ? FPS / 2 : FPS;
        const args = ["--format", format, "--jobs", String(n)];
        const sampled = async (name: string, frames: number) => {
          const r = await renderCommand(
            meter,
            path.join(work, `${name}.${format}`),
            [...args, "--duration", String(frames / fps)],
            { sampleMemory: true },
          );
          return { ...r, ...(r.memory as NonNullable<Render["memory"]>) };
        };
        const short = await sampled("short", FRAMES);
        const long = await sampled("long", 10 * FRAMES);
        const growth = (100 * (long.peakOnceMb - short.peakOnceMb)) / short.peakOnceMb;
        const peak = Math.max(short.peakOnceMb, long.peakOnceMb);
        const mb = (r: typeof short) =>
          `${r.peakOnceMb.toFixed(0)} MB (VmRSS added ${r.peakMb.toFixed(0)} MB: ${r.own.supervisorMb} + ${r.own.sceneMb}), ${r.seconds.toFixed(1)} s with the sampler beside it`;
        console.log(
          `  ${format.toUpperCase()} --jobs ${n}: ${FRAMES} frames ${mb(short)}; ${10 * FRAMES} frames ${mb(long)}: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)}% (target <= +10%: ${met(growth <= 10)})${n === 2 ? `; at most ${peak.toFixed(0)} MB (target < 400 MB with 2 jobs: ${met(peak < 400)})` : ""}`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
