/**
 * Where netreel's own files are. netreel runs either from src/ (through tsx) or from its bundle
 * in node_modules/.cache/netreel/<key>/ (scripts/bundle.cjs), where every module is a flat
 * `.mjs` file: paths relative to a module's own place differ, so they are all made here.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

/** netreel's folder, written into the bundle when it is built (a node_modules reached through a link would mislead a path computed from the bundle's own place). */
declare const NETREEL_BUNDLE_ROOT: string | undefined;

const here = fileURLToPath(import.meta.url);

/** True when this module runs from the bundle. */
export const BUNDLED = typeof NETREEL_BUNDLE_ROOT === "string";

/** The folder of the bundle this module runs from, or null. */
export const BUNDLE_DIR = BUNDLED ? path.dirname(here) : null;

/** netreel's folder (its package.json, src/, scripts/). */
export const ROOT = typeof NETREEL_BUNDLE_ROOT === "string" ? NETREEL_BUNDLE_ROOT : path.resolve(here, "../..");

/** netreel's own code: a stack frame in one of these folders is netreel's, not a scene's. */
export const NETREEL_CODE = [path.join(ROOT, "src"), ...(BUNDLE_DIR ? [BUNDLE_DIR] : [])];
