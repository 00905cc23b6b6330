// `npm run bench -- matplotlib`: netreel against the course notebook's own pipeline
// (scripts/notebook-pipeline.py: numpy training, matplotlib's mplot3d, FuncAnimation,
// FFMpegWriter), the same clip at the same x264 settings through the same ffmpeg, run in turns.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../paths.ts";
import { FrameRenderer, loadScene } from "../render/index.ts";
import { train } from "../train/index.ts";
import { findFfmpeg, videoOptions } from "../video/index.ts";
import {
  FfmpegMeter,
  ffprobeBeside,
  inputOptions,
  median,
  outputOptions,
  type Probed,
  probeVideo,
  type Timed,
  timeCommand,
} from "./bench-process.ts";

export const PIPELINE_SCRIPT = path.join(ROOT, "scripts/notebook-pipeline.py");
const NETREEL = path.join(ROOT, "scripts/netreel.js");
export const SCENE = "scenes/hidden.ts";
export const FRAMES = 360;
export const FPS = 30;
/** The frame whose still render stands for netreel's fixed costs (start-up, training, prepare). */
const STILL_FRAME = 180;

/**
 * A python3 that imports matplotlib and numpy: $NETREEL_PYTHON when set (and then only it), else
 * Debian's (where apt's python3-matplotlib goes; a python3 earlier on the PATH, from pyenv say,
 * does not see it), then the PATH's.
 */
export function pipelinePython(env: NodeJS.ProcessEnv = process.env): { python: string; matplotlib: string } | null {
  for (const python of env.NETREEL_PYTHON ? [env.NETREEL_PYTHON] : ["/usr/bin/python3", "python3"]) {
    const answer = spawnSync(python, ["-c", "import matplotlib, numpy; print(matplotlib.__version__)"], {
      encoding: "utf8",
    });
    if (answer.status === 0) return { python, matplotlib: answer.stdout.trim() };
  }
  return null;
}

/** True when netreel's render command takes --jobs (its help says so). */
export function renderTakesJobs(): boolean {
  const help = spawnSync(process.execPath, [NETREEL, "render", "--help"], { encoding: "utf8", cwd: ROOT });
  return /--jobs\b/.test(`${help.stdout}${help.stderr}`);
}

/** A way of running netreel's render, measured beside the others in every round. */
export interface NetreelVariant {
  label: string;
  args: string[];
}

/** What scripts/notebook-pipeline.py prints: its phases' CPU seconds (python's own) and the ffmpeg command. */
interface PipelineReport {
  accuracy: number;
  startup_cpu: number;
  train_cpu: number;
  animate_cpu: number;
  ffmpeg_command: string[];
}

interface Context {
  python: string;
  meter: FfmpegMeter;
  ffprobe: string;
  work: string;
  rounds: number;
  variants: NetreelVariant[];
}

