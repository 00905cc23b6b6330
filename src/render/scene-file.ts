import { statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLED } from "../paths.ts";
import { isScene, type Scene } from "../scene/index.ts";
import { importCompiled } from "./compile-scene.ts";
import { SceneFailure, SceneFileError } from "./errors.ts";

/** The files a scene can be: TypeScript (through tsx) or JavaScript modules. */
const SCENE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/**
 * Imports a scene file and returns its scene; one clear error for each way it can fail.
 * `variant` imports it as a separate module (`file.ts?variant`): the studio's warm process
 * rehearses the scene under another name, so that the real import still reads the file anew.
 */
export async function loadScene(file: string, variant?: string): Promise<Scene> {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new SceneFileError(`scene file ${file} does not exist`);
  }
  if (!isFile)
    throw new SceneFileError(`scene file ${file} is not a file (a scene is one .ts file, e.g. scenes/hidden.ts)`);
  if (!SCENE_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    throw new SceneFileError(
      `scene file ${file} is not a script: a scene is a ${SCENE_EXTENSIONS.join(", ")} file (e.g. scenes/hidden.ts)`,
    );
  }
  let module: { default?: unknown };
  try {
    if (BUNDLED) module = await importCompiled(file, variant);
    else {
      const url = pathToFileURL(path.resolve(file)).href;
      module = await import(variant === undefined ? url : `${url}?${variant}`);
    }
  } catch (error) {
    throw new SceneFailure(`scene file ${file} failed to load: ${loadFailure(error as Error)}`, { cause: error });
  }
  if (!isScene(module.default)) {
    throw new SceneFileError(
      `scene file ${file} must export a scene as its default: export default defineScene({...})`,
    );
  }
  return module.default;
}

/**
 * A load error in one line. A syntax error comes from esbuild (compile-scene.ts, or through tsx) as a header line
 * and one "file:line:column: ERROR: text" line per error; keep the places (relative to the
 * current folder, columns counted from 1 as editors do) and the texts.
 */
function loadFailure(error: Error): string {
  const lines = String(error?.message ?? error)
    .replace(/^(?:Transform|Build) failed with \d+ errors?:\n/, "")
    .split("\n")
    .map((line) =>
      line
        .replace(/^(.+?):(\d+):(\d+): ERROR: /, (_, file: string, row: string, column: string) => {
          const relative = path.relative(process.cwd(), file);
          const shown = relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
          return `${shown}:${row}:${Number(column) + 1}: `;
        })
        .trim(),
    )
    .filter((line) => line !== "");
  // Node names files by absolute path ("Cannot find module '/home/.../scenes/x.ts'"): the
  // rest of netreel's messages name them from the current folder.
  return lines.join("; ").replaceAll(`${process.cwd()}${path.sep}`, "");
}
