import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { checkTarget, prepareTarget, writeFileAtomically } from "../files/index.ts";
import type { Seed } from "../random/index.ts";
import type { ThemeName } from "../scene/index.ts";
import type { TrainProgress } from "../train/index.ts";
import {
  type Cue,
  clipCues,
  EncoderError,
  EncoderInterrupted,
  extensionOf,
  type Ffmpeg,
  type FormatName,
  type FrameSource,
  findFfmpeg,
  gifGeometry,
  needsEvenSize,
  openSink,
  type PartRecord,
  partRange,
  partTag,
  pngOfFrame,
  type Sink,
  webVtt,
  writePng,
} from "../video/index.ts";
import { abortable, interruptedBy, RenderRequestError } from "./errors.ts";
import type { PrepareAsks, Prepared, ProcessUsage, SceneHeading, SceneMeta, SceneTimeline } from "./protocol.ts";
import type { RunStore } from "./run-store.ts";
import type { RunCache } from "./runs.ts";
import { SceneSession, seedFor } from "./session.ts";

export { DEFAULT_FRAME_TIMEOUT } from "./session.ts";

/** A render: a scene file and what to change of its defaults. Every field but `scene` is optional. */
export interface RenderOptions {
  /** The scene file. */
  scene: string;
  /** Output formats, drawn once and encoded together. Default ["mp4"]. */
  formats?: FormatName[];
  /** The output path; with several formats each gets its own extension. Default output/<scene name>.<ext>. */
  out?: string;
  /** The folder of the default output paths (default "output", in the current folder). */
  outputDir?: string;
  width?: number;
  height?: number;
  fps?: number;
  duration?: number;
  seed?: Seed;
  theme?: ThemeName;
  /** 640x360, 15 fps, faster encoder settings. */
  preview?: boolean;
  /** Only this frame as a PNG: its number (0-based), a time ("6s") or a beat ("training:middle"). */
  frame?: number | string;
  /** Only these frames, both included. */
  range?: { first: number; last: number };
  /** Only part `k` (1-based) of `n` even ranges of the frames (`partRange`), in place of `range`. */
  part?: { k: number; n: number };
  /** Seconds the scene's code may take for one frame (or to load or prepare). Default 60. */
  frameTimeoutSeconds?: number;
  /** Processes drawing the frames at once (default 1): the run is trained once and shared; the output is the same bytes. */
  jobs?: number;
  /** Write the scene's captions as WebVTT beside each MP4 and WebM (default true). */
  subtitles?: boolean;
  /**
   * Also write one frame as a PNG beside the first video, with its name and .png: a poster for
   * a player (`<video poster>`). The frame is the scene's last key frame (the last of its
   * `snapshots`: the moment its author chose to check, usually the result), else its last frame.
   * It is drawn by the same session, so the scene is not trained or prepared again.
   */
  poster?: boolean;
  /** Also say what a page listing the scene shows of it: its title, its beats (`RenderResult.timeline`, `heading`). */
  describe?: boolean;
  /** The GIF at its own small size and rate (`gifGeometry`) even when a size or rate is asked for the video. */
  smallGif?: boolean;
  /** Stops the render: every encoder and the scene's process are stopped and nothing is written. */
  signal?: AbortSignal;
  /** Pass the scene process's stderr through. */
  verbose?: boolean;
  /** Lines worth showing a person (training summary, palette pass; ffmpeg's location when verbose). */
  log?: (line: string) => void;
  /**
   * Runs to reuse: a scene whose training config (or run file) matches one of them draws it
   * instead of training again, and a run trained now is added (the studio keeps one).
   */
  runs?: RunCache;
  /**
   * The run cache on disk (run-store.ts): a run kept there by an earlier render of the same
   * training is drawn instead of training again, and a run trained now is kept there.
   */
  store?: RunStore;
  /** Training's progress, when the scene trains (at most every 100 ms). */
  onTraining?: (progress: TrainProgress) => void;
  /** Frames done so far, of the render's total. */
  onFrames?: (done: number, total: number) => void;
  /**
   * The outputs of the other scenes rendered by the same command or studio: a render whose
   * output another scene of theirs wrote (two scenes with the same name) is refused.
   */
  claims?: OutputClaims;
}

/**
 * Which scene file wrote which output, across the renders of one command (`render
 * scenes/*.ts`) or one studio: outputs are named by a scene's `name`, so two scenes with the
 * same name would write over each other's files without a word.
 */
export class OutputClaims {
  private readonly owners = new Map<string, string>();

