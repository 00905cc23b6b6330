import { Interrupted } from "../render/errors.ts";
import { outputSize, type RenderResult, renderScene } from "../render/render.ts";
import { type FormatName, gifGeometry } from "../video/index.ts";
import { EXIT, parseArgsError, report } from "./errors.ts";
import { count, formatBytes, formatDuration } from "./format.ts";
import { Progress } from "./progress.ts";
import { parseRenderArgs, RENDER_HELP, type RenderArgs } from "./render-options.ts";

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
    for (const scene of args.scenes) await render({ ...args, scene }, interrupts.signal);
    return EXIT.ok;
  } catch (error) {
    return report("render", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

/**
 * Ctrl-C and SIGTERM abort the render; the handlers stay installed until the render has
 * cleaned up, so a second Ctrl-C during the clean-up cannot kill the process half-way.
 */
class InterruptWatch {
  private readonly controller = new AbortController();
  private readonly handler = (signal: NodeJS.Signals) => {
    if (!this.controller.signal.aborted) this.controller.abort(new Interrupted(signal));
  };

  constructor() {
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Done with the render. After an interrupt the handlers stay: the process is about to exit. */
  close(): void {
    if (this.controller.signal.aborted) return;
    process.removeListener("SIGINT", this.handler);
    process.removeListener("SIGTERM", this.handler);
  }
}

async function render(args: RenderArgs, signal: AbortSignal): Promise<void> {
  const log = (line: string) => {
    if (!args.quiet) process.stderr.write(`${line}\n`);
  };
  const bar: { progress: Progress | null } = { progress: null };
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
      theme: args.theme,
      preview: args.preview,
      frameTimeoutSeconds: args.frameTimeout,
      verbose: args.verbose,
      signal,
      log: (line) => {
        if (line.startsWith("ffmpeg:") && !args.verbose) return;
        log(line);
      },
      onFrames: (done, total) => {
        bar.progress ??= new Progress({ total, label: `rendering ${args.scene}`, quiet: args.quiet });
        bar.progress.update(done);
      },
    });
    bar.progress?.stop();
    if (!args.quiet) for (const line of summaryLines(result, args.frame)) process.stdout.write(`${line}\n`);
  } finally {
    bar.progress?.stop();
  }
}

function summaryLines(result: RenderResult, frame: number | undefined): string[] {
  if (frame !== undefined) {
    const { target } = result.outputs[0] as { target: string };
    return [
      `${target}: frame ${frame} of ${result.frames}, ${result.width}x${result.height}, ${formatBytes(outputSize(target))}`,
    ];
  }
  return result.outputs.map(({ format, target }) => summaryLine(format, target, result));
}

function summaryLine(format: FormatName, target: string, result: RenderResult): string {
  const video = { width: result.width, height: result.height, fps: result.fps };
  const geometry = format === "gif" ? gifGeometry(video.width, video.height, video.fps) : video;
  const frames = format === "gif" ? Math.round((result.rendered * geometry.fps) / video.fps) : result.rendered;
  const seconds = result.rendered / video.fps;
  return `${target}: ${formatDuration(seconds)} (${seconds.toFixed(1)} s), ${count(frames, "frame")}, ${geometry.width}x${geometry.height} at ${geometry.fps} fps, ${formatBytes(outputSize(target))}; rendered in ${result.seconds.toFixed(1)} s (${(result.rendered / result.seconds).toFixed(1)} frames/s)`;
}
