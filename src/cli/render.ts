import { existsSync } from "node:fs";
import { OutputClaims, outputSize, type RenderResult, renderScene } from "../render/render.ts";
import type { RunStore } from "../render/run-store.ts";
import { type FormatName, gifGeometry } from "../video/index.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { count, formatBytes, formatDuration } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";
import { Progress, trainingProgress } from "./progress.ts";
import { parseRenderArgs, RENDER_HELP, type RenderArgs } from "./render-options.ts";
import { commandRunStore } from "./run-cache.ts";

/** `netreel render`: returns the process exit code. */
export async function renderCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  const interrupts = new InterruptWatch();
  try {
    const args = parseRenderArgs(argv);
    verbose = args.verbose;
    if (args.help) {
      process.stdout.write(RENDER_HELP);
      return EXIT.ok;
    }
    // Every scene named must exist before the first is rendered: a stray word would otherwise
    // fail only after the scenes before it had been rendered and written.
    for (const scene of args.scenes) missingScene(scene);
    const claims = new OutputClaims();
    const store = args.cache ? commandRunStore("render", args) : undefined;
    for (const scene of args.scenes) await render({ ...args, scene }, interrupts.signal, claims, store);
    return EXIT.ok;
  } catch (error) {
    return report("render", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

/** A scene argument that names no file: a bad command line, with a hint for a stray number. */
function missingScene(scene: string): void {
  if (existsSync(scene)) return;
  const hint = /^\d+(\.\d+)?s?$/.test(scene)
    ? " (a number where a scene should be: an option's value? with npm run, put -- before the options)"
    : "";
  throw new UsageError(`scene file ${scene} does not exist${hint}`);
}

async function render(
  args: RenderArgs,
  signal: AbortSignal,
  claims: OutputClaims,
  store: RunStore | undefined,
): Promise<void> {
  const log = (line: string) => {
    if (!args.quiet) process.stderr.write(`${line}\n`);
  };
  const bar: { progress: Progress | null } = { progress: null };
  const training = trainingProgress(args.quiet);
  try {
    const result = await renderScene({
      scene: args.scene,
      formats: args.formats,
      ...(args.out !== undefined ? { out: args.out } : {}),
      ...(args.width !== undefined ? { width: args.width, height: args.height } : {}),
      ...(args.fps !== undefined ? { fps: args.fps } : {}),
      ...(args.duration !== undefined ? { duration: args.duration } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.frame !== undefined ? { frame: args.frame } : {}),
      ...(args.range !== undefined ? { range: args.range } : {}),
      ...(args.part !== undefined ? { part: args.part } : {}),
      theme: args.theme,
      preview: args.preview,
      frameTimeoutSeconds: args.frameTimeout,
      // One still needs one process.
      jobs: args.frame === undefined ? args.jobs : 1,
      subtitles: args.subtitles,
      verbose: args.verbose,
      signal,
      claims,
      ...(store ? { store } : {}),
      log,
      onTraining: training.update,
      onFrames: (done, total) => {
        training.stop();
        bar.progress ??= new Progress({ total, label: `rendering ${args.scene}`, quiet: args.quiet });
        bar.progress.update(done);
      },
    });
    bar.progress?.stop();
    if (!args.quiet) for (const line of summaryLines(result, args.frame)) process.stdout.write(`${line}\n`);
    if (args.verbose) process.stderr.write(`${usageLine(result)}\n`);
  } finally {
    training.stop();
    bar.progress?.stop();
  }
}

/**
 * What netreel's own processes used (--verbose): CPU seconds and peak memory of this process
 * (so far: several scenes add up) and of the scene's processes, ffmpeg not included.
 */
function usageLine(result: RenderResult): string {
  const own = process.resourceUsage();
  const cpu = (own.userCPUTime + own.systemCPUTime) / 1e6;
  const rss = own.maxRSS / 1024;
  const scene = result.sceneProcess;
  const many = (scene?.processes ?? 1) > 1;
  const sceneText = scene
    ? `; the scene's ${many ? `${scene.processes} processes` : "process"} ${scene.cpuSeconds.toFixed(2)} CPU-s, ${scene.maxRssMb.toFixed(0)} MB at peak${many ? " (their peaks added)" : ""}`
    : "";
  return `resources: this process ${cpu.toFixed(2)} CPU-s, ${rss.toFixed(0)} MB at peak${sceneText}; ffmpeg not counted`;
}

function summaryLines(result: RenderResult, frame: number | string | undefined): string[] {
  if (frame !== undefined) {
    const { target } = result.outputs[0] as { target: string };
    const which = typeof frame === "number" ? `frame ${frame}` : `frame ${result.frameIndex} (${frame})`;
    return [
      `${target}: ${which} of ${result.frames}, ${result.width}x${result.height}, ${formatBytes(outputSize(target))}`,
    ];
  }
  return [
    ...result.outputs.map(({ format, target }) => summaryLine(format, target, result)),
    ...result.subtitles.map((file) => `${file}: subtitles (WebVTT) from the scene's captions`),
  ];
}

function summaryLine(format: FormatName, target: string, result: RenderResult): string {
  const video = { width: result.width, height: result.height, fps: result.fps };
  const geometry = format === "gif" ? gifGeometry(video.width, video.height, video.fps) : video;
  const frames = format === "gif" ? Math.round((result.rendered * geometry.fps) / video.fps) : result.rendered;
  const seconds = result.rendered / video.fps;
  return `${target}: ${formatDuration(seconds)} (${seconds.toFixed(1)} s), ${count(frames, "frame")}, ${geometry.width}x${geometry.height} at ${geometry.fps} fps, ${formatBytes(outputSize(target))}; rendered in ${result.seconds.toFixed(1)} s (${(result.rendered / result.seconds).toFixed(1)} frames/s)`;
}
