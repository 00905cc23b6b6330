// Measuring whole commands for `npm run bench`: wall time, the CPU time of every process a
// command ran (netreel's two, ffmpeg, python), and ffmpeg's own share of it.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * CPU seconds used by this process's finished children and everything they waited for (Linux:
 * /proc/self/stat's cutime and cstime, in the kernel's 100 Hz user ticks), or undefined where
 * /proc is not there.
 */
export function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** One run of ffmpeg through the meter: its arguments and its CPU seconds (user + system). */
export interface FfmpegRun {
  args: string[];
  cpu: number;
}

/**
 * A stand-in for ffmpeg that runs the real one and then logs the arguments it was given and the
 * CPU time it took (bash's `times`: the user and system time of the shell's finished children).
 * Given to netreel as FFMPEG_PATH and to matplotlib as its ffmpeg, it shows the command each side
 * really ran and splits the encoder's CPU time from the rest. It is a shell between the caller
 * and ffmpeg, so a caller that kills "its ffmpeg" kills the shell: for measuring runs that
 * finish, not for testing interrupts.
 */
export class FfmpegMeter {
  readonly path: string;
  private readonly log: string;

  constructor(dir: string, realFfmpeg: string) {
    this.path = path.join(dir, "ffmpeg-meter.sh");
    this.log = path.join(dir, "ffmpeg-runs.log");
    // The group's redirection runs in the shell itself (no subshell), so `times` sees its children.
    const script = [
      "#!/bin/bash",
      `${quote(realFfmpeg)} "$@"`,
      "status=$?",
      `{ times; printf '%s\\x1f' "$@"; printf '\\n'; } >> ${quote(this.log)}`,
      "exit $status",
      "",
    ].join("\n");
    writeFileSync(this.path, script);
    chmodSync(this.path, 0o755);
    this.reset();
  }

  /** Forgets the runs logged so far. */
  reset(): void {
    writeFileSync(this.log, "");
  }

  /** The runs logged since the last reset, in the order they ended. */
  runs(): FfmpegRun[] {
    const lines = readFileSync(this.log, "utf8").split("\n");
    const runs: FfmpegRun[] = [];
    // Three lines a run: the shell's own times, its children's (ffmpeg's), the arguments.
    for (let i = 0; i + 2 < lines.length; i += 3) {
      const times = [...(lines[i + 1] as string).matchAll(/(\d+)m([\d.]+)s/g)];
      const cpu = times.reduce((sum, [, minutes, secs]) => sum + Number(minutes) * 60 + Number(secs), 0);
      runs.push({ args: (lines[i + 2] as string).split("\x1f").slice(0, -1), cpu });
    }
    return runs;
  }
}

/** What one command took. */
export interface Timed {
  seconds: number;
  /** CPU seconds of the command and every process it waited for; undefined without /proc. */
  cpu: number | undefined;
  /** The encoding runs of ffmpeg it made through the meter (not the `-encoders` question). */
  encodes: FfmpegRun[];
  /** CPU seconds of those encoding runs. */
  encodeCpu: number;
  stdout: string;
}

/**
 * Runs a command to its end with the meter reset, and measures it. A command that fails is an
 * error naming it, with the end of what it printed.
 */
export function timeCommand(
  command: string,
  args: string[],
  options: { meter: FfmpegMeter; env?: NodeJS.ProcessEnv; cwd?: string },
): Timed {
  options.meter.reset();
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) {
    const said = `${result.stderr ?? ""}${result.error?.message ?? ""}`.trim().split("\n").slice(-8).join("\n");
    throw new Error(`bench: ${path.basename(command)} ${args.join(" ")} failed (exit ${result.status}):\n${said}`);
  }
  const encodes = options.meter.runs().filter((run) => !run.args.includes("-encoders"));
  return {
    seconds,
    cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    encodes,
    encodeCpu: encodes.reduce((sum, run) => sum + run.cpu, 0),
    stdout: result.stdout,
  };
}

/** What ffprobe says of a video's first video stream, all frames counted. */
export interface Probed {
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  frames: number;
}

/** ffprobe beside the ffmpeg found (ffmpeg-static ships none), else the PATH's. */
export function ffprobeBeside(ffmpeg: string): string {
  const beside = path.join(path.dirname(ffmpeg), "ffprobe");
  return path.isAbsolute(ffmpeg) && existsSync(beside) ? beside : "ffprobe";
}

/** Decodes the video to count its frames and reads its stream's codec, pixel format and size. */
export function probeVideo(ffprobe: string, file: string): Probed {
  const out = execFileSync(
    ffprobe,
    [
      ...["-v", "error", "-count_frames", "-select_streams", "v:0"],
      ...["-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames", "-of", "json"],
      file,
    ],
    { encoding: "utf8" },
  );
  const stream = (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0] ?? {};
  return {
    codec: String(stream.codec_name),
    pixelFormat: String(stream.pix_fmt),
    width: Number(stream.width),
    height: Number(stream.height),
    frames: Number(stream.nb_read_frames),
  };
}

/**
 * The options an ffmpeg command gives its output, normalised so that two callers' commands can be
 * compared: what follows the (last) input, without the output file, `-y`, `-loglevel`, the muxer
 * (`-f`), and with `-vcodec` spelled `-c:v`. As [option, value] pairs in the command's order.
 */
export function outputOptions(args: string[]): [string, string][] {
  const input = args.lastIndexOf("-i");
  const rest = args.slice(input + 2, -1);
  const pairs: [string, string][] = [];
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i] as string;
    const next = rest[i + 1];
    const hasValue = next !== undefined && !/^-[a-z]/i.test(next);
    if (hasValue) i++;
    if (option === "-y" || option === "-loglevel" || option === "-v" || option === "-f") continue;
    pairs.push([option === "-vcodec" ? "-c:v" : option, hasValue ? next : ""]);
  }
  return pairs;
}

/** The input half of an ffmpeg command (up to and including `-i pipe:...`). */
export function inputOptions(args: string[]): string[] {
  return args.slice(0, args.lastIndexOf("-i") + 2);
}
