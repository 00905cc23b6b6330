import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import ffmpeg from "fluent-ffmpeg";

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
}

/** ffmpeg failed or was stopped; the message has the tail of its log. */
export class EncoderError extends Error {
  override name = "EncoderError";
}

/**
 * One ffmpeg process fed raw BGRA frames on stdin with backpressure: `write` resolves once
 * the frame before it has been taken in and this one is queued at ffmpeg's stdin, so the next
 * frame is drawn while ffmpeg reads this one, and at most one frame waits, however long the
 * video.
 */
export class FfmpegProcess {
  private readonly input = new PassThrough({ highWaterMark: 1 << 16 });
  private readonly command: ffmpeg.FfmpegCommand;
  private readonly done: Promise<void>;
  private failure: EncoderError | null = null;
  private stopping = false;

  constructor(job: FfmpegJob) {
    const command = ffmpeg({ stdoutLines: 30 })
      .setFfmpegPath(job.ffmpegPath)
      .input(this.input)
      .inputFormat("rawvideo")
      .inputOptions(["-pix_fmt", "bgra", "-s", `${job.width}x${job.height}`, "-framerate", String(job.fps)]);
    for (const extra of job.extraInputs ?? []) command.input(extra);
    if (job.complexFilter) command.complexFilter(job.complexFilter, "out");
    command.outputOptions(job.outputOptions).format(job.format).output(job.output);
    this.command = command;
    this.done = new Promise<void>((resolve, reject) => {
      command.on("end", () => resolve());
      command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
        if (this.stopping) return resolve();
        this.failure = new EncoderError(describeFailure(error, stderr));
        reject(this.failure);
      });
    });
    // A failure is reported through write() and finish(); never as an unhandled rejection.
    this.done.catch(() => {});
    command.run();
  }

  /** Sends one frame; waits while ffmpeg is behind. Throws if ffmpeg has failed. */
  async write(frame: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.input.write(frame)) {
      await Promise.race([once(this.input, "drain"), this.done]);
    }
    if (this.failure) throw this.failure;
  }

  /** Bytes written but not yet taken in by ffmpeg: in our stream or in its stdin's buffer. */
  get pending(): number {
    const stdin = (this.command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc?.stdin;
    return this.input.writableLength + this.input.readableLength + (stdin?.writableLength ?? 0);
  }

  /** Ends the input and waits for ffmpeg to finish writing the file. */
  async finish(): Promise<void> {
    this.input.end();
    await this.done;
  }

  /** Stops ffmpeg at once (on failure or Ctrl-C) and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.input.destroy();
    this.command.kill("SIGKILL");
    await this.done.catch(() => {});
  }
}

function describeFailure(error: Error, stderr: string | null): string {
  const killed = /killed with signal (\w+)/.exec(error.message);
  if (killed) return `ffmpeg stopped unexpectedly (killed by ${killed[1]})`;
  const lines = (stderr ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("frame=") && !/^(built with|configuration:|lib\w+\s)/.test(l));
  const last = lines.at(-1) ?? error.message;
  return `ffmpeg failed: ${last}`;
}

/**
 * fluent-ffmpeg asks ffmpeg for its formats and encoders (two runs of ffmpeg) before the
 * first encode of a process. Starting that early lets it overlap with training and set-up
 * instead of delaying the first frame; the answers are cached for the whole process.
 */
export function prefetchCapabilities(ffmpegPath: string): Promise<void> {
  const command = ffmpeg().setFfmpegPath(ffmpegPath);
  const ask = (query: (cb: (error: Error | null) => void) => void) =>
    new Promise<void>((resolve) => query((error) => resolve(void error)));
  return Promise.all([
    ask((cb) => command.availableFormats((error) => cb(error))),
    ask((cb) => command.availableEncoders((error) => cb(error))),
  ]).then(() => undefined);
}
