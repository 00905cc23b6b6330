import { availableParallelism } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_FRAME_TIMEOUT } from "../render/session.ts";
import { FORMATS, type FormatName, isFormat } from "../video/index.ts";
import { UsageError } from "./errors.ts";
import { NO_CACHE_HELP } from "./run-cache.ts";

export const RENDER_HELP = `Usage: npm run render <scene.ts> [more scenes...] [options]
       npx netreel render <scene.ts> [more scenes...] [options]

Renders a scene script to video. With no options: output/<scene>.mp4 at the
scene's size (1280x720 unless it says otherwise), 30 fps. Several scenes are
rendered one after another with the same options (each to its own default name).
Through npm, options go after a --: npm run render -- scenes/hidden.ts --frame 30
(without it npm keeps the options for itself; netreel refuses that before any work).

Options:
  --out PATH         output file (with several formats: each gets its own extension)
  --format LIST      mp4, gif, webm, png (a folder of frames), or a list: mp4,gif
                     (all rendered in one pass); default mp4
  --size WxH         frame size in pixels, e.g. 1920x1080
  --fps N            frames per second
  --duration S       length in seconds
  --seed S           seed of the data, initial weights and shuffling
  --theme NAME       light (default) or dark
  --frame N          render only frame N (0-based) as a PNG; also a time (6s) or
                     one of the scene's beats (training:middle, end)
  --frames A-B       render only frames A to B (0-based, both included), e.g. to
                     split a long render across machines and join the parts
  --part K/N         render only part K of N even ranges of the frames (netreel plan
                     prints the N commands; netreel join puts the parts together)
  --preview          small and fast: 640x360, 15 fps, quicker encoder settings
  --frame-timeout S  stop the render when the scene takes longer than S seconds
                     to draw one frame (loading and prepare: at least 60); default 60
  --jobs N           draw frames in N processes at once (the run is trained once
                     and shared); default: the cores but one, at least 1
  --no-subtitles     do not write the scene's captions as WebVTT subtitles
                     (by default output/<scene>.vtt beside an MP4 or WebM)
${NO_CACHE_HELP}
  --quiet            print nothing but errors
  --verbose          print ffmpeg's location, what the run cache did, and stack
                     traces with errors
  --help             show this help

GIFs are at most 640 px wide and 15 fps, so a 12-second clip stays small (about 4 MB);
a GIF rendered alone is drawn at that size. Output is written to a temporary file and
renamed over the target only when complete; a failed or interrupted render leaves the
target as it was. An existing folder is never replaced, except a frames folder
(--format png) that holds nothing but netreel's frames.

A scene's trained run is kept in output/.cache/ of the current folder, keyed by all
that decides it (config, seed, data, netreel's training code): rendering the scene
again with other captions, size or theme draws that run instead of training again.

Exit codes: 0 done, 1 a failure while working, 2 a bad command line, input file or
output path, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.
`;

/** The render command line, checked. Absent fields take the scene's defaults. */
export interface RenderArgs {
  /** The scene being rendered: one of `scenes`. */
  scene: string;
  /** Every scene file on the command line, in order. */
  scenes: string[];
  out?: string;
  formats: FormatName[];
  width?: number;
  height?: number;
  fps?: number;
  duration?: number;
  seed?: string | number;
  theme: "light" | "dark";
  frame?: number | string;
  /** Only these frames (both included). */
  range?: { first: number; last: number };
  /** Only part k of n even ranges of the frames. */
  part?: { k: number; n: number };
  /** Seconds the scene may take for one frame. */
  frameTimeout: number;
  /** Processes drawing frames at once. */
  jobs: number;
  /** Write the scene's captions as WebVTT beside the video. */
  subtitles: boolean;
  /** Use the run cache (output/.cache/); false with --no-cache. */
  cache: boolean;
  preview: boolean;
  quiet: boolean;
  verbose: boolean;
  help: boolean;
}

/** Options that take a value; "--fps -1" is read as the value -1 (and then rejected as such). */
export const VALUE_OPTIONS = new Set([
  "--out",
  "-o",
  "--format",
  "-f",
  "--size",
  "--fps",
  "--duration",
  "--seed",
  "--frame",
  "--frames",
  "--part",
  "--theme",
  "--frame-timeout",
  "--jobs",
  "-j",
]);

