import { statSync } from "node:fs";
import path from "node:path";
import { checkCourseFolder } from "../publish/folder.ts";
import { renderCourse } from "../publish/render-course.ts";
import { Interrupted } from "../render/errors.ts";
import { DEFAULT_FRAME_TIMEOUT } from "../render/session.ts";
import { findFfmpeg } from "../video/index.ts";
import { commandArgs } from "./args.ts";
import { classify, EXIT, errorMessage, parseArgsError, report, UsageError } from "./errors.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { InterruptWatch } from "./interrupts.ts";
import { Progress, trainingProgress } from "./progress.ts";
import { defaultJobs, parseSize, positiveNumber, refuseOptionsNpmTook } from "./render-options.ts";
import { commandRunStore, NO_CACHE_HELP } from "./run-cache.ts";
import { sceneFiles } from "./scene-files.ts";

export const RENDER_ALL_HELP = `Usage: npm run render:all [-- options] [scenes or folders...]
       npx netreel render-all [scenes or folders...] [options]

Renders every scene of the course and writes a page that plays them. With no scenes: every
scene in scenes/ (each .ts file with a default export), in the order of their file names;
name files to choose them and their order. For each scene, in the course folder:

  <name>.mp4   the video (the scene's size and fps, or those asked for)
  <name>.gif   a small GIF for slides (at most 640 px wide and 15 fps)
  <name>.vtt   its captions as WebVTT subtitles
  <name>.png   a poster: the scene's last key frame (its last snapshot), else its last frame
  <name>.json  what the page says of it: title, chapters (its named beats), captions

and index.html, which plays each video with its subtitles, lists its chapters (click one
to play from there) and links its files. It needs no server: open it from disk.

Options:
  --out DIR          the course folder (default output/course; output/course-dark with
                     --theme dark). netreel writes only into a folder it made or an empty one
  --title TEXT       the page's title (default "Course videos")
  --preview          small and fast: 640x360, 15 fps, quicker encoder settings
  --size WxH         frame size of the videos (even numbers), e.g. 1920x1080
  --fps N            frames per second of the videos
  --theme NAME       light (default) or dark: the frames' theme, and the page's
  --frame-timeout S  stop a scene that takes longer than S seconds to draw one frame
                     (default ${DEFAULT_FRAME_TIMEOUT}); the others still render
${NO_CACHE_HELP}
  --quiet            print nothing but errors
  --verbose          also each render's own lines, and stack traces with errors
  --help             show this help

One line per scene as it is done. A scene that fails is reported in one line with its error,
its old files are left as they were, the others still render, and the page says it failed
(showing its last good render when the folder has one); the exit code is then 1. Ctrl-C stops
the scene under way (nothing of it is written) and the rest; the page is then not rewritten.

Exit codes: 0 every scene rendered, 1 a scene failed (or no ffmpeg), 2 a bad command line or
course folder, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.
`;

/**
 * The options of `render-all` that npm keeps for itself when `--` is forgotten (not --quiet:
 * npm takes that as its own log level, and a course rendered with more lines is no harm).
 */
const NPM_TAKEN = ["out", "title", "size", "fps", "theme", "preview", "frame-timeout"];

