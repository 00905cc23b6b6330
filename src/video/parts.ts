/**
 * A long render cut into frame ranges for several machines, and joined again. Each part (an
 * MP4 or WebM rendered with `--frames A-B` or `--part K/N`) carries a record of the render it
 * belongs to in its container's `comment` tag; `joinParts` reads the records back, refuses
 * parts that do not make one render exactly once in order, and joins them without re-encoding
 * (ffmpeg's concat demuxer, `-c copy`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AtomicOutput } from "../files/index.ts";
import { EncoderError } from "./process.ts";
import type { Cue } from "./subtitles.ts";

/** What a part says of the render it belongs to, and which frames it holds. */
export interface PartRecord {
  /** The record's version. */
  v: 1;
  /** The scene's name, and a digest of its file's bytes: the same code. */
  scene: string;
  source: string;
  seed: string | number;
  width: number;
  height: number;
  fps: number;
  /** Frames in the whole render, and this part's, both included. */
  frames: number;
  first: number;
  last: number;
  format: "mp4" | "webm";
  preview: boolean;
  theme: string;
}

const TAG = "netreel part ";

/** The `comment` tag a part is written with. */
export function partTag(record: PartRecord): string {
  return TAG + JSON.stringify(record);
}

/** Frames `first..last` of part `k` (1-based) of `n`, as even as can be: the first `frames mod n` parts hold one more. */
export function partRange(frames: number, k: number, n: number): { first: number; last: number } {
  const base = Math.floor(frames / n);
  const extra = frames % n;
  const first = (k - 1) * base + Math.min(k - 1, extra);
  return { first, last: first + base + (k <= extra ? 1 : 0) - 1 };
}

/** A part that cannot be joined, or parts that do not make one render: one line naming the file. */
export class PartsError extends Error {
  override name = "PartsError";
}

/** Reads a file's part record through ffmpeg (its metadata as ffmetadata text). */
export async function readPart(ffmpeg: string, file: string, signal?: AbortSignal): Promise<PartRecord> {
  const { code, stdout, stderr } = await run(ffmpeg, ["-v", "error", "-i", file, "-f", "ffmetadata", "-"], signal);
  if (code !== 0) {
    const why = stderr.trim().split("\n").at(-1) ?? `exit ${code}`;
    throw new PartsError(`${file} is not a video ffmpeg can read (${why.replace(/^.*?: /, "")})`);
  }
  const comment = ffmetadataValue(stdout, "comment");
  if (comment === undefined || !comment.startsWith(TAG)) {
    throw new PartsError(
      `${file} is not a part of a netreel render (no part record in its metadata): render parts with --part K/N or --frames A-B`,
    );
  }
  let record: PartRecord;
  try {
    record = JSON.parse(comment.slice(TAG.length)) as PartRecord;
    if (record.v !== 1) throw new Error(`record version ${String(record.v)}`);
  } catch (error) {
    throw new PartsError(`${file}: its part record cannot be read (${(error as Error).message})`);
  }
  // The record sits at the front of the file: a part cut short (a copy stopped midway, a full
  // disk) still has it. So its frames are counted too: every packet read, none decoded.
  const want = record.last - record.first + 1;
  const held = await framesIn(ffmpeg, file, signal);
  if (held !== want) {
    throw new PartsError(
      `${file} holds ${held} of the ${want} frames its record names (${record.first}-${record.last}): it is cut short or damaged; render that part again`,
    );
  }
  return record;
}

/**
 * How many video frames a file holds that ffmpeg can read: a line a packet (framecrc), copied,
 * none decoded. (Not `-progress`: from ffmpeg 6.1 it counts no frames of a stream copied.)
 */
async function framesIn(ffmpeg: string, file: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await run(
    ffmpeg,
    ["-v", "error", "-nostats", "-i", file, "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"],
    signal,
  );
  return stdout.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length;
}

/**
 * The value of `key` in ffmetadata text, unescaped (= ; # \ and newlines are escaped with a
 * backslash). Keys in any case: MP4 gives `comment`, Matroska (WebM) `COMMENT`.
 */
function ffmetadataValue(text: string, key: string): string | undefined {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    // A value's escaped newline continues it on the next line.
    while (line.endsWith("\\") && !line.endsWith("\\\\") && i + 1 < lines.length)
      line = `${line.slice(0, -1)}\n${lines[++i]}`;
    if (line.slice(0, key.length + 1).toLowerCase() === `${key.toLowerCase()}=`)
      return line.slice(key.length + 1).replace(/\\(.)/g, "$1");
  }
  return undefined;
}

/** What in a record must agree for parts to be one render, named for messages. */
const SAME: [keyof PartRecord, string][] = [
  ["scene", "scene"],
  ["source", "scene file"],
  ["format", "format"],
  ["width", "width"],
  ["height", "height"],
  ["fps", "frame rate"],
  ["frames", "frame count"],
  ["seed", "seed"],
  ["theme", "theme"],
  ["preview", "encoder settings (--preview)"],
];

/**
 * The parts in frame order, checked to make one render exactly once: the same scene, code and
 * settings, the first from frame 0, each from the frame after the one before, the last to
 * the render's last frame. Refuses with one line naming the part at fault.
 */