function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (VALUE_OPTIONS.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** The options of `render`, as npm names them in `npm_config_*` when it takes one for itself. */
const NPM_TAKEN = [
  "out",
  "format",
  "size",
  "fps",
  "duration",
  "seed",
  "theme",
  "frame",
  "frames",
  "preview",
  "jobs",
  "part",
];

/**
 * `npm run render scenes/x.ts --frame 3` (the `--` forgotten) hands npm the option: npm keeps
 * it in its own environment and passes the script only its value, which would then be taken
 * for a second scene after the first had been rendered in full. Refused before any work.
 */
export function refuseOptionsNpmTook(
  env: NodeJS.ProcessEnv,
  options: readonly string[] = NPM_TAKEN,
  hint = { before: "the scene and its options", example: "-- scenes/hidden.ts --frame 3" },
): void {
  if (env.npm_lifecycle_event === undefined) return;
  // npm names --frame-timeout npm_config_frame_timeout.
  const taken = options.filter((name) => env[`npm_config_${name.replaceAll("-", "_")}`] !== undefined);
  if (taken.length === 0) return;
  const names = taken.map((name) => `--${name}`).join(", ");
  throw new UsageError(
    `npm took ${names} for itself: put -- before ${hint.before}, e.g. npm run ${env.npm_lifecycle_event} ${hint.example}`,
  );
}

/**
 * The render command line, checked. Long on purpose: one short check per option, in the order
 * `render --help` lists them, so that each bad value is refused with its own one-line reason
 * before any work; split up, the checks would only be farther from the options they check.
 */
export function parseRenderArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RenderArgs {
  refuseOptionsNpmTook(env);
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      format: { type: "string", short: "f" },
      size: { type: "string" },
      fps: { type: "string" },
      duration: { type: "string" },
      seed: { type: "string" },
      theme: { type: "string", default: "light" },
      frame: { type: "string" },
      frames: { type: "string" },
      part: { type: "string" },
      "frame-timeout": { type: "string" },
      jobs: { type: "string", short: "j" },
      preview: { type: "boolean", default: false },
      "no-subtitles": { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
      verbose: { type: "boolean", short: "v", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const base = {
    preview: values.preview,
    quiet: values.quiet,
    verbose: values.verbose,
    help: values.help,
    subtitles: !values["no-subtitles"],
    cache: !values["no-cache"],
  };
  const frameTimeout =
    values["frame-timeout"] === undefined
      ? DEFAULT_FRAME_TIMEOUT
      : positiveNumber("--frame-timeout", values["frame-timeout"], { min: 0, max: 86_400 });
  const jobs = values.jobs === undefined ? defaultJobs() : jobsCount(values.jobs);
  if (values.help) return { ...base, scene: "", scenes: [], formats: ["mp4"], theme: "light", frameTimeout, jobs };
  if (positionals.length === 0) {
    throw new UsageError("expected a scene file (e.g. scenes/hidden.ts); see --help");
  }
  if (positionals.length > 1 && values.out !== undefined) {
    throw new UsageError(`--out names one output, but ${positionals.length} scenes were given; leave it out`);
  }
  if (values.theme !== "light" && values.theme !== "dark") {
    throw new UsageError(`--theme must be light or dark, got '${values.theme}'`);
  }
  const args: RenderArgs = {
    ...base,
    scene: positionals[0] as string,
    scenes: positionals,
    formats: formatsFor(values.format, values.frame === undefined ? values.out : undefined),
    theme: values.theme,
    frameTimeout,
    jobs,
  };
  if (values.out !== undefined) args.out = values.out;
  if (values.size !== undefined) Object.assign(args, parseSize(values.size));
  if (values.fps !== undefined) args.fps = positiveNumber("--fps", values.fps, { min: 1, max: 240, inclusive: true });
  if (values.duration !== undefined)
    args.duration = positiveNumber("--duration", values.duration, { min: 0, max: 3600 });
  if (values.seed !== undefined) args.seed = /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  if (values.frame !== undefined) {
    const frame = values.frame.trim();
    if (/^\d+$/.test(frame)) args.frame = Number(frame);
    else if (/^\d+(\.\d+)?s$/.test(frame) || /^[A-Za-z][\w-]*(:(start|middle|end|[\d.]+))?$/.test(frame))
      args.frame = frame;
    else {
      throw new UsageError(
        `--frame must be a frame number (0, 1, ...), a time such as 6s, or a beat such as training:middle; got '${values.frame}'`,
      );
    }
  }
  const named = values.out === undefined ? "" : path.extname(values.out).slice(1).toLowerCase();
  if (values.frame !== undefined && isFormat(named) && named !== "png") {
    throw new UsageError(`--frame writes one PNG image, not a .${named}: give --out a .png name; got ${values.out}`);
  }
  if (values.frames !== undefined) {
    if (values.frame !== undefined) throw new UsageError("--frame and --frames both given; use one");
    const match = /^(\d+)-(\d+)$/.exec(values.frames.trim());
    const first = Number(match?.[1]);
    const last = Number(match?.[2]);
    if (!match || first > last) {
      throw new UsageError(
        `--frames must be FIRST-LAST (0-based, both included, FIRST <= LAST), e.g. 0-179; got '${values.frames}'`,
      );
    }
    args.range = { first, last };
  }
  if (values.part !== undefined) {
    if (values.frame !== undefined || values.frames !== undefined) {
      throw new UsageError(`--part and --${values.frame !== undefined ? "frame" : "frames"} both given; use one`);
    }
    args.part = partOf(values.part);
  }
  return args;
}

/** `--part K/N`: part K (1 to N) of N even ranges of the frames. */
export function partOf(text: string): { k: number; n: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = Number(match?.[1]);
  const n = Number(match?.[2]);
  if (!match || k < 1 || k > n || n > 1000) {
    throw new UsageError(`--part must be K/N, part K of N (1 <= K <= N <= 1000), e.g. 2/3; got '${text}'`);
  }
  return { k, n };
}

/**
 * The formats asked for: --format, else the one --out's extension names (--out clip.gif is a
 * GIF), else MP4. An --out whose extension is not a format netreel writes, or that disagrees
 * with a single --format, is refused rather than given a name that lies about its contents.
 */
function formatsFor(format: string | undefined, out: string | undefined): FormatName[] {
  const extension = out === undefined ? "" : path.extname(out).slice(1).toLowerCase();
  const named = isFormat(extension) && extension !== "png" ? extension : null;
  if (format === undefined) {
    if (named) return [named];
    if (extension !== "" && !/[/\\]$/.test(out ?? "")) {
      throw new UsageError(
        `--out ${out}: netreel writes .mp4, .gif, .webm or a folder of PNG frames (--format png), not .${extension}; give one of those extensions or --format`,
      );
    }
    return ["mp4"];
  }
  const formats = parseFormats(format);
  if (formats.length === 1 && named && named !== formats[0]) {
    throw new UsageError(`--out ${out} names a .${named} file but --format is ${formats[0]}; make them agree`);
  }
  return formats;
}

function parseFormats(list: string): FormatName[] {
  const names = list.split(",").map((s) => s.trim().toLowerCase());
  const formats: FormatName[] = [];
  for (const name of names) {
    if (!isFormat(name)) throw new UsageError(`unknown format '${name}'; choose from ${FORMATS.join(", ")}`);
    if (!formats.includes(name)) formats.push(name);
  }
  return formats;
}

export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 16 || height < 16 || width > 7680 || height > 4320) {
    throw new UsageError(`--size must be WIDTHxHEIGHT between 16x16 and 7680x4320, e.g. 1280x720; got '${text}'`);
  }
  return { width, height };
}

/** A number in (min, max], or [min, max] when `inclusive`. */
export function positiveNumber(
  flag: string,
  text: string,
  range: { min: number; max: number; inclusive?: boolean },
): number {
  const value = Number(text);
  const { min, max, inclusive = false } = range;
  const low = inclusive ? value >= min : value > min;
  if (!Number.isFinite(value) || !low || value > max || text.trim() === "") {
    throw new UsageError(
      `${flag} must be a number ${inclusive ? "from" : "above"} ${min} ${inclusive ? "to" : "and at most"} ${max}, got '${text}'`,
    );
  }
  return value;
}

/** Drawing processes by default: one per core but one (left to the encoder and this process), at least one. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** `--jobs N`: a whole number of processes from 1 to 64. */
export function jobsCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 64) {
    throw new UsageError(`--jobs must be a whole number of processes from 1 to 64, got '${text}'`);
  }
  return Number(text);
}