/** A command's full path when it is found on the PATH. */
function shownPath(command: string): string {
  if (path.isAbsolute(command)) return command;
  const found = spawnSync("sh", ["-c", 'command -v "$1"', "sh", command], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : command;
}

const env = (meter: FfmpegMeter) => ({ ...process.env, FFMPEG_PATH: meter.path });

/**
 * netreel's render of the scene, as `npm run render` runs it (without npm's own start), training
 * included: with --no-cache, since a run from the run cache (output/.cache/) skips the training.
 */
export function renderNetreel(
  meter: FfmpegMeter,
  args: string[],
  options: { sampleMemory?: boolean } = {},
): Promise<Timed> {
  return timeCommand(process.execPath, [NETREEL, "render", SCENE, "--quiet", "--no-cache", ...args], {
    meter,
    env: env(meter),
    cwd: ROOT,
    ...options,
  });
}

async function runPipeline(
  context: Context,
  size: string,
  out: string,
  frames = FRAMES,
): Promise<Timed & { report: PipelineReport }> {
  const { options } = videoOptions("mp4", { fps: FPS, preview: false });
  const timed = await timeCommand(
    context.python,
    [
      ...[PIPELINE_SCRIPT, "--out", out, "--frames", String(frames), "--size", size, "--fps", String(FPS)],
      ...["--ffmpeg", context.meter.path, "--encoder-args", JSON.stringify(options)],
    ],
    { meter: context.meter, cwd: ROOT },
  );
  const report = JSON.parse(timed.stdout.trim().split("\n").at(-1) as string) as PipelineReport;
  return { ...timed, report };
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;
const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const cpuOf = (timed: Timed) => (timed.cpu === undefined ? "?" : s(timed.cpu));

/**
 * CPU seconds per frame of drawing alone, best of `passes` passes: the scene's frames drawn in
 * this process and their pixels read back, as the scene's process does in a render, but handed to
 * no one (`keep`, if given, is handed the first pass's frames, outside the time measured). Also
 * each pass's figure: their spread is the machine's noise.
 */
export async function drawingAlone(
  width: number,
  height: number,
  options: { passes?: number; keep?: (raw: Buffer) => void } = {},
): Promise<{ best: number; passes: number[] }> {
  const scene = await loadScene(path.join(ROOT, SCENE));
  const run = train(scene.train?.(scene.seed));
  const context = { run, seed: scene.seed, width, height, fps: FPS, frames: FRAMES, duration: FRAMES / FPS };
  const renderer = new FrameRenderer(scene, { ...context, theme: "light" }, SCENE);
  const passes: number[] = [];
  for (let pass = 0; pass < (options.passes ?? 2); pass++) {
    let cpu = 0;
    for (let i = 0; i < FRAMES; i++) {
      const before = process.cpuUsage();
      const frame = renderer.draw(i);
      const used = process.cpuUsage(before);
      cpu += (used.user + used.system) / 1e6;
      if (pass === 0) options.keep?.(frame.raw);
    }
    passes.push(cpu / FRAMES);
  }
  return { best: Math.min(...passes), passes };
}

/** Checks a rendered clip with ffprobe; returns a problem, or null when it is what was asked for. */
function wrongVideo(probed: Probed, width: number, height: number): string | null {
  const want = `h264 yuv420p ${width}x${height} ${FRAMES} frames`;
  const got = `${probed.codec} ${probed.pixelFormat} ${probed.width}x${probed.height} ${probed.frames} frames`;
  return got === want ? null : `expected ${want}, got ${got}`;
}

/**
 * One size: in each round the notebook's pipeline, netreel's variants and a still of netreel's
 * (its fixed costs), one after another, the order reversed every other round so that neither
 * side always runs first on a machine whose load drifts; then medians, ratios, CPU per frame,
 * and checks of the outputs and of the encoder's options.
 */
async function compareAt(context: Context, width: number, height: number): Promise<void> {
  const size = `${width}x${height}`;
  const { meter, work, variants } = context;
  const mplOut = path.join(work, `matplotlib-${size}.mp4`);
  const netreelOut = (i: number) => path.join(work, `netreel-${i}-${size}.mp4`);
  console.log(`  ${size} (${FRAMES} frames, ${FPS} fps, MP4):`);
  const mpl: (Timed & { report: PipelineReport })[] = [];
  const netreel: Timed[][] = variants.map(() => []);
  const still: Timed[] = [];
  for (let round = 1; round <= context.rounds; round++) {
    const steps = [
      async () => mpl.push(await runPipeline(context, size, mplOut)),
      ...variants.map((variant, i) => async () => {
        netreel[i]?.push(await renderNetreel(meter, ["--size", size, "--out", netreelOut(i), ...variant.args]));
      }),
      async () => {
        const out = path.join(work, `still-${size}.png`);
        still.push(await renderNetreel(meter, ["--size", size, "--frame", String(STILL_FRAME), "--out", out]));
      },
    ];
    for (const step of round % 2 === 1 ? steps : steps.reverse()) await step();
    const m = mpl.at(-1) as Timed;
    const parts = variants.map((variant, i) => {
      const n = netreel[i]?.at(-1) as Timed;
      const cpuRatio = n.cpu !== undefined && m.cpu ? `, CPU ${((100 * n.cpu) / m.cpu).toFixed(0)}%` : "";
      return `${variant.label} ${s(n.seconds)} (CPU ${cpuOf(n)}): ${(m.seconds / n.seconds).toFixed(1)}x${cpuRatio}`;
    });
    console.log(`    round ${round}: matplotlib ${s(m.seconds)} (CPU ${cpuOf(m)}); ${parts.join("; ")}`);
  }

  const mplWall = median(mpl.map((t) => t.seconds));
  const mplCpu = median(mpl.map((t) => t.cpu ?? Number.NaN));
  for (const [i, variant] of variants.entries()) {
    const runs = netreel[i] as Timed[];
    const wall = median(runs.map((t) => t.seconds));
    const cpu = median(runs.map((t) => t.cpu ?? Number.NaN));
    const speedup = mplWall / wall;
    const target =
      width === 1280 && variant.args.length === 0 ? `   (target >= 6x: ${speedup >= 6 ? "met" : "NOT met"})` : "";
    console.log(
      `    median of ${context.rounds}: matplotlib ${s(mplWall)}, ${variant.label} ${s(wall)}: ${speedup.toFixed(1)}x faster; CPU ${s(mplCpu)} against ${s(cpu)}: netreel uses ${((100 * cpu) / mplCpu).toFixed(0)}% of matplotlib's CPU time${target}`,
    );
  }

  // CPU per frame: ffmpeg's from the meter; the rest of netreel's beyond what a still costs
  // (start-up, training, prepare: paid once), and the time python spent animating.
  const first = netreel[0] as Timed[];
  const stillCpu = median(still.map((t) => t.cpu ?? Number.NaN));
  const netreelDraw = median(first.map((t) => ((t.cpu ?? Number.NaN) - t.encodeCpu - stillCpu) / (FRAMES - 1)));
  const netreelX264 = median(first.map((t) => t.encodeCpu / FRAMES));
  const mplDraw = median(mpl.map((t) => t.report.animate_cpu / FRAMES));
  const mplX264 = median(mpl.map((t) => t.encodeCpu / FRAMES));
  const mplFixed = median(mpl.map((t) => t.report.startup_cpu + t.report.train_cpu));
  const mplTrain = median(mpl.map((t) => t.report.train_cpu));
  const drawing = (await drawingAlone(width, height)).best;
  console.log(
    `    CPU per frame, medians: netreel draws and hands over a frame in ${ms(netreelDraw)} (drawing it and reading back its pixels, in one process, best of 2 passes: ${ms(drawing)}; the rest: a render draws each frame once, the first ones before V8 has optimised the kit, writes the pixels into ffmpeg, and the supervisor's share), its x264 takes ${ms(netreelX264)}; matplotlib draws one in ${ms(mplDraw)} (update, draw, savefig to RGBA, pipe), its x264 ${ms(mplX264)}`,
  );
  console.log(
    `    CPU paid once: netreel ${s(stillCpu)} (start-up, training, prepare, one frame: a --frame ${STILL_FRAME} still), matplotlib ${s(mplFixed)} (python and its imports ${s(mplFixed - mplTrain)}, numpy training ${ms(mplTrain)})`,
  );

  // The last round's outputs, and the encoder's options as each side ran them.
  const problems = [
    ["matplotlib", wrongVideo(probeVideo(context.ffprobe, mplOut), width, height)],
    ...variants.map((variant, i) => [
      variant.label,
      wrongVideo(probeVideo(context.ffprobe, netreelOut(i)), width, height),
    ]),
  ].filter(([, problem]) => problem !== null);
  console.log(
    problems.length === 0
      ? `    outputs (ffprobe, every frame decoded): all H.264 yuv420p ${size}, ${FRAMES} frames`
      : `    OUTPUTS WRONG: ${problems.map(([who, problem]) => `${who}: ${problem}`).join("; ")}`,
  );
  const mplArgs = (mpl.at(-1) as Timed).encodes[0]?.args ?? [];
  const netreelArgs = first.at(-1)?.encodes[0]?.args ?? [];
  const show = (pairs: [string, string][]) => pairs.map((pair) => pair.join(" ").trim()).join(" ");
  const sorted = (pairs: [string, string][]) => show([...pairs].sort((a, b) => (a.join() < b.join() ? -1 : 1)));
  const same = sorted(outputOptions(mplArgs)) === sorted(outputOptions(netreelArgs));
  console.log(
    same
      ? `    encoder options, identical on both sides (as ffmpeg was run): ${show(outputOptions(netreelArgs))}`
      : `    ENCODER OPTIONS DIFFER: netreel ${show(outputOptions(netreelArgs))}; matplotlib ${show(outputOptions(mplArgs))}`,
  );
  console.log(
    `    inputs: netreel ${inputOptions(netreelArgs).join(" ")}; matplotlib ${inputOptions(mplArgs).join(" ")}; final accuracy: matplotlib's numpy run ${(100 * (mpl.at(-1)?.report.accuracy ?? 0)).toFixed(1)}%`,
  );
}

/**
 * The notebook's pipeline against netreel at 1280x720 (the headline, the target >= 6x) and at
 * 1920x1080, `rounds` rounds each. Skipped, with one line saying why and what to install, when no
 * python3 imports matplotlib. Long on purpose: a script of measurements, each printed as soon as
 * it is made.
 */
export async function benchMatplotlib(options: { rounds: number }): Promise<void> {
  const found = pipelinePython();
  if (!found) {
    console.log(
      `matplotlib: skipped: no python3 here imports matplotlib (looked for ${process.env.NETREEL_PYTHON ? `NETREEL_PYTHON=${process.env.NETREEL_PYTHON}` : "/usr/bin/python3, then python3 on the PATH"}); install Debian's python3-matplotlib (bash scripts/setup.sh --bench) to compare netreel with the notebook's pipeline`,
    );
    return;
  }
  const ffmpeg = await findFfmpeg();
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-matplotlib-"));
  const meter = new FfmpegMeter(work, ffmpeg.path);
  const variants: NetreelVariant[] = [{ label: "netreel", args: [] }];
  const jobs = renderTakesJobs();
  if (jobs) variants.push({ label: "netreel --jobs 1", args: ["--jobs", "1"] });
  const context: Context = {
    python: found.python,
    meter,
    ffprobe: ffprobeBeside(ffmpeg.path),
    work,
    rounds: options.rounds,
    variants,
  };
  try {
    console.log(
      `matplotlib: the course notebook's pipeline (${path.relative(ROOT, PIPELINE_SCRIPT)}; ${found.python}, matplotlib ${found.matplotlib}) against netreel's render of ${SCENE}, in turns; training included on both sides; both through ${shownPath(ffmpeg.path)} (${ffmpeg.source}); CPU time of every process each side ran${jobs ? "" : "; netreel's render has no --jobs yet, so only its default is measured"}`,
    );
    // Untimed warm-ups: netreel's bundle, matplotlib's font cache.
    const warm = path.join(work, "warm.png");
    await renderNetreel(meter, ["--frame", String(STILL_FRAME), "--size", "320x180", "--out", warm]);
    await runPipeline(context, "320x180", path.join(work, "warm.mp4"), 3);
    await compareAt(context, 1280, 720);
    await compareAt(context, 1920, 1080);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
