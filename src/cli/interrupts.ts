import { Interrupted } from "../render/errors.ts";

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
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The command is done; without an interrupt, signals go back to their defaults. */
  close(): void {
    if (this.controller.signal.aborted) return;
    process.removeListener("SIGINT", this.handler);
    process.removeListener("SIGTERM", this.handler);
  }
}
