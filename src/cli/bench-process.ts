// Measuring whole commands for `npm run bench`: wall time, the CPU time of every process a
// command ran (netreel's, ffmpeg, python), ffmpeg's own share of it, and the memory the command's
// processes other than ffmpeg hold at the same moment.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

/** A process's parent, read from /proc/<pid>/stat ("pid (name) state ppid ...", the name may hold spaces and brackets). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined; // It has ended.
  }
}

/** A process's name and resident memory now (VmRSS, MB), from /proc/<pid>/status; undefined once it has ended. */
function statusOf(pid: number): { name: string; mb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const name = /^Name:\t(.*)$/m.exec(status)?.[1] ?? "";
    return { name, mb: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * A process's pages now from /proc/<pid>/smaps_rollup (MB): those only it maps (`private`), and
 * those it shares with another process (`shared`: Node's own code, the libraries, the bundle's
 * files), which VmRSS counts in full in every process that maps them.
 */
function pagesOf(pid: number): { private: number; shared: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return {
      private: (kb("Private_Clean") + kb("Private_Dirty")) / 1024,
      shared: (kb("Shared_Clean") + kb("Shared_Dirty")) / 1024,
    };
  } catch {
    return undefined;
  }
}

/**
 * The memory a process and its descendants hold at the same moment: every `everyMs` it finds
 * the tree (by each process's parent in /proc/<pid>/stat: /proc/<pid>/task/<tid>/children needs a
 * kernel option not every kernel has) and adds up their VmRSS, leaving out the processes whose
 * name `skip` accepts and all they started; it keeps the largest sum. Pages two processes share
 * (Node's own code, say) count in each, as in each one's VmRSS. Each process's parent is read
 * once (about 5 ms to read them all here), the tree's names and memory at every sample (~0.4 ms).
 * Linux only: 0 elsewhere.
 */
export class TreeMemory {
  peakMb = 0;
  /**
   * The same with every shared page counted once: each process's private pages added, plus the
   * shared pages of the process that shares the most (the others' are mostly the same: Node's
   * code and libraries), read every fourth sample (smaps_rollup costs ~1 ms a process to read).
   */
  peakOnceMb = 0;
  private samples = 0;
  private readonly root: number;
  private readonly skip: (name: string) => boolean;
  private readonly timer: NodeJS.Timeout;
  /** The parent of every process seen still running. */
  private parents = new Map<number, number | undefined>();

  constructor(root: number, skip: (name: string) => boolean, everyMs = 25) {
    this.root = root;
    this.skip = skip;
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /**
   * The tree's processes now and their memory, the skipped ones and their descendants left out,
   * and those not seen in the sample before: a process just forked is a copy of its parent, with
   * its parent's name and memory, until it runs its own program (within a millisecond or so).
   */
  members(): { pid: number; mb: number }[] {
    let running: number[];
    try {
      running = readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number);
    } catch {
      return [];
    }
    const seen = this.parents;
    this.parents = new Map(running.map((pid) => [pid, seen.has(pid) ? seen.get(pid) : parentOf(pid)]));
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of this.parents) {
      if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
    const found: { pid: number; mb: number }[] = [];
    const queue = [this.root];
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      const status = statusOf(pid);
      if (status === undefined || (pid !== this.root && this.skip(status.name))) continue;
      if (seen.has(pid)) found.push({ pid, mb: status.mb });
      queue.push(...(children.get(pid) ?? []));
    }
    return found;
  }

  /** Adds up the tree's memory now, and keeps it if it is the most so far. */
  sample(): void {
    const members = this.members();
    this.peakMb = Math.max(
      this.peakMb,
      members.reduce((sum, { mb }) => sum + mb, 0),
    );
    if (this.samples++ % 4 !== 0) return;
    const pages = members.map(({ pid }) => pagesOf(pid) ?? { private: 0, shared: 0 });
    const once = pages.reduce((sum, p) => sum + p.private, 0) + Math.max(0, ...pages.map((p) => p.shared));
    this.peakOnceMb = Math.max(this.peakOnceMb, once);
  }

  /** Stops sampling; returns the peak. */
  stop(): number {
    clearInterval(this.timer);
    return this.peakMb;
  }
}

/** ffmpeg, and the meter's shell in front of it (ffmpeg-meter.sh): not netreel's memory. */
export const isFfmpeg = (name: string) => name.startsWith("ffmpeg");

/** What one command took. */
export interface Timed {
  seconds: number;
  /** CPU seconds of the command and every process it waited for; undefined without /proc. */
  cpu: number | undefined;
  /** The encoding runs of ffmpeg it made through the meter (not the `-encoders` question). */
  encodes: FfmpegRun[];
  /** CPU seconds of those encoding runs. */
  encodeCpu: number;
  /**
   * With `sampleMemory`: the most memory its processes other than ffmpeg held at one moment
   * (TreeMemory), in MB, and the same with the pages they share counted once (peakOnceMb).
   */
  memory: { peakMb: number; peakOnceMb: number } | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end with the meter reset, and measures it. A command that fails is an
 * error naming it, with the end of what it printed. The command is started by a shell, as from
 * a terminal: Linux carries a process's peak memory over fork and exec, so a command started
 * from this process (~250 MB once it has drawn frames) would report this process's memory as
 * its own peak (ru_maxrss: render --verbose's "MB at peak"). The shell waits for the command (it
 * does not exec it) and adds ~2 MB to the sampled memory.
 */
export async function timeCommand(
  command: string,
  args: string[],
  options: { meter: FfmpegMeter; env?: NodeJS.ProcessEnv; cwd?: string; sampleMemory?: boolean },
): Promise<Timed> {
  options.meter.reset();
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const child = spawn("/bin/sh", ["-c", '"$@"; exit $?', "sh", command, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  // Memory is sampled only when asked for, in runs of its own: reading /proc every 25 ms (and
  // smaps_rollup every 100) beside a render cost it ~0.5 s end to end and its scene's process
  // ~0.3 CPU-s (hidden.ts, 4 runs each way, alternating: 6.55 s and 5.05 CPU-s against 6.07
  // and 4.75), and would count against the times measured.
  const memory = options.sampleMemory ? new TreeMemory(child.pid ?? -1, isFfmpeg) : null;
  const output = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (text: string) => (output.stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (output.stderr += text));
  let status: number | null;
  try {
    [status] = (await once(child, "close")) as [number | null];
  } finally {
    memory?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  if (status !== 0) {
    const said = output.stderr.trim().split("\n").slice(-8).join("\n");
    throw new Error(`bench: ${path.basename(command)} ${args.join(" ")} failed (exit ${status}):\n${said}`);
  }
  const encodes = options.meter.runs().filter((run) => !run.args.includes("-encoders"));
  return {
    seconds,
    cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    encodes,
    encodeCpu: encodes.reduce((sum, run) => sum + run.cpu, 0),
    memory: memory ? { peakMb: memory.peakMb, peakOnceMb: memory.peakOnceMb } : null,
    ...output,
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
