import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import type ffmpeg from "fluent-ffmpeg";

/** What an ffmpeg run is asked to do, past the raw-frame input on stdin. */
export interface FfmpegJob {
  ffmpegPath: string;
  width: number;
  height: number;
  fps: number;
  /** Extra inputs after stdin (e.g. a palette image). */
  extraInputs?: string[];
  /** A -filter_complex graph reading [0:v] (and [1:v] ...) and writing [out]. */
  complexFilter?: string;
  outputOptions: string[];
  /** The muxer, e.g. "mp4"; the output file's name does not have to say it. */
  format: string;
  output: string;
  /** The file the user will see, named in messages instead of the temporary output. */
  shownAs?: string;
  /** Seconds ffmpeg may go without taking a frame or printing progress before it is called stuck. */
  stallSeconds?: number;
  /**
   * Frames come from another process (`handOver`): ffmpeg's stdin is given to it rather than
   * fed by `write`.
   */
  handedOver?: boolean;
}

/**
 * An encoder's input handed to another process: ffmpeg's stdin, written to by the scene's
 * processes (SceneSession.feed) so that 3.7 MB a frame does not pass through the supervisor.
 */
export interface EncoderInput {
  /** ffmpeg's stdin; whoever takes it closes this copy once the writers hold theirs. */
  socket: Socket;
  /** Another process is writing a frame (true) or ffmpeg has taken it (false): the stall watchdog's clock. */
  writing(on: boolean): void;
  /** Settles when ffmpeg exits: resolves when it wrote the file, else rejects with why not. */
  outcome: Promise<void>;
}

/** ffmpeg failed, stalled or was stopped; the message says why in one line. */
export class EncoderError extends Error {
  override name = "EncoderError";
}

/** ffmpeg was stopped by a signal sent to it from outside (a Ctrl-C in the terminal reaches it too). */
export class EncoderInterrupted extends EncoderError {
  override name = "EncoderInterrupted";
}

/** Default seconds of silence before ffmpeg is called stuck: NETREEL_FFMPEG_TIMEOUT, else 60. */
export function ffmpegTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.NETREEL_FFMPEG_TIMEOUT);
  return Number.isFinite(value) && value > 0 ? value : 60;
}

/**
 * fluent-ffmpeg, loaded when the first ffmpeg process starts: every scene's process imports
 * netreel (and so this module) but never encodes, and loading it costs ~0.03 CPU-s.
 */
let fluent: typeof ffmpeg | undefined;
function fluentFfmpeg(): typeof ffmpeg {
  fluent ??= createRequire(import.meta.url)("fluent-ffmpeg") as typeof ffmpeg;
  return fluent;
}

type Command = Omit<ffmpeg.FfmpegCommand, "availableEncoders"> & {
  ffmpegProc?: ChildProcess;
  _checkCapabilities: (callback: (error?: Error) => void) => void;
  // Typed as fluent-ffmpeg calls it: no error is passed when the list is known.
  availableEncoders: (callback: (error: Error | null, encoders: Record<string, never>) => void) => void;
};

/**
 * One ffmpeg process fed raw BGRA frames on stdin with backpressure: `write` resolves once
 * the frame before it has been taken in and this one is queued at ffmpeg's stdin, so the next
 * frame is drawn while ffmpeg reads this one, and at most one frame waits, however long the
 * video.
 *
 * fluent-ffmpeg builds the command line and runs it. Its own capability checks (runs of ffmpeg
 * that nothing can time out or stop) are replaced by `findFfmpeg`'s one run, with a timeout,
 * before any encoding: fluent-ffmpeg asks for the formats and encoders, and again for the
 * encoders to add `-strict experimental` after a `-vcodec` or `-acodec`, which netreel never
 * passes (its codecs are in the output options, as `-c:v`).
 */
export class FfmpegProcess {
  private readonly input = new PassThrough({ highWaterMark: 1 << 16 });
  private readonly command: Command;
  private readonly done: Promise<void>;
  private failure: EncoderError | null = null;
  private stopping = false;
  private lastActivity = performance.now();
  /** True while netreel waits on ffmpeg (a frame not taken in, or the file being finished). */
  private waiting = false;
  private readonly watchdog: NodeJS.Timeout;
  private readonly started: Promise<void>;
  private readonly handedOver: boolean;

