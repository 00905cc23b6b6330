import { closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { removeStale, temporaryName } from "./atomic.ts";

/**
 * A file written under a temporary name beside its target, `.<base>.partial-<pid>` (the
 * name the render side uses too), and renamed over the target only when complete: the
 * target holds either what it held before or the whole new file, never a part, and is never
 * removed first. Temporary files in the same folder left by a process that no longer runs
 * (killed, out of memory) are removed when a new one starts (`removeStale`).
 */
export class PartialFile {
  readonly target: string;
  readonly temporary: string;
  private fd: number | null;

  constructor(target: string) {
    this.target = target;
    this.temporary = temporaryName(target, "partial");
    removeStale(path.dirname(path.resolve(target)));
    this.fd = openSync(this.temporary, "w");
  }

  /** Appends text (as UTF-8) or bytes. An error names the target (a write has no path of its own). */
  write(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd as number, bytes, done, bytes.length - done);
    } catch (error) {
      (error as NodeJS.ErrnoException).path ??= this.target;
      throw error;
    }
  }

  /**
   * Flushes the file to disk and renames it over the target. `flush: false` skips the flush, for
   * a file that is checked whenever it is read (a cache file: one cut short by a power cut is
   * caught then), so as not to wait for the disk.
   */
  commit(options: { flush?: boolean } = {}): void {
    const fd = this.fd as number;
    this.fd = null;
    try {
      if (options.flush !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.temporary, this.target);
  }

  /**
   * commit, flushing without blocking the event loop (a second or more for a large run on a
   * slow disk), so an interrupt that arrives meanwhile is seen: then it throws the signal's
   * reason before the rename, and the target stays as it was.
   */
  async commitAsync(signal?: AbortSignal): Promise<void> {
    await promisify(fsync)(this.fd as number);
    signal?.throwIfAborted();
    const fd = this.fd as number;
    this.fd = null;
    closeSync(fd);
    renameSync(this.temporary, this.target);
  }

  /** Removes the temporary file; the target stays as it was. */
  discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed or never usable: removing the file is what matters
      }
      this.fd = null;
    }
    rmSync(this.temporary, { force: true });
  }
}

/** Writes a whole file at once (a PNG, subtitles) by a temporary name and a rename over the target. */
export function writeFileAtomically(target: string, data: string | Uint8Array): void {
  const file = new PartialFile(target);
  try {
    file.write(data);
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
}