  /** Claims `targets` for `scene`; refused (before any work) when another scene claimed one. */
  claim(targets: Iterable<string>, scene: string, name: string): void {
    const mine = path.resolve(scene);
    const wanted = [...targets];
    for (const target of wanted) {
      const owner = this.owners.get(path.resolve(target));
      if (owner !== undefined && owner !== mine) {
        throw new RenderRequestError(
          `${scene} and ${path.relative(process.cwd(), owner) || owner} are both named "${name}", so both would write ${target}; give one of them another name`,
        );
      }
    }
    for (const target of wanted) this.owners.set(path.resolve(target), mine);
  }
}

/** What a finished render wrote. */
export interface RenderResult {
  scene: SceneMeta;
  outputs: { format: FormatName; target: string }[];
  /** The WebVTT files written beside the videos (none when the scene has no captions). */
  subtitles: string[];
  /** The captions those subtitles hold, in seconds of the clip rendered. */
  captions: Cue[];
  /** With `poster`: the PNG written, the frame it shows and the key frame's name ("end", "last"). */
  poster?: { target: string; index: number; moment: string };
  /** With `describe`: the scene's beats in seconds (null when it has none) and its title. */
  timeline?: SceneTimeline;
  heading?: SceneHeading | null;
  width: number;
  height: number;
  fps: number;
  /** Frames in the whole clip. */
  frames: number;
  /** Frames rendered (the range, or 1 for a single frame). */
  rendered: number;
  /** With `frame`: the frame drawn (a time or a beat resolved to its frame). */
  frameIndex?: number;
  /** Wall-clock seconds from the first frame to the last output in place. */
  seconds: number;
  /** What the process that ran the scene's code used (peak memory, CPU time), when it said. */
  sceneProcess: ProcessUsage | null;
}

/**
 * Renders a scene: its video formats, or one still (`frame`). The scene's code runs in its own
 * process (`SceneSession`); this process feeds the encoders in frame order and owns the
 * output: a target is replaced only when every frame was drawn, every encoder exited cleanly
 * and nothing stopped the render. Whatever happens, the scene's process and every encoder are
 * stopped and every temporary file removed before this returns or throws.
 */
export async function renderScene(given: RenderOptions): Promise<RenderResult> {
  let options = given;
  const signal = options.signal ?? new AbortController().signal;
  signal.throwIfAborted();
  const formats = options.frame === undefined ? (options.formats ?? ["mp4"]) : ["png" as const];
  const kindOf = (format: FormatName) => (format === "png" && options.frame === undefined ? "folder" : "file");
  // An --out that names a folder is refused before the scene's process even starts (the
  // default names need the scene's name, so they are checked once it has loaded).
  if (options.out !== undefined) {
    for (const [format, target] of outputTargets(options, "scene", formats)) checkTarget(target, kindOf(format));
  }
  // ffmpeg is found (run once, asked for its encoders) while the scene's process starts and
  // loads the scene, on the other core: ~0.15 s off the wait for the first frame. A render that
  // stops before it needs ffmpeg stops that run too.
  const finding = new AbortController();
  const stopFinding = () => finding.abort(signal.reason);
  signal.addEventListener("abort", stopFinding, { once: true });
  const needsFfmpeg = options.frame === undefined && formats.some((f) => f !== "png");
  const found = needsFfmpeg ? findFfmpeg({ signal: finding.signal }) : Promise.resolve(null);
  found.catch(() => {});
  let session: SceneSession | null = null;
  try {
    session = await SceneSession.load({ ...options, signal });
    const settings = renderSettings(options, session.meta);
    if (options.part) options = { ...options, range: partRange(settings.frames, options.part.k, options.part.n) };
    const targets = outputTargets(options, session.meta.name, formats);
    options.claims?.claim(targets.values(), options.scene, session.meta.name);
    for (const [format, target] of targets) prepareTarget(target, kindOf(format));
    const job: Job = { options, signal, log: options.log ?? (() => {}), session, settings, targets };
    return options.frame === undefined ? await renderVideo(job, found) : await renderStill(job, options.frame);
  } catch (error) {
    // ffmpeg heard the same Ctrl-C from the terminal and may have stopped first.
    if (signal.aborted || error instanceof EncoderInterrupted) throw interruptedBy(signal);
    throw error;
  } finally {
    signal.removeEventListener("abort", stopFinding);
    finding.abort();
    await Promise.all([found.catch(() => {}), session?.kill()]);
  }
}

