/**
 * Module hooks for the scene's process when netreel runs from its bundle (scripts/bundle.js):
 * a scene imports netreel's sources (`../src/index.ts`, or `netreel`, which resolves there), and
 * gets the bundle's `index.mjs` instead, the copy of netreel the process itself runs. Without
 * this the process would hold two copies of netreel, and compile the second one through tsx.
 *
 * Imported with `--import` after tsx (drawer.ts); it registers itself, and its `resolve` runs
 * in node's hooks thread, ahead of tsx's.
 */
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import { ROOT } from "../paths.ts";

/** The bundle's index, beside this file, and the source file it stands for. */
const BUNDLE_INDEX = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "index.mjs")).href;
const SOURCE_INDEX = pathToFileURL(path.join(ROOT, "src/index.ts")).href;

if (isMainThread) register(import.meta.url);

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<Resolved>,
): Promise<Resolved> {
  const resolved = await next(specifier, context);
  return resolved.url === SOURCE_INDEX ? { url: BUNDLE_INDEX, format: "module", shortCircuit: true } : resolved;
}
