import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * `mkdir -p` with a bounded number of steps: creates each missing folder of `dir` in turn,
 * from the outermost, and throws the first error as the file system gives it (with its path).
 * Node's own `mkdirSync(dir, { recursive: true })` retries forever where a folder cannot be
 * made although its parent exists (under /proc it gets ENOENT, makes the parent, which is
 * there, and tries again): a render to /proc/x/a.mp4 spun at full CPU and ignored Ctrl-C.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    // As Node's recursive mkdir reports a file in the way.
    throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${at}'`), {
      code: "EEXIST",
      syscall: "mkdir",
      path: at,
    });
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Made meanwhile by another process: what was asked for is there.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" || !statSync(folder).isDirectory()) throw error;
    }
  }
}
