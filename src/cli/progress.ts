import cliProgress from "cli-progress";
import { formatDuration } from "./format.ts";

/**
 * Render progress on stderr: a bar with frames, fps and ETA on a terminal; a plain line at
 * every tenth when stderr is a file or pipe (CI logs); nothing when quiet.
 */
export class Progress {
  private readonly total: number;
  private readonly bar: cliProgress.SingleBar | null;
  private readonly plain: boolean;
  private readonly started = performance.now();
  private lastTenth = 0;

  constructor(options: { total: number; label: string; quiet: boolean; stream?: NodeJS.WriteStream }) {
    const stream = options.stream ?? process.stderr;
    this.total = options.total;
    this.plain = !options.quiet && !stream.isTTY;
    this.bar =
      options.quiet || !stream.isTTY
        ? null
        : new cliProgress.SingleBar(
            {
              stream,
              format: `${options.label} {bar} {value}/{total} frames | {speed} fps | ETA {eta_formatted}`,
              barCompleteChar: "█",
              barIncompleteChar: "░",
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 30,
            },
            cliProgress.Presets.shades_classic,
          );
    this.bar?.start(this.total, 0, { speed: "--" });
    if (this.plain) process.stderr.write(`${options.label}: ${this.total} frames\n`);
  }

  /** Frames completed so far. */
  update(done: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    const fps = done / Math.max(seconds, 1e-9);
    this.bar?.update(done, { speed: fps.toFixed(1) });
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
