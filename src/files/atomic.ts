import { closeSync, lstatSync, openSync, readdirSync, renameSync, rmSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { makeFolders } from "./folders.ts";

/**
 * Output that never loses a file. A render writes to a temporary name beside its target,
 * `.NAME.partial-PID`, and only a complete result is moved into place with a rename over the
 * target (never remove-then-rename), so the target always holds either the old file or the
 * new one. A folder of frames cannot be renamed over a folder that has files in it: the old
 * folder is first renamed aside (`.NAME.replaced-PID`), the new one renamed in, and the old
 * one removed; a crash between those two renames is repaired by the next render
 * (`removeStale` puts the old folder back).
 */
export type OutputKind = "file" | "folder";

/** A target that netreel must not write: a folder named for a file, a folder of other things. */
export class OutputPathError extends Error {
  override name = "OutputPathError";
}

const FRAME_FILE = /^frame-\d{5,}\.png$/;
const TEMPORARY = /^\.(.+)\.(partial|replaced)-(\d+)$/;

export class AtomicOutput {
  readonly target: string;
  readonly kind: OutputKind;
  readonly temporary: string;
  private settled = false;

  constructor(target: string, kind: OutputKind = "file") {
    this.target = target;
    this.kind = kind;
    this.temporary = temporaryName(target, "partial");
    makeFolders(path.dirname(path.resolve(target)));
  }

  /**
   * Moves the finished file or folder into place. A file is renamed over the old one in one
   * step; a folder is swapped (see the module comment), and only over a folder that holds
   * nothing but frames.
   */
  commit(): void {
    if (this.settled) throw new Error(`${this.target} was already committed or discarded`);
    try {
      // The target may have changed since the render began (made a folder, a device): checked again.
      checkTarget(this.target, this.kind);
      if (this.kind === "file") renameSync(this.temporary, this.target);
      else swapFolder(this.temporary, this.target);
      this.settled = true;
    } catch (error) {
      // Nothing moved into place: the temporary goes, the target is as it was.
      this.discard();
      throw error;
    }
  }

  /** Removes the temporary file or folder; the target is left as it was. Safe to call twice. */
  discard(): void {
    if (this.settled) return;
    this.settled = true;
    // Retried: a file some other part of the process was still writing there can appear while it goes.
    rmSync(this.temporary, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The temporary name beside `target`: `.NAME.partial-PID` (being written) or `.NAME.replaced-PID` (an old folder moved aside). */
export function temporaryName(target: string, role: "partial" | "replaced", pid = process.pid): string {
  const { dir, base } = path.parse(path.resolve(target));
  return path.join(dir, `.${base}.${role}-${pid}`);
}

/**
 * Refuses, before any work, a target netreel must not write: for a file, an existing folder
 * (`--out output`, `--out .`, `--out dir/`); for a folder of frames, an existing file or a
 * folder holding anything but netreel's frames. Returns quietly when the target is free or
 * is netreel's own.
 */
export function checkTarget(target: string, kind: OutputKind, example = "video.mp4"): void {
  const stat = statOrNull(target);
  if (kind === "file") {
    if (stat?.isDirectory() || /[/\\]$/.test(target)) {
      throw new OutputPathError(
        `${target} is a folder; give a file name for the output, e.g. ${path.join(target, example)}`,
      );
    }
    if (stat && !stat.isFile()) {
      throw new OutputPathError(
        `${target} is not a regular file (${specialKind(stat)}); netreel replaces only regular files: give a file name for the output, e.g. ${example}`,
      );
    }
    return;
  }
  if (!stat) return;
  if (holdsCurrentFolder(target)) {
    throw new OutputPathError(
      `${target} is the current folder${path.resolve(target) === process.cwd() ? "" : " or one that holds it"}; PNG frames go to a folder of their own: give a new name, e.g. frames`,
    );
  }
  if (!stat.isDirectory()) throw new OutputPathError(`${target} is a file; PNG frames go to a folder, give a new name`);
  const foreign = namesIn(target).filter((name) => !FRAME_FILE.test(name));
  if (foreign.length > 0) {
    throw new OutputPathError(
      `${target} holds files netreel did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); it replaces a frames folder only when it holds nothing but frame-NNNNN.png files; choose another --out`,
    );
  }
}

/**
 * The names in folder `dir`; none when it is gone. Renders writing frames into the same folder
 * at once swap it (`swapFolder`): another one may move it aside between our stat and our read,
 * and that is a folder no longer there, not an error (one of six such renders failed so,
 * "cannot write …/frames: no such file or folder").
 */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** What a file that is not a regular file or a folder is, in words. */
function specialKind(stat: Pick<Stats, "isCharacterDevice" | "isBlockDevice" | "isFIFO" | "isSocket">): string {
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/** The folder is the current one, or one of its ancestors (a frames folder cannot replace it). */
function holdsCurrentFolder(target: string): boolean {
  const relative = path.relative(path.resolve(target), process.cwd());
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Checks, before any work, that the target can be written: it passes `checkTarget`, its folder
 * exists or can be made, and a file can be created in it. Also removes what earlier renders
 * that died left behind in that folder.
 */
export function prepareTarget(target: string, kind: OutputKind, example?: string): void {
  checkTarget(target, kind, example);
  const dir = path.dirname(path.resolve(target));
  try {
    makeFolders(dir);
  } catch (error) {
    const reason = fileSystemReason(error);
    if (reason === null) throw error;
    throw new OutputPathError(`cannot create the folder ${(error as NodeJS.ErrnoException).path ?? dir}: ${reason}`, {
      cause: error,
    });
  }
  try {
    removeStale(dir);
    const probe = temporaryName(target, "partial");
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (error) {
    const reason = fileSystemReason(error);
    if (reason === null) throw error;
    throw new OutputPathError(`cannot write ${target}: ${reason}`, { cause: error });
  }
}

const FILE_SYSTEM_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  ENOTDIR: "part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EEXIST: "a file of that name is in the way",
  ENOENT: "no such file or folder",
};

/** A file-system error's cause in words (`ENOSPC` -> "no space left on the device"), or null. */
export function fileSystemReason(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === "string" ? (FILE_SYSTEM_REASONS[code] ?? null) : null;
}

function swapFolder(temporary: string, target: string): void {
  // Other renders may be swapping the same target at the same moment: retry until ours is in.
  for (let attempt = 0; ; attempt++) {
    checkTarget(target, "folder");
    try {
      renameSync(temporary, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= 20) throw error;
    }
    const aside = temporaryName(target, "replaced");
    try {
      renameSync(target, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      continue;
    }
    try {
      renameSync(temporary, target);
    } catch (error) {
      // Someone else's folder went in first: theirs is as complete as ours; keep theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") {
        renameSync(aside, target);
        throw error;
      }
      rmSync(temporary, { recursive: true, force: true });
    }
    rmSync(aside, { recursive: true, force: true });
    return;
  }
}

/**
 * Removes temporary files and folders in `dir` left by netreel processes that are gone
 * (SIGKILL, a crash, out of memory). An old frames folder moved aside by a swap that never
 * finished goes back to its name when nothing took its place. Returns what it removed.
 */
export function removeStale(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match || isAlive(Number(match[3]))) continue;
    const file = path.join(dir, name);
    const original = path.join(dir, match[1] as string);
    if (match[2] === "replaced" && statOrNull(original) === null) {
      renameSync(file, original);
      continue;
    }
    rmSync(file, { recursive: true, force: true });
    removed.push(file);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function statOrNull(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch {
    try {
      return lstatSync(file);
    } catch {
      return null;
    }
  }
}
