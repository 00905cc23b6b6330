import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors.ts";

/**
 * The scene files the arguments name, in order: a file as it is, a folder as its scenes (its
 * .ts files with a default export: a helper module beside the scenes is not one), in the order
 * its `order.txt` gives, if it has one, and by name after those. A name that is neither, or an
 * order naming a scene that is not there, is a bad command line, refused before any work.
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
    files.push(...inLessonOrder(name, found));
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

/**
 * The lesson order of a folder's scenes: `order.txt` names scene files one a line (blank lines
 * and lines starting with # are skipped); the scenes it does not name follow by name.
 */
function inLessonOrder(dir: string, found: string[]): string[] {
  const file = path.join(dir, "order.txt");
  if (!existsSync(file)) return found;
  const lines = readFileSync(file, "utf8").split("\n");
  const named: string[] = [];
  lines.forEach((text, i) => {
    const line = text.trim();
    if (line === "" || line.startsWith("#")) return;
    const scene = path.join(dir, line);
    if (!found.includes(scene)) {
      throw new UsageError(`${file}, line ${i + 1}: ${line} is not a scene in ${dir}; fix or remove the line`);
    }
    named.push(scene);
  });
  return [...new Set(named), ...found.filter((f) => !named.includes(f))];
}