/** A render under way: the scene loaded, its settings and targets checked. */
interface Job {
  options: RenderOptions;
  signal: AbortSignal;
  log: (line: string) => void;
  session: SceneSession;
  settings: RenderSettings;
  targets: Map<FormatName, string>;
}

/** The scene prepared for this render (its run trained or loaded), with frames carrying `encodings`. */
function prepare(job: Job, encodings: { raw: boolean; png: boolean }, asks: PrepareAsks = {}): Promise<Prepared> {
  const { options, settings } = job;
  return job.session.prepare({
    ...settings,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.theme !== undefined ? { theme: options.theme } : {}),
    ...(options.runs ? { runs: options.runs } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.onTraining ? { onTraining: options.onTraining } : {}),
    log: job.log,
    encodings,
    ...asks,
  });
}

/** One frame, a number, a time or a beat, as a PNG. */
async function renderStill(job: Job, frame: number | string): Promise<RenderResult> {
  const { session, settings, signal } = job;
  const { moments } = await prepare(
    job,
    { raw: false, png: true },
    typeof frame === "string" ? { moments: [frame] } : {},
  );
  const index = moments?.[0]?.index ?? (frame as number);
  const drawn = await session.draw(index);
  signal.throwIfAborted();
  const target = job.targets.get("png") as string;
  await writePng(target, drawn.png as Buffer);
  const sceneProcess = await session.close();
  const { width, height, fps, frames } = settings;
  const outputs = [{ format: "png" as const, target }];
  return {
    scene: session.meta,
    outputs,
    subtitles: [],
    captions: [],
    width,
    height,
    fps,
    frames,
    rendered: 1,
    frameIndex: index,
    seconds: 0,
    sceneProcess,
  };
}

/** The clip (or its range) in every format asked for, drawn once; and the subtitles (and poster) beside the videos. */
async function renderVideo(job: Job, found: Promise<Ffmpeg | null>): Promise<RenderResult> {
  const { options, session, settings, signal, log, targets } = job;
  const wait = <T>(promise: Promise<T>) => abortable(promise, signal);
  const subtitles = options.subtitles !== false && session.meta.captions ? subtitleTargets(targets) : [];
  for (const target of subtitles) prepareTarget(target, "file");
  const posterTarget = options.poster ? posterTargetOf(targets) : null;
  if (posterTarget !== null) prepareTarget(posterTarget, "file", "poster.png");
  const { width, height, fps, frames } = settings;
  const sinks: Sink[] = [];
  let committed = false;
  try {
    const ffmpeg = await wait(found);
    if (ffmpeg && options.verbose) log(`ffmpeg: ${ffmpeg.path} (from ${ffmpeg.source})`);
    const ffmpegPath = ffmpeg?.path ?? "ffmpeg";
    for (const [format, target] of targets) {
      // A size or rate asked for is the GIF's too: never shrunk without a word (unless smallGif says so).
      const capped = gifGeometry(width, height, fps);
      const gif = {
        ...(options.width === undefined || options.smallGif
          ? { width: capped.width, height: capped.height }
          : { width, height }),
        fps: options.fps === undefined || options.smallGif ? capped.fps : fps,
      };
      const preview = options.preview ?? false;
      const comment =
        options.range && (format === "mp4" || format === "webm") ? partTag(partRecord(job, format)) : undefined;
      // One video output: the scene's processes write its frames into ffmpeg themselves.
      const handOver = targets.size === 1 && format !== "png";
      sinks.push(
        openSink({
          format,
          target,
          width,
          height,
          fps,
          ffmpegPath,
          preview,
          gif,
          handOver,
          ...(comment ? { comment } : {}),
        }),
      );
    }
    checkEncoders(sinks, ffmpeg?.encoders ?? new Set(), ffmpegPath);
    const prepared = await prepare(
      job,
      { raw: sinks.some((s) => s.needs === "raw"), png: sinks.some((s) => s.needs === "png") },
      {
        ...(posterTarget !== null ? { snapshots: true } : {}),
        ...(options.describe ? { timeline: true, heading: true } : {}),
      },
    );
    const range = options.range ?? { first: 0, last: frames - 1 };
    const started = performance.now();
    await encode({ session, sinks, frames, range, signal, log, onFrames: options.onFrames });
    signal.throwIfAborted();
    const poster = posterTarget === null ? null : await drawPoster(job, prepared, posterTarget);
    signal.throwIfAborted();
    const captions = clipCues(prepared.captions ?? [], {
      offset: range.first / fps,
      length: (range.last - range.first + 1) / fps,
    });
    const vtt = webVtt(captions);
    for (const target of subtitles) writeFileAtomically(target, vtt);
    if (poster) writeFileAtomically(poster.target, poster.png);
    for (const sink of sinks) sink.commit();
    committed = true;
    const seconds = (performance.now() - started) / 1000;
    const outputs = sinks.map((s) => ({ format: s.format, target: s.target }));
    const sceneProcess = await session.close();
    const rendered = range.last - range.first + 1;
    return {
      scene: session.meta,
      outputs,
      subtitles,
      captions: subtitles.length > 0 ? captions : [],
      ...(poster ? { poster: { target: poster.target, index: poster.index, moment: poster.moment } } : {}),
      ...(options.describe
        ? { timeline: prepared.timeline ?? { beats: null, epochs: null }, heading: prepared.heading ?? null }
        : {}),
      width,
      height,
      fps,
      frames,
      rendered,
      seconds,
      sceneProcess,
    };
  } finally {
    if (!committed) await Promise.all(sinks.map((s) => s.abort()));
  }
}

