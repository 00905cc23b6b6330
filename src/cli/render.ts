import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isScene, type Scene } from "../scene/index.ts";
import { loadRun, type Run, train } from "../train/index.ts";
import {
  type FormatName,
  findFfmpeg,
  gifGeometry,
  needsEvenSize,
  openSink,
  prefetchCapabilities,
  type Sink,
  type SinkOptions,
  writePng,
} from "../video/index.ts";
import { classify, EXIT, report, UsageError, UserFacingError } from "./errors.ts";
import { count, formatBytes, formatDuration } from "./format.ts";
import { FrameRenderer } from "./frames.ts";
import { Progress } from "./progress.ts";
import { outputPaths, parseRenderArgs, RENDER_HELP, type RenderArgs } from "./render-options.ts";
import { parseArgsError } from "./train.ts";

/** Raised when the user interrupts a render (Ctrl-C). */
class Interrupted extends UserFacingError {
  constructor() {
    super("interrupted: no output was written", EXIT.interrupted);
  }
}

/** `netreel render`: returns the process exit code. */
export async function renderCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    const args = parseRenderArgs(argv);
    verbose = args.verbose;
    if (args.help) {
      process.stdout.write(RENDER_HELP);
      return EXIT.ok;
    }
    for (const scene of args.scenes) await render({ ...args, scene });
    return EXIT.ok;
  } catch (error) {
    return report("render", parseArgsError(error), verbose);
  }
}

export async function loadScene(file: string): Promise<Scene> {
  if (!existsSync(file)) throw new UsageError(`scene file ${file} does not exist`);
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(path.resolve(file)).href);
  } catch (error) {
    throw new UserFacingError(`scene file ${file} failed to load: ${loadFailure(error as Error)}`, EXIT.failure, {
      cause: error,
    });
  }
  if (!isScene(module.default)) {
    throw new UsageError(`scene file ${file} must export a scene as its default: export default defineScene({...})`);
  }
  return module.default;
}

/**
 * A load error in one line. A syntax error comes from esbuild (through tsx) as a header line
 * and one "file:line:column: ERROR: text" line per error; keep the places and the texts.
 */
function loadFailure(error: Error): string {
  const lines = error.message
    .replace(/^Transform failed with \d+ errors?:\n/, "")
    .split("\n")
    .map((line) => line.replace(/: ERROR: /, ": ").trim())
    .filter((line) => line !== "");
  return lines.join("; ");
}

/** The run a scene draws from: trained now from its config, or loaded from a saved file. */
function sceneRun(scene: Scene, file: string, seed: string | number, log: (line: string) => void): Run {
  const { run: runFile, train: trainConfig } = scene;
  if (runFile) return namingScene(file, () => loadRun(path.resolve(path.dirname(file), runFile)));
  let config: ReturnType<NonNullable<Scene["train"]>>;
  try {
    config = (trainConfig as NonNullable<Scene["train"]>)(seed);
  } catch (error) {
    throw new UserFacingError(`scene ${file} threw in train(): ${(error as Error).message}`, EXIT.failure, {
      cause: error,
    });
  }
  const run = namingScene(file, () => train(config, { baseDir: path.dirname(path.resolve(file)) }));
  const last = run.snapshots.at(-1);
  log(
    `trained [${run.config.sizes.join(",")}] for ${last?.epoch ?? 0} epochs in ${(run.seconds ?? 0).toFixed(2)} s: loss ${last?.loss.toFixed(4)}, accuracy ${(100 * (last?.accuracy ?? 0)).toFixed(1)}%`,
  );
  return run;
}

/** Runs `work`; an error the user can act on (a bad config, a diverging run) names the scene. */
function namingScene<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error && classify(error).expected) error.message = `scene ${file}: ${error.message}`;
    throw error;
  }
}

/** The frame size, rate and count of a render: the command line over the scene's defaults. */
interface RenderSettings {
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: number;
}

function renderSettings(args: RenderArgs, scene: Scene): RenderSettings {
  // A GIF alone is drawn at the GIF's own size and rate rather than drawn large and scaled.
  const gifOnly = args.formats.length === 1 && args.formats[0] === "gif" && args.frame === undefined;
  const gif = gifGeometry(scene.width, scene.height, scene.fps);
  const width = args.width ?? (args.preview ? 640 : gifOnly ? gif.width : scene.width);
  const height = args.height ?? (args.preview ? 360 : gifOnly ? gif.height : scene.height);
  const fps = args.fps ?? (args.preview ? 15 : gifOnly ? gif.fps : scene.fps);
  const duration = args.duration ?? scene.duration;
  const frames = Math.max(1, Math.round(duration * fps));
  if (args.frame !== undefined && args.frame >= frames) {
    throw new UsageError(
      `--frame ${args.frame} is past the last frame (${frames - 1}) of a ${duration} s clip at ${fps} fps`,
    );
  }
  if (args.range && args.range.last >= frames) {
    throw new UsageError(
      `--frames ${args.range.first}-${args.range.last} goes past the last frame (${frames - 1}) of a ${duration} s clip at ${fps} fps`,
    );
  }
  for (const format of args.frame === undefined ? args.formats : []) {
    if (needsEvenSize(format) && (width % 2 || height % 2)) {
      throw new UsageError(
        `${format.toUpperCase()} needs an even width and height (its colour is stored at half resolution); got ${width}x${height}, try ${width + (width % 2)}x${height + (height % 2)}`,
      );
    }
  }
  return { width, height, fps, duration, frames };
}

