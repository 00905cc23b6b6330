import { Interrupted } from "../render/errors.ts";
import { takeHeldSignal } from "./hold-signals.ts";

/**
 * Ctrl-C (SIGINT) and SIGTERM abort `signal` instead of killing the process, so the command
 * can stop its work, remove its temporary files and exit 130 or 143. After an interrupt the
 * handlers stay installed until the process exits: a second Ctrl-C during the clean-up cannot
 * cut it short.
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
   * The command is done, its clean-up too. A signal from now on ends the process at once with
   * 130 or 143: the signal's own default would end it "killed by SIGINT", with no exit code,
   * when a second Ctrl-C lands in the moment between the clean-up and the exit (seen in CI
   * under load, when an encoder had reported the interruption before the first signal's
   * handler ran).
   */
  close(): void {
    if (this.controller.signal.aborted) return;
    process.removeListener("SIGINT", this.handler);
    process.removeListener("SIGTERM", this.handler);
    process.on("SIGINT", exitInterrupted);
    process.on("SIGTERM", exitInterrupted);
  }
}

function exitInterrupted(signal: NodeJS.Signals): void {
  process.exit(signal === "SIGTERM" ? 143 : 130);
}