/** The poster frame drawn as a PNG: the scene's last key frame, else the clip's last frame. */
async function drawPoster(
  job: Job,
  prepared: Prepared,
  target: string,
): Promise<{ target: string; index: number; moment: string; png: Buffer }> {
  const { settings } = job;
  const last = settings.frames - 1;
  const key = prepared.snapshots?.at(-1) ?? { name: "last", index: last };
  const index = Math.min(Math.max(0, key.index), last);
  const frame = await abortable(job.session.draw(index), job.signal);
  try {
    const png = pngOfFrame(frame, settings.width, settings.height);
    return { target, index, moment: key.name, png };
  } finally {
    frame.release?.();
  }
}

/** Where a poster goes: beside the first video, with its name and .png. */
function posterTargetOf(targets: Map<FormatName, string>): string | null {
  const [format, first] = [...targets].find(([f]) => f !== "png") ?? [];
  if (format === undefined || first === undefined) return null;
  return `${first.replace(/\.(mp4|webm|gif)$/i, "")}.png`;
}

/** Where a video's subtitles go: beside it, with the same name and .vtt (players find them there). */
function subtitleTargets(targets: Map<FormatName, string>): string[] {
  const videos = [...targets].filter(([format]) => format === "mp4" || format === "webm");
  return [...new Set(videos.map(([, target]) => `${target.replace(/\.(mp4|webm)$/i, "")}.vtt`))];
}

async function encode(job: {
  session: SceneSession;
  sinks: Sink[];
  /** Frames in the whole clip (a GIF's palette samples them all, so parts share a palette). */
  frames: number;
  range: { first: number; last: number };
  signal: AbortSignal;
  log: (line: string) => void;
  onFrames: RenderOptions["onFrames"];
}): Promise<void> {
  const { session, sinks, signal } = job;
  const wait = <T>(promise: Promise<T>) => abortable(promise, signal);
  const source: FrameSource = {
    frames: job.frames,
    draw: (index) => session.draw(index),
    feed: (indices, input) => session.feed(indices, input),
  };
  for (const sink of sinks) {
    if (sink.prepare) {
      job.log(`${sink.format}: choosing a palette from a sample of the frames`);
      await sink.prepare(source);
    }
  }
  const { first, last } = job.range;
  const handOver = sinks.length === 1 ? sinks[0]?.handOver : undefined;
  if (handOver) {
    const input = await wait(handOver());
    const frames = Array.from({ length: last - first + 1 }, (_, k) => first + k);
    await session.feed(frames, input, (index) => job.onFrames?.(index - first + 1, last - first + 1));
    await wait(Promise.all(sinks.map((sink) => sink.finish())));
    return;
  }
  // A sink's write() returns once the frame before has been taken in: that one is then free.
  await session.each(first, last, async (frame, index) => {
    await wait(Promise.all(sinks.map((sink) => sink.write(frame, index))));
    job.onFrames?.(index - first + 1, last - first + 1);
  });
  await wait(Promise.all(sinks.map((sink) => sink.finish())));
}

/**
 * What a part of a render (`range`) records of it, so that `netreel join` can check that parts
 * belong together: the scene and a digest of its file, the settings that change pixels or
 * encoding, the frame count and the part's frames.
 */
