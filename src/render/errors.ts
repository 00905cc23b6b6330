/**
 * Errors of the render pipeline. The CLI turns each into one line and an exit code:
 * a bad request or scene file 2, a scene or encoder failing while working 1, an interrupt
 * 130 (SIGINT) or 143 (SIGTERM).
 */

/** A render asked for something impossible (a frame past the end, an odd size for MP4): exit 2. */
export class RenderRequestError extends Error {
  override name = "RenderRequestError";
}

/** A scene file that cannot be used as one: missing, a folder, no scene as its default export: exit 2. */
export class SceneFileError extends Error {
  override name = "SceneFileError";
}

/** A place in a source file: where a scene failed to load or threw. */
export interface SourcePlace {
  file: string;
  line: number;
  column: number;
}

/** The scene's own code failed: it threw, timed out, crashed or ran out of memory: exit 1. */
export class SceneFailure extends Error {
  override name = "SceneFailure";
  /** Where in the scene's code it failed, when that is known (the studio shows it). */
  where?: SourcePlace;
}

/**
 * A scene's process could not hand a frame to the encoder (ffmpeg's input closed: ffmpeg
 * failed or was stopped). The render reports ffmpeg's own reason instead, when it has one.
 */
export class EncoderInputClosed extends Error {
  override name = "EncoderInputClosed";
}

/** The render was stopped by a signal; nothing was written. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor(readonly signal: NodeJS.Signals = "SIGINT") {
    super("interrupted");
  }
}

/** The error a stopped render throws: the signal's own reason, or a plain Ctrl-C. */
export function interruptedBy(signal: AbortSignal): Interrupted {
  return signal.reason instanceof Interrupted ? signal.reason : new Interrupted();
}

/** Waits for `promise`, or rejects at once when the signal aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The work was already asked for: its own failure (its process stopped) is expected now.
    promise.catch(() => {});
    return Promise.reject(interruptedBy(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interruptedBy(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