async function render(args: RenderArgs): Promise<void> {
  const log = (line: string) => {
    if (!args.quiet) process.stderr.write(`${line}\n`);
  };
  const scene = await loadScene(args.scene);
  const settings = renderSettings(args, scene);
  const needsFfmpeg = args.frame === undefined && args.formats.some((f) => f !== "png");
  const ffmpeg = needsFfmpeg ? findFfmpeg() : null;
  if (ffmpeg && args.verbose) log(`ffmpeg: ${ffmpeg.path} (from ${ffmpeg.source})`);
  const capabilities = ffmpeg ? prefetchCapabilities(ffmpeg.path) : Promise.resolve();

  const seed = args.seed ?? scene.seed;
  const run = sceneRun(scene, args.scene, seed, log);
  const { width, height, fps, frames } = settings;
  const context = { run, seed, width, height, fps, frames, duration: frames / fps, theme: args.theme };
  const renderer = new FrameRenderer(scene, context, args.scene);

  if (args.frame !== undefined) {
    const target = args.out ?? path.join("output", `${scene.name}-frame${args.frame}.png`);
    await writePng(target, renderer.draw(args.frame).png());
    if (!args.quiet) {
      process.stdout.write(
        `${target}: frame ${args.frame} of ${frames}, ${width}x${height}, ${formatBytes(statSync(target).size)}\n`,
      );
    }
    return;
  }
  await capabilities;
  const outputs = [...outputPaths(args, scene.name)].map(
    ([format, target]): SinkOptions => ({
      format,
      target,
      width,
      height,
      fps,
      preview: args.preview,
      ffmpegPath: ffmpeg?.path ?? "ffmpeg",
    }),
  );
  const range = args.range ?? { first: 0, last: frames - 1 };
  const started = performance.now();
  const sinks = await encode({
    renderer,
    outputs,
    frames,
    range,
    label: `rendering ${scene.name}`,
    quiet: args.quiet,
    log,
  });
  const seconds = (performance.now() - started) / 1000;
  const rendered = { ...settings, frames: range.last - range.first + 1 };
  for (const sink of sinks) {
    if (!args.quiet) process.stdout.write(`${summaryLine(sink.format, sink.target, rendered, seconds)}\n`);
  }
}

/**
 * Draws every frame of the range once and hands it to every sink, waiting while an encoder
 * is behind. On any failure or Ctrl-C, every encoder is stopped and every temporary output
 * removed.
 */
async function encode(job: {
  renderer: FrameRenderer;
  outputs: SinkOptions[];
  /** Frames in the whole clip (a GIF's palette samples them all, so parts share a palette). */
  frames: number;
  range: { first: number; last: number };
  label: string;
  quiet: boolean;
  log: (line: string) => void;
}): Promise<Sink[]> {
  const { renderer, frames } = job;
  const sinks: Sink[] = [];
  let interrupted = false;
  const abortAll = () => Promise.all(sinks.map((s) => s.abort()));
  const onSignal = () => {
    interrupted = true;
    void abortAll();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let progress: Progress | null = null;
  try {
    for (const output of job.outputs) sinks.push(openSink(output));
    const source = { frames, draw: (index: number) => renderer.draw(index) };
    for (const sink of sinks) {
      if (sink.prepare) {
        job.log(`${sink.format}: choosing a palette from a sample of the frames`);
        await sink.prepare(source);
      }
    }
    const { first, last } = job.range;
    progress = new Progress({ total: last - first + 1, label: job.label, quiet: job.quiet });
    for (let index = first; index <= last; index++) {
      if (interrupted) throw new Interrupted();
      const frame = renderer.draw(index);
      await Promise.all(sinks.map((sink) => sink.write(frame, index)));
      progress.update(index - first + 1);
    }
    if (interrupted) throw new Interrupted();
    for (const sink of sinks) await sink.finish();
    return sinks;
  } catch (error) {
    await abortAll();
    throw interrupted ? new Interrupted() : error;
  } finally {
    progress?.stop();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

function summaryLine(
  format: FormatName,
  target: string,
  video: { width: number; height: number; fps: number; frames: number },
  seconds: number,
): string {
  const geometry = format === "gif" ? gifGeometry(video.width, video.height, video.fps) : video;
  const frames = format === "gif" ? Math.round((video.frames * geometry.fps) / video.fps) : video.frames;
  const size = format === "png" ? folderSize(target) : statSync(target).size;
  return `${target}: ${formatDuration(video.frames / video.fps)} (${(video.frames / video.fps).toFixed(1)} s), ${count(frames, "frame")}, ${geometry.width}x${geometry.height} at ${geometry.fps} fps, ${formatBytes(size)}; rendered in ${seconds.toFixed(1)} s (${(video.frames / seconds).toFixed(1)} frames/s)`;
}

function folderSize(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}