function partRecord(job: Job, format: "mp4" | "webm"): PartRecord {
  const { options, session, settings } = job;
  const range = options.range as { first: number; last: number };
  return {
    v: 1,
    scene: session.meta.name,
    source: createHash("sha256").update(readFileSync(options.scene)).digest("hex").slice(0, 16),
    seed: seedFor(options.seed, session.meta, options.scene),
    width: settings.width,
    height: settings.height,
    fps: settings.fps,
    frames: settings.frames,
    first: range.first,
    last: range.last,
    format,
    preview: options.preview ?? false,
    theme: options.theme ?? "light",
  };
}

/** The frame size, rate and count of a render: the options over the scene's defaults. */
export interface RenderSettings {
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: number;
}

export function renderSettings(options: RenderOptions, scene: SceneMeta): RenderSettings {
  const formats = options.formats ?? ["mp4"];
  // A GIF alone is drawn at the GIF's own size and rate rather than drawn large and scaled.
  const gifOnly = formats.length === 1 && formats[0] === "gif" && options.frame === undefined;
  const gif = gifGeometry(scene.width, scene.height, scene.fps);
  const width = options.width ?? (options.preview ? 640 : gifOnly ? gif.width : scene.width);
  const height = options.height ?? (options.preview ? 360 : gifOnly ? gif.height : scene.height);
  const fps = options.fps ?? (options.preview ? 15 : gifOnly ? gif.fps : scene.fps);
  const duration = options.duration ?? scene.duration;
  const frames = Math.max(1, Math.round(duration * fps));
  if (typeof options.frame === "number" && options.frame >= frames) {
    throw new RenderRequestError(
      `--frame ${options.frame} is past the last frame (${frames - 1}) of a ${duration} s clip at ${fps} fps`,
    );
  }
  if (options.range && options.range.last >= frames) {
    throw new RenderRequestError(
      `--frames ${options.range.first}-${options.range.last} goes past the last frame (${frames - 1}) of a ${duration} s clip at ${fps} fps`,
    );
  }
  for (const format of options.frame === undefined ? formats : []) {
    if (needsEvenSize(format) && (width % 2 || height % 2)) {
      throw new RenderRequestError(
        `${format.toUpperCase()} needs an even width and height (its colour is stored at half resolution); got ${width}x${height}, try ${width + (width % 2)}x${height + (height % 2)}`,
      );
    }
  }
  return { width, height, fps, duration, frames };
}

/**
 * Where each format's output goes: `out`, or output/<scene><extension> (with a range,
 * output/<scene>-A-B<extension>; a single frame, output/<scene>-frameN.png; with the dark
 * theme, -dark before the extension).
 */
export function outputTargets(
  options: Pick<RenderOptions, "out" | "range" | "frame" | "outputDir" | "theme">,
  sceneName: string,
  formats: FormatName[],
): Map<FormatName, string> {
  const paths = new Map<FormatName, string>();
  // A dark render gets its own default name, so that it does not replace the light one.
  const dark = options.theme === "dark" ? "-dark" : "";
  if (options.frame !== undefined) {
    const which = typeof options.frame === "number" ? `frame${options.frame}` : options.frame.replaceAll(":", "-");
    paths.set("png", options.out ?? path.join(options.outputDir ?? "output", `${sceneName}-${which}${dark}.png`));
    return paths;
  }
  const name = `${options.range ? `${sceneName}-${options.range.first}-${options.range.last}` : sceneName}${dark}`;
  for (const format of formats) {
    if (options.out && formats.length === 1) paths.set(format, options.out);
    else {
      const base = options.out
        ? options.out.replace(/(\.(mp4|gif|webm|png))$/i, "")
        : path.join(options.outputDir ?? "output", name);
      paths.set(format, `${base}${extensionOf(format)}`);
    }
  }
  return paths;
}

const ENCODER_OF: Record<FormatName, string> = { mp4: "libx264", webm: "libvpx-vp9", gif: "gif", png: "png" };

function checkEncoders(sinks: Sink[], available: Set<string>, ffmpegPath: string): void {
  for (const sink of sinks) {
    const encoder = ENCODER_OF[sink.format];
    if (sink.format !== "png" && !available.has(encoder)) {
      throw new EncoderError(
        `this ffmpeg (${ffmpegPath}) cannot write ${sink.format.toUpperCase()}: it has no ${encoder} encoder; install Debian's ffmpeg (scripts/setup.sh) or set FFMPEG_PATH`,
      );
    }
  }
}

/** The size in bytes of a written output (a folder's is the sum of its files). */
export function outputSize(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  let sum = 0;
  for (const name of readdirSync(target)) sum += statSync(path.join(target, name)).size;
  return sum;
}