  constructor(job: FfmpegJob) {
    const command = fluentFfmpeg()({ stdoutLines: 40 })
      .setFfmpegPath(job.ffmpegPath)
      .input(job.handedOver ? "pipe:0" : this.input)
      .inputFormat("rawvideo")
      .inputOptions(["-pix_fmt", "bgra", "-s", `${job.width}x${job.height}`, "-framerate", String(job.fps)]) as Command;
    for (const extra of job.extraInputs ?? []) command.input(extra);
    if (job.complexFilter) command.complexFilter(job.complexFilter, "out");
    command.outputOptions(job.outputOptions).format(job.format).output(job.output);
    command._checkCapabilities = (callback) => callback();
    command.availableEncoders = (callback) => callback(null, {});
    this.command = command;
    this.handedOver = job.handedOver ?? false;
    this.started = new Promise((resolve) => command.once("start", () => resolve()));
    command.on("start", () => {
      // A stop asked for before the process existed: fluent-ffmpeg's kill() would have been lost.
      if (this.stopping) command.ffmpegProc?.kill("SIGKILL");
    });
    command.on("stderr", () => this.touch());
    this.done = new Promise<void>((resolve, reject) => {
      command.on("end", (_stdout: string | null, stderr: string | null) => {
        // ffmpeg 5.1 exits 0 after "Error writing trailer ... No space left on device": a
        // write error in its output is a failure whatever its exit code.
        const log = stderr ?? "";
        if (!this.failure && WRITE_ERROR.test(log)) {
          this.failure = describeFailure(new Error("ffmpeg reported a write error"), log, job.shownAs ?? job.output);
        }
        if (this.stopping || this.failure) reject(this.stopped());
        else resolve();
      });
      command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
        this.failure ??= this.stopping ? this.stopped() : describeFailure(error, stderr, job.shownAs ?? job.output);
        reject(this.failure);
      });
    });
    // A failure is reported through write() and finish(); never as an unhandled rejection.
    this.done.catch(() => {});
    const stall = (job.stallSeconds ?? ffmpegTimeout()) * 1000;
    this.watchdog = setInterval(
      () => {
        if (this.waiting && performance.now() - this.lastActivity > stall && !this.failure) {
          this.failure = new EncoderError(
            `ffmpeg stopped responding while writing ${job.shownAs ?? job.output}: no progress for ${stall / 1000} s (NETREEL_FFMPEG_TIMEOUT sets the limit)`,
          );
          void this.kill();
        }
      },
      Math.min(1000, stall / 4),
    );
    this.watchdog.unref();
    this.done.finally(() => clearInterval(this.watchdog)).catch(() => {});
    this.input.on("drain", () => this.touch());
    command.run();
  }

  private touch(): void {
    this.lastActivity = performance.now();
  }

  private stopped(): EncoderError {
    return this.failure ?? new EncoderError("ffmpeg was stopped");
  }

  /** Sends one frame; waits while ffmpeg is behind. Throws if ffmpeg has failed or stalled. */
  async write(frame: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.touch();
    if (!this.input.write(frame)) {
      this.waiting = true;
      await Promise.race([once(this.input, "drain"), this.done]);
      this.waiting = false;
    }
    if (this.failure) throw this.failure;
  }

  /** ffmpeg's stdin, for another process to write frames into (a job made `handedOver`). */
  async handOver(): Promise<EncoderInput> {
    await Promise.race([this.started, this.done]);
    if (this.failure) throw this.failure;
    const socket = this.command.ffmpegProc?.stdin as Socket | null | undefined;
    if (!socket) throw new EncoderError("netreel bug: ffmpeg started without an input to hand over (please report it)");
    socket.on("error", () => {});
    return {
      socket,
      writing: (on) => {
        this.waiting = on;
        this.touch();
      },
      outcome: this.done,
    };
  }

  /** Bytes written but not yet taken in by ffmpeg: in our stream or in its stdin's buffer. */
  get pending(): number {
    const stdin = this.command.ffmpegProc?.stdin;
    return this.input.writableLength + this.input.readableLength + (stdin?.writableLength ?? 0);
  }

  /** Ends the input and waits for ffmpeg to finish writing the file; throws unless it exited 0. */
  async finish(): Promise<void> {
    this.touch();
    this.waiting = true;
    this.input.end();
    // Handed over: this process's copy of ffmpeg's stdin is closed (if not already); ffmpeg ends when the others are.
    if (this.handedOver) this.command.ffmpegProc?.stdin?.destroy();
    await this.done;
    if (this.failure) throw this.failure;
  }

  /** Stops ffmpeg at once (on failure or Ctrl-C) and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.kill();
  }

  private async kill(): Promise<void> {
    this.input.destroy();
    this.command.ffmpegProc?.kill("SIGKILL");
    await this.done.catch(() => {});
  }
}

/** ffmpeg's words for an output it could not write, even when it then exits 0. */
const WRITE_ERROR =
  /Error writing trailer|Error closing file|No space left on device|Disk quota exceeded|av_interleaved_write_frame\(\)/i;

// ffmpeg's words for failures a user can fix, in the order they are worth reporting.
const REASONS: [RegExp, string][] = [
  [/No space left on device/i, "no space left on the device"],
  [/Disk quota exceeded/i, "disk quota exceeded"],
  [/Read-only file system/i, "the file system is read-only"],
  [/Permission denied|Operation not permitted/i, "permission denied"],
  [/No such file or directory/i, "the folder does not exist"],
];

function describeFailure(error: Error, stderr: string | null, target: string): EncoderError {
  const killed = /killed with signal (\w+)/.exec(error.message);
  const log = stderr ?? "";
  if (/received signal (2|15)\b/.test(log) || (killed && /SIGINT|SIGTERM/.test(killed[1] as string))) {
    return new EncoderInterrupted("ffmpeg was interrupted (it received a signal) before it finished");
  }
  if (killed) return new EncoderError(`ffmpeg stopped unexpectedly (killed by ${killed[1]})`);
  for (const [pattern, reason] of REASONS) {
    if (pattern.test(log)) return new EncoderError(`cannot write ${target}: ${reason} (ffmpeg failed)`);
  }
  const lines = log
    .split("\n")
    .map((l) => l.trim())
    .filter(
      (l) =>
        l &&
        !l.startsWith("frame=") &&
        !/^(built with|configuration:|lib\w+\s)/.test(l) &&
        !/^Conversion failed!?$/.test(l) &&
        !/^Exiting normally/.test(l),
    );
  const last = lines.at(-1) ?? error.message;
  return new EncoderError(`ffmpeg failed: ${last}`);
}