export function orderParts(parts: { file: string; record: PartRecord }[]): { file: string; record: PartRecord }[] {
  const [first] = parts;
  if (!first) throw new PartsError("no parts given");
  for (const part of parts.slice(1)) {
    for (const [key, name] of SAME) {
      if (part.record[key] !== first.record[key]) {
        throw new PartsError(
          `${part.file} is from another render: its ${name} is ${String(part.record[key])}, ${first.file}'s is ${String(first.record[key])}`,
        );
      }
    }
  }
  const ordered = [...parts].sort((a, b) => a.record.first - b.record.first || a.record.last - b.record.last);
  let next = 0;
  let previous: (typeof parts)[number] | undefined;
  for (const part of ordered) {
    const { first: from, last: to } = part.record;
    if (from < next) {
      throw new PartsError(
        `${part.file} holds frames ${from}-${to}, but ${previous?.file} already holds ${previous?.record.first}-${previous?.record.last}: a part given twice, or parts of two different cuts`,
      );
    }
    if (from > next)
      throw new PartsError(`no part holds frames ${next}-${from - 1} of the ${first.record.frames}: a part is missing`);
    next = to + 1;
    previous = part;
  }
  if (next < first.record.frames) {
    throw new PartsError(
      `no part holds frames ${next}-${first.record.frames - 1} of the ${first.record.frames}: a part is missing`,
    );
  }
  return ordered;
}

/**
 * Joins parts (in order) into `target` without re-encoding: ffmpeg's concat demuxer copies
 * their streams one after another into a temporary file beside the target, renamed over it
 * only when ffmpeg succeeded. The parts' records are not carried over: the result is no part.
 */
export async function concatParts(options: {
  ffmpeg: string;
  files: string[];
  target: string;
  format: "mp4" | "webm";
  signal?: AbortSignal;
}): Promise<void> {
  const output = new AtomicOutput(options.target);
  const listDir = mkdtempSync(path.join(tmpdir(), "netreel-join-"));
  const list = path.join(listDir, "parts.txt");
  try {
    // The concat demuxer's list: one `file '…'` a part, quotes escaped as it wants them.
    const quote = (file: string) => `'${path.resolve(file).replaceAll("'", "'\\''")}'`;
    writeFileSync(list, options.files.map((file) => `file ${quote(file)}\n`).join(""));
    const args = [
      "-v",
      "error",
      "-y",
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      list,
      "-map",
      "0",
      "-c",
      "copy",
      "-map_metadata",
      "-1",
    ];
    if (options.format === "mp4") args.push("-movflags", "+faststart", "-f", "mp4");
    else args.push("-fflags", "+bitexact", "-f", "webm");
    const { code, stderr } = await run(options.ffmpeg, [...args, output.temporary], options.signal);
    if (code !== 0) {
      throw new EncoderError(
        `ffmpeg could not join the parts into ${options.target}: ${stderr.trim().split("\n").at(-1) ?? `exit ${code}`}`,
      );
    }
    output.commit();
  } finally {
    output.discard();
    rmSync(listDir, { recursive: true, force: true });
  }
}

/** Runs a program to its end (killed on abort), with its output. */
function run(
  program: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const stop = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", stop, { once: true });
    child.once("error", (error) => {
      signal?.removeEventListener("abort", stop);
      reject(error);
    });
    child.once("close", (code) => {
      signal?.removeEventListener("abort", stop);
      if (signal?.aborted) reject(signal.reason);
      else resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The parts' subtitles as one file's cues: each part's WebVTT (as `render` writes it beside the
 * part, its times from the part's start) shifted by the part's start, and a caption that a
 * cut split in two made one again. Undefined when any part has no subtitles beside it.
 */
export function joinedCues(parts: { file: string; record: PartRecord }[]): Cue[] | undefined {
  const cues: Cue[] = [];
  for (const { file, record } of parts) {
    const vtt = `${file.replace(/\.(mp4|webm)$/i, "")}.vtt`;
    if (!existsSync(vtt)) return undefined;
    const offset = record.first / record.fps;
    for (const cue of readVtt(readFileSync(vtt, "utf8"))) {
      const shifted = { from: cue.from + offset, to: cue.to + offset, text: cue.text };
      const last = cues.at(-1);
      if (last && last.text === shifted.text && Math.abs(last.to - shifted.from) < 0.002) last.to = shifted.to;
      else cues.push(shifted);
    }
  }
  return cues;
}

/** The cues of WebVTT as `webVtt` writes it (numbered cues, one text block each). */
function readVtt(text: string): Cue[] {
  const seconds = (stamp: string) => {
    const [h, m, s] = stamp.split(":").map(Number) as [number, number, number];
    return h * 3600 + m * 60 + s;
  };
  const cues: Cue[] = [];
  for (const block of text.replace(/\r/g, "").split(/\n\n+/)) {
    const lines = block.split("\n");
    const at = lines.findIndex((line) => line.includes("-->"));
    if (at < 0) continue;
    const [from, to] = (lines[at] as string).split("-->").map((part) => seconds(part.trim().split(/\s/)[0] as string));
    const body = lines
      .slice(at + 1)
      .join("\n")
      .replaceAll("&lt;", "<")
      .replaceAll("&amp;", "&")
      .trim();
    cues.push({ from: from as number, to: to as number, text: body });
  }
  return cues;
}
