/**
 * The first thing a command does: Ctrl-C (SIGINT) and SIGTERM are held from here on instead
 * of killing the process with its default action, so a signal that comes while the command's
 * modules are still loading (about a second under tsx) is not lost: the command's
 * `InterruptWatch` takes it as soon as it starts, and the command stops as it would at any
 * later moment (one line, exit 130 or 143). A command that ends without an `InterruptWatch`
 * (help, a bad option) exits with the held signal's code.
 *
 * Once a command's `InterruptWatch` has closed (`absorbSignals`), the command is over and the
 * process exits at once with the command's own code (scripts/netreel.js): a signal from then on
 * is absorbed, neither held nor left to its default action, which would end the process
 * "killed by SIGINT" with no exit code after all of its work was done.
 *
 * No imports: this module must load in a moment, before anything else.
 */
let held: NodeJS.Signals | null = null;
let holding = false;
let absorbing = false;

const hold = (signal: NodeJS.Signals) => {
  // Held only while no one else listens: once an InterruptWatch does, the signal is its.
  if (!absorbing && process.listenerCount(signal) === 1) held ??= signal;
};

export function holdSignals(): void {
  if (holding) return;
  holding = true;
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
}

/**
 * The command's `InterruptWatch` has closed: its work and clean-up are done, and its exit code
 * is decided. Signals from now on are absorbed.
 */
export function absorbSignals(): void {
  absorbing = true;
  holdSignals(); // a listener must stay, or the signal's default action would be back
}

/** The signal received since `holdSignals` that no one has taken yet, if any; it is taken. */
export function takeHeldSignal(): NodeJS.Signals | null {
  const signal = held;
  held = null;
  return signal;
}

/** The exit code of a command that ended while a signal was held: 130 or 143. */
export function exitCodeOfHeld(code: number): number {
  const signal = takeHeldSignal();
  return signal === null ? code : signal === "SIGTERM" ? 143 : 130;
}
