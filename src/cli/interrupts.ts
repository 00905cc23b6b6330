import { Interrupted } from "../render/errors.ts";
import { absorbSignals, takeHeldSignal } from "./hold-signals.ts";

/**
 * Ctrl-C (SIGINT) and SIGTERM abort `signal` instead of killing the process, so the command
 * can stop its work, remove its temporary files and exit 130 or 143. After an interrupt the
 * handlers stay installed until the command is done: a second Ctrl-C during the clean-up cannot
 * cut it short. After `close`, signals are absorbed until the process exits.
 */
export class InterruptWatch {
  private readonly controller = new AbortController();
  private readonly handler = (signal: NodeJS.Signals) => {
    if (!this.controller.signal.aborted) this.controller.abort(new Interrupted(signal));
  };

  constructor() {
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
    // A signal that came while the command was loading (hold-signals.ts) stops it now.
    const early = takeHeldSignal();
    if (early) this.handler(early);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * The command is done, its clean-up too, and its exit code decided: netreel's bin exits with
   * it at once (scripts/netreel.js). A signal from now on is absorbed (hold-signals.ts keeps
   * listening): an interrupted command still exits 130 or 143, a finished one 0 with its file
   * written, and neither dies "killed by SIGINT" with no exit code. (A handler that exited 130
   * here made a render that had written its file say it was interrupted.)
   */
  close(): void {
    process.removeListener("SIGINT", this.handler);
    process.removeListener("SIGTERM", this.handler);
    absorbSignals();
  }
}
