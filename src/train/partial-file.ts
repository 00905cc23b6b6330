import { closeSync, fsync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/**
 * A file written under a temporary name beside its target, `.<base>.partial-<pid>` (the
 * name the render side uses too), and renamed over the target only when complete: the
 * target holds either what it held before or the whole new file, never a part, and is never
 * removed first. Temporary files of the same target left by a process that no longer runs
 * (killed, out of memory) are removed when a new one starts.
 */
export class PartialFile {
  readonly target: string;
  readonly temporary: string;
  private fd: number | null;

  constructor(target: string) {
    this.target = target;
    const { dir, base } = path.parse(target);
    this.temporary = path.join(dir, `.${base}.partial-${process.pid}`);
    removeStalePartials(dir, base);
    this.fd = openSync(this.temporary, "w");
  }

  /** Appends text. An error names the target (a write has no path of its own). */
  write(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd as number, bytes, done, bytes.length - done);
    } catch (error) {
      (error as NodeJS.ErrnoException).path ??= this.target;
      throw error;
    }
  }

  /** Flushes the file to disk and renames it over the target. */
  commit(): void {
    const fd = this.fd as number;
    this.fd = null;
    try {
      fsyncSync(fd);
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

/** Removes `.<base>.partial-<pid>` files in `dir` whose process has ended. */
function removeStalePartials(dir: string, base: string): void {
  const prefix = `.${base}.partial-`;
  let names: string[];
  try {
    names = readdirSync(dir || ".");
  } catch {
    return; // the folder's own problem is reported when the file is opened
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = name.slice(prefix.length);
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    const file = path.join(dir, name);
    try {
      if (lstatSync(file).isFile()) rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
