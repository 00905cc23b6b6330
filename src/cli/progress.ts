import cliProgress from "cli-progress";
import type { TrainProgress } from "../train/index.ts";
import { formatDuration } from "./format.ts";

/**
 * Render progress on stderr: a bar with frames, fps and ETA on a terminal; a plain line at
 * every tenth when stderr is a file or pipe (CI logs); nothing when quiet. Other work can
 * give the bar its own `format` (cli-progress tokens, filled from `values`) and turn the
 * plain lines off.
 */
export class Progress {
  private readonly total: number;
  private readonly bar: cliProgress.SingleBar | null;
  private readonly plain: boolean;
  private readonly started = performance.now();
  private lastTenth = 0;

  constructor(options: {
    total: number;
    label: string;
    quiet: boolean;
    stream?: NodeJS.WriteStream;
    /** The bar's cli-progress format; default: frames, fps and ETA. */
    format?: string;
    /** Values for the format's own tokens, until `update` gives new ones. */
    values?: Record<string, string>;
    /** Plain lines when the stream is not a terminal (default true). */
    plain?: boolean;
  }) {
    const stream = options.stream ?? process.stderr;
    this.total = options.total;
    this.plain = !options.quiet && !stream.isTTY && options.plain !== false;
    this.bar =
      options.quiet || !stream.isTTY
        ? null
        : new cliProgress.SingleBar(
            {
              stream,
              format:
                options.format ?? `${options.label} {bar} {value}/{total} frames | {speed} fps | ETA {eta_formatted}`,
              barCompleteChar: "█",
              barIncompleteChar: "░",
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 30,
            },
            cliProgress.Presets.shades_classic,
          );
    this.bar?.start(this.total, 0, { speed: "--", ...options.values });
    if (this.plain) process.stderr.write(`${options.label}: ${this.total} frames\n`);
  }

  /** Frames (or other units) completed so far, and new values for the format's own tokens. */
  update(done: number, values: Record<string, string> = {}): void {
    const seconds = (performance.now() - this.started) / 1000;
    const fps = done / Math.max(seconds, 1e-9);
    this.bar?.update(done, { speed: fps.toFixed(1), ...values });
    if (this.plain) {
      const tenth = Math.floor((10 * done) / this.total);
      if (tenth > this.lastTenth) {
        this.lastTenth = tenth;
        const eta = (this.total - done) / Math.max(fps, 1e-9);
        process.stderr.write(
          `  ${String(done).padStart(String(this.total).length)}/${this.total} frames (${tenth * 10}%), ${fps.toFixed(1)} fps, ETA ${formatDuration(eta)}\n`,
        );
      }
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** Seconds of training before the progress bar appears: short runs print only their summary. */
const TRAINING_PROGRESS_AFTER = 1;

/**
 * Training's progress on a terminal (epoch, loss, ETA), once training has lasted a second;
 * nothing when quiet or when stderr is not a terminal. Used by `train` and by `render`.
 */
export function trainingProgress(quiet: boolean): { update: (p: TrainProgress) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  let bar: Progress | null = null;
  return {
    update: (p) => {
      if (p.seconds < TRAINING_PROGRESS_AFTER) return;
      // The ETA from the average pace so far: steadier than cli-progress's, which reads 0 at first.
      const eta = p.epoch > 0 ? (p.seconds * (p.epochs - p.epoch)) / p.epoch : Number.NaN;
      const values = {
        epoch: String(Math.floor(p.epoch)),
        epochs: String(p.epochs),
        loss: p.loss < 1e-3 ? p.loss.toExponential(2) : p.loss.toPrecision(3),
        remaining: formatDuration(eta),
      };
      bar ??= new Progress({
        total: p.epochs,
        label: "train",
        quiet: false,
        plain: false,
        format: "train {bar} epoch {epoch}/{epochs} | loss {loss} | ETA {remaining}",
        values,
      });
      bar.update(p.epoch, values);
    },
    stop: () => {
      bar?.stop();
      bar = null;
    },
  };
}
