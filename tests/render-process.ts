// Running `netreel render` as a user would and checking what it leaves behind: its exit, its
// lines, the processes it started, the files beside its target. Shared by the reliability and
// signal tests.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
/** netreel's command, as `npx netreel` runs it (`npm run render` and `npm run train` too). */
export const NETREEL = path.join(root, "scripts/netreel.js");

/** The instructor's old file, which a failed or interrupted render must leave byte-identical. */
export const OLD = Buffer.from("the instructor's good video, rendered last week\n");

export interface Outcome {
  code: number | null;
  /** The signal that ended the process, when one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Seconds from the action (a signal) to the exit, when there was one. */
  afterAct: number | null;
  /** The render's child processes seen when it acted. */
  children: number[];
  /** What it had written to stderr when it acted. */
  stderrAtAct?: string;
}

/** Runs `netreel render` with `args`; `act` runs once stderr matches `when`. */
export function render(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    /** Act once stderr matches this, or `after` seconds from the start. */
    when?: RegExp;
    after?: number;
    /**
     * With `after`: act only once this holds of the render's child processes (polled every 50
     * ms), so that a busy machine's slow start does not act before the processes are up.
     */
    until?: (children: { pid: number; command: string }[]) => boolean;
    act?: (child: ChildProcess) => void;
    cwd?: string;
  } = {},
): Promise<Outcome> {
  const child = spawn(process.execPath, [NETREEL, "render", ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
  });
  let stdout = "";
  let stderr = "";
  let actedAt: number | null = null;
  let children: number[] = [];
  let stderrAtAct: string | undefined;
  const check = () => {
    if (options.when?.test(stderr)) act();
  };
  const act = () => {
    if (actedAt !== null || !options.act) return;
    children = childrenOf(child.pid as number);
    stderrAtAct = stderr;
    actedAt = performance.now();
    options.act(child);
  };
  const ready = () => {
    if (options.until === undefined || options.until(childProcesses(child.pid as number))) act();
    else timer = setTimeout(ready, 50);
  };
  let timer = options.after === undefined ? null : setTimeout(ready, options.after * 1000);
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
    check();
  });
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      const afterAct = actedAt === null ? null : (performance.now() - actedAt) / 1000;
      resolve({
        code,
        signal,
        stdout,
        stderr,
        afterAct,
        children,
        ...(stderrAtAct !== undefined ? { stderrAtAct } : {}),
      });
    });
  });
}

/** The child processes of `parent` with their command lines, from /proc (minimal Debian has no `ps`). */
export function childProcesses(parent: number): { pid: number; command: string }[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the command name in field 2 may hold spaces.
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid !== parent) return [];
        return [{ pid: Number(name), command: readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ") }];
      } catch {
        return []; // the process ended while we looked
      }
    });
}

/** The pids whose parent is `parent`. */
export function childrenOf(parent: number): number[] {
  return childProcesses(parent).map((child) => child.pid);
}

/** A process that is still running (a zombie waiting to be reaped has stopped). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

export async function noneRunning(pids: number[]): Promise<void> {
  // The scene's process and ffmpeg were SIGKILLed and waited for: give the kernel a moment.
  for (let i = 0; i < 20 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(pids.filter(running), [], "processes of the render still running");
}

/** A folder holding one good old file at `name`. */
export function folderWith(work: string, name: string): { dir: string; target: string } {
  const dir = mkdtempSync(path.join(work, "case-"));
  const target = path.join(dir, name);
  writeFileSync(target, OLD);
  return { dir, target };
}

export function assertUntouched(dir: string, target: string): void {
  assert.deepEqual(readdirSync(dir), [path.basename(target)], "nothing but the old file in its folder");
  assert.ok(readFileSync(target).equals(OLD), "the old file is byte-identical");
  assert.deepEqual(processesWriting(dir), [], "an ffmpeg writing into the folder is still running");
}

/** Running processes whose command line names `dir` (an ffmpeg writing there names its output). */
export function processesWriting(dir: string): string[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name) && running(Number(name)))
    .flatMap((name) => {
      try {
        const command = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
        return command.includes(dir) && !command.includes(NETREEL) ? [command] : [];
      } catch {
        return [];
      }
    });
}
