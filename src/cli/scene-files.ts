import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors.ts";

/**
 * The scene files the arguments name, in order: a file as it is, a folder as its scenes (its
 * .ts files with a default export, by name: a helper module beside the scenes is not one). A
 * name that is neither is a bad command line, refused before any work.
 */
export function sceneFiles(names: string[]): string[] {
  const files: string[] = [];
  for (const name of names) {
    if (!existsSync(name)) {
      const hint = name === "scenes" ? " (run it from the project's folder, or name the scenes)" : "";
      throw new UsageError(`${name} does not exist${hint}`);
    }
    if (!statSync(name).isDirectory()) {
      files.push(name);
      continue;
    }
    const found = readdirSync(name)
      .filter((f) => f.endsWith(".ts") && !f.startsWith(".") && !f.endsWith(".d.ts"))
      .sort()
      .map((f) => path.join(name, f))
      .filter((f) => statSync(f).isFile() && hasDefaultExport(f));
    if (found.length === 0) throw new UsageError(`${name} holds no scenes (.ts files with a default export)`);
    files.push(...found);
  }
  const seen = new Set<string>();
  return files.filter((f) => {
    const key = path.resolve(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hasDefaultExport(file: string): boolean {
  return /\bexport\s+default\b/.test(readFileSync(file, "utf8"));
}
