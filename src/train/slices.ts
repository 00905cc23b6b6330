import { setImmediate as nextTurn } from "node:timers/promises";

/** How long work runs before it lets the event loop run (signal handlers, timers, I/O). */
export const SLICE_MS = 50;

/** Runs every step of `steps` at once. */
export function runAll<T>(steps: Iterator<T>): void {
  let step = steps.next();
  while (!step.done) step = steps.next();
}

/**
 * Runs every step of `steps`, returning to the event loop whenever a slice of SLICE_MS has
 * passed, so a SIGINT handler or a timer in the same process runs during long work. When
 * `signal` aborts, stops and rejects with its reason. `afterStep` gets the value of every step.
 */
export async function runInSlices<T>(
  steps: Iterator<T, unknown>,
  options: { signal?: AbortSignal; afterStep?: (value: T) => void } = {},
): Promise<void> {
  const { signal, afterStep } = options;
  signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (let step = steps.next(); !step.done; step = steps.next()) {
    afterStep?.(step.value);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  signal?.throwIfAborted();
}