interface RenderAllArgs {
  scenes: string[];
  out: string;
  title: string;
  preview: boolean;
  width?: number;
  height?: number;
  fps?: number;
  theme: "light" | "dark";
  frameTimeout: number;
  /** Use the run cache (output/.cache/); false with --no-cache. */
  cache: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** `netreel render-all`: returns the process exit code. */
export async function renderAllCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = new InterruptWatch();
  try {
    const { values, positionals } = commandArgs(argv, {
      out: { type: "string", short: "o" },
      title: { type: "string" },
      preview: { type: "boolean", default: false },
      size: { type: "string" },
      fps: { type: "string" },
      theme: { type: "string", default: "light" },
      "frame-timeout": { type: "string" },
      "no-cache": { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(RENDER_ALL_HELP);
      return EXIT.ok;
    }
    refuseOptionsNpmTook(process.env, NPM_TAKEN, { before: "the options", example: "-- --preview" });
    const args = checkedArgs(values, positionals);
    // Everything that would fail every scene alike is refused before the first.
    checkCourseFolder(args.out);
    await findFfmpeg({ signal: interrupts.signal });
    return await run(args, interrupts.signal);
  } catch (error) {
    return report("render-all", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

function checkedArgs(
  values: {
    out?: string | undefined;
    title?: string | undefined;
    preview: boolean;
    size?: string | undefined;
    fps?: string | undefined;
    theme: string;
    "frame-timeout"?: string | undefined;
    "no-cache": boolean;
    quiet: boolean;
    verbose: boolean;
  },
  positionals: string[],
): RenderAllArgs {
  const theme = values.theme;
  if (theme !== "light" && theme !== "dark") throw new UsageError(`--theme must be light or dark, got '${theme}'`);
  const args: RenderAllArgs = {
    scenes: sceneFiles(positionals.length > 0 ? positionals : ["scenes"]),
    out: values.out ?? path.join("output", theme === "dark" ? "course-dark" : "course"),
    title: values.title?.trim() || "Course videos",
    preview: values.preview,
    theme,
    frameTimeout:
      values["frame-timeout"] === undefined
        ? DEFAULT_FRAME_TIMEOUT
        : positiveNumber("--frame-timeout", values["frame-timeout"], { min: 0, max: 86_400 }),
    cache: !values["no-cache"],
    quiet: values.quiet,
    verbose: values.verbose,
  };
  if (values.size !== undefined) {
    const { width, height } = parseSize(values.size);
    if (width % 2 || height % 2) {
      throw new UsageError(
        `--size: an MP4 needs an even width and height (its colour is stored at half resolution); got ${width}x${height}, try ${width + (width % 2)}x${height + (height % 2)}`,
      );
    }
    Object.assign(args, { width, height });
  }
  if (values.fps !== undefined) args.fps = positiveNumber("--fps", values.fps, { min: 1, max: 240, inclusive: true });
  return args;
}

async function run(args: RenderAllArgs, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  const say = (line: string) => {
    if (!args.quiet) process.stdout.write(`${line}\n`);
  };
  const bar: { progress: Progress | null } = { progress: null };
  const training = trainingProgress(args.quiet);
  const stopBars = () => {
    training.stop();
    bar.progress?.stop();
    bar.progress = null;
  };
  let current = "";
  let label = "";
  let sceneStarted = 0;
  let done = 0;
  try {
    const result = await renderCourse({
      scenes: args.scenes,
      dir: args.out,
      title: args.title,
      preview: args.preview,
      ...(args.width !== undefined ? { width: args.width, height: args.height as number } : {}),
      ...(args.fps !== undefined ? { fps: args.fps } : {}),
      theme: args.theme,
      frameTimeoutSeconds: args.frameTimeout,
      // As render: the cores but one draw each scene's frames.
      jobs: defaultJobs(),
      verbose: args.verbose,
      ...(args.cache ? { store: commandRunStore("render-all", { ...args, indent: "  " }) } : {}),
      signal,
      describeError: errorMessage,
      // A render's own lines (training, the palette pass) only when asked: one line a scene.
      ...(args.verbose && !args.quiet ? { log: (line: string) => process.stderr.write(`  ${line}\n`) } : {}),
      onStart: (scene, place) => {
        current = scene;
        sceneStarted = performance.now();
        stopBars();
        label = `[${place.number}/${place.of}] ${scene}`;
      },
      onTraining: training.update,
      onFrames: (frames, total) => {
        training.stop();
        // On a terminal a bar while the scene draws; in a log nothing until its line.
        bar.progress ??= new Progress({ total, label, quiet: args.quiet, plain: false });
        bar.progress.update(frames);
      },
      onDone: (scene, place, { result, record }) => {
        stopBars();
        done++;
        const sizes = result.outputs.map((o) => `${o.format.toUpperCase()} ${formatBytes(sizeOf(o.target))}`);
        say(
          `[${place.number}/${place.of}] ${scene}: ${formatDuration(record.duration)} at ${result.width}x${result.height}, ${sizes.join(", ")}; done in ${((performance.now() - sceneStarted) / 1000).toFixed(1)} s`,
        );
      },
      onFailed: (scene, place, error) => {
        stopBars();
        const message = errorMessage(error);
        // Most errors name the scene already ("scene scenes/x.ts threw while drawing frame 5: ...").
        const line = message.includes(scene) ? message : `${scene}: ${message}`;
        process.stderr.write(`[${place.number}/${place.of}] failed: ${line}\n`);
        if (args.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
        else if (!classify(error).expected) {
          process.stderr.write("(an unexpected error: run again with --verbose for the stack trace)\n");
        }
      },
    });
    stopBars();
    const seconds = (performance.now() - started) / 1000;
    const total = result.rendered.reduce((sum, r) => sum + r.duration, 0);
    const of = args.scenes.length;
    say(
      `${result.page}: ${result.rendered.length} of ${of} scene${of === 1 ? "" : "s"}, ${formatDuration(total)} of video; rendered in ${seconds.toFixed(1)} s`,
    );
    if (result.failed.length === 0) return EXIT.ok;
    const names = result.failed.map((f) => f.scene).join(", ");
    process.stderr.write(
      `netreel render-all: ${result.failed.length} of ${of} scenes failed (${names}); their old files are as they were, and ${result.page} says so\n`,
    );
    return EXIT.failure;
  } catch (error) {
    stopBars();
    if (!(error instanceof Interrupted)) throw error;
    if (current === "") throw error;
    const kept =
      done === 0
        ? "no scene had finished"
        : `the ${done === 1 ? "scene" : `${done} scenes`} finished before it ${done === 1 ? "is" : "are"} in ${args.out}`;
    process.stderr.write(
      `netreel render-all: interrupted (${error.signal}) while rendering ${current}: its files are as they were, ${kept}; index.html was left as it was\n`,
    );
    return error.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
