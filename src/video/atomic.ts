import { mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/**
 * An output written under a temporary name beside its target and renamed into place only
 * when complete, so the target path never holds a half-written file.
 */
export class AtomicOutput {
  readonly target: string;
  readonly temporary: string;
  private settled = false;

  constructor(target: string) {
    this.target = target;
    mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    const { dir, base } = path.parse(target);
    this.temporary = path.join(dir, `.${base}.partial-${process.pid}`);
  }

  /** Moves the finished file (or folder) into place, replacing what was there. */
  commit(): void {
    if (this.settled) return;
    this.settled = true;
    rmSync(this.target, { recursive: true, force: true });
    renameSync(this.temporary, this.target);
  }

  /** Removes the temporary file (or folder); the target is left as it was. */
  discard(): void {
    if (this.settled) return;
    this.settled = true;
    rmSync(this.temporary, { recursive: true, force: true });
  }
}
