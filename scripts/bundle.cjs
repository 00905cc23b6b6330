// netreel's processes run from a bundle of src/ when they can: importing the TypeScript sources
// through tsx costs about a CPU-second per process (every module compiled or read from tsx's
// cache, every import resolved through its hooks), the bundle a third of that. A render starts
// two processes (the command and the scene's), the test suite hundreds.
//
// The bundle is built with esbuild (~0.3 s) into node_modules/.cache/netreel/<key>/, where <key>
// is a hash of every file under src/ (path, size, modification time) and of this file: an edit
// to the sources makes a new key, so a process never runs a stale bundle. Builds go to a
// temporary folder renamed into place, so processes that start together never see half of one.
// When the bundle cannot be built (esbuild missing, a read-only node_modules, a syntax error in
// src/), netreel runs from src/ through tsx, which reports a syntax error with its place.
// NETREEL_FROM_SOURCE=1 forces that.
// CommonJS, so that netreel's own modules can ask for it synchronously (drawer.ts picks the scene
// process's entry when it starts one).
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const SRC = path.join(ROOT, "src");
/** Where bundles are kept (NETREEL_BUNDLE_CACHE elsewhere, for the tests of this file). */
const cacheDir = () => process.env.NETREEL_BUNDLE_CACHE ?? path.join(ROOT, "node_modules/.cache/netreel");
/** Bundles kept besides the current one: a process started from an older one may still import from it. */
const KEEP = 4;

/** The bundle's entry points: name (the file `<name>.mjs` in the bundle) → source. */
const ENTRIES = {
  index: "src/index.ts",
  main: "src/cli/main.ts",
  "hold-signals": "src/cli/hold-signals.ts",
  "cli-errors": "src/cli/errors.ts",
  worker: "src/render/worker.ts",
};

/**
 * Packages loaded from node_modules at run time. The others (zod, seedrandom, cli-progress,
 * pngjs, pixelmatch) are bundled in: their dozens of files would each cost a look-up and a
 * compile, about 0.05 CPU-s a process. These stay out: canvas and esbuild run native code;
 * fluent-ffmpeg and ffmpeg-static find files beside their own (__dirname); mathjax-full is large
 * and loaded only when a scene writes TeX; tsx serves only netreel run from src/.
 */
const EXTERNAL = ["canvas", "esbuild", "fluent-ffmpeg", "ffmpeg-static", "mathjax-full", "tsx"];

/**
 * A hash of everything a build is made from: every file under `dirs` (path, size, modification
 * time), the files `also` (this file, say) and the node version and folder it is built for.
 */
function treeKey(dirs, also) {
  const hash = createHash("sha1");
  const add = (file) => {
    const stat = statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else add(file);
    }
  };
  for (const dir of dirs) walk(dir);
  for (const file of also) add(file);
  hash.update(`${process.version}\0${ROOT}`);
  return hash.digest("hex").slice(0, 16);
}

/** A hash of everything the bundle is built from. */
const key = () => treeKey([SRC], [__filename]);

/** The folder of the bundle of today's src/, built if needed; null when netreel must run from src/. */
function bundleDir() {
  if (process.env.NETREEL_FROM_SOURCE) return null;
  try {
    const dir = path.join(cacheDir(), key());
    if (existsSync(dir)) return dir;
    return build(dir);
  } catch {
    return null;
  }
}

function build(dir) {
  const { buildSync } = require("esbuild");
  return settle(dir, (temporary) =>
    buildSync({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: temporary,
      ...ESM,
      define: { NETREEL_BUNDLE_ROOT: JSON.stringify(ROOT) },
      // No source maps: node reads them only when told to, and they would cost every process.
      // An error inside netreel names a place in the bundle; NETREEL_FROM_SOURCE=1 names src/.
      logLevel: "silent",
    }),
  );
}

/** esbuild's options for a bundle of ES modules run by node, split into shared chunks. */
const ESM = {
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  // The CommonJS packages bundled in ask for node's own modules with require().
  banner: { js: 'import { createRequire as netreelRequire } from "node:module"; const require = netreelRequire(import.meta.url);' },
};

/**
 * Builds into a temporary folder beside `dir` (with `make`, which may return a promise) and
 * renames it into place, so processes that start together never see half of a build; then
 * prunes the cache. Returns `dir` (or a promise of it).
 */
function settle(dir, make) {
  mkdirSync(path.dirname(dir), { recursive: true });
  const temporary = `${dir}.${process.pid}.partial`;
  const place = () => {
    try {
      renameSync(temporary, dir);
    } catch (error) {
      // Another process built the same bundle first: use its copy.
      if (!existsSync(dir)) throw error;
    }
    prune(path.dirname(dir), dir);
    return dir;
  };
  const clean = () => rmSync(temporary, { recursive: true, force: true });
  let made;
  try {
    made = make(temporary);
  } catch (error) {
    clean();
    throw error;
  }
  if (made instanceof Promise) return made.then(place).finally(clean);
  try {
    return place();
  } finally {
    clean();
  }
}

/** Removes all but the newest KEEP bundles besides `current`, and builds a killed process left. */
function prune(cache, current) {
  const others = readdirSync(cache)
    .map((name) => path.join(cache, name))
    .filter((dir) => dir !== current)
    .map((dir) => ({ dir, time: statSync(dir).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  const bundles = others.filter(({ dir }) => !dir.endsWith(".partial"));
  const abandoned = others.filter(({ dir, time }) => dir.endsWith(".partial") && Date.now() - time > 60_000);
  for (const { dir } of [...bundles.slice(KEEP), ...abandoned]) rmSync(dir, { recursive: true, force: true });
}

/** The file of entry `name` of ENTRIES: in the bundle `dir`, or its source when `dir` is null. */
function entryFile(dir, name) {
  return dir === null ? path.join(ROOT, ENTRIES[name]) : path.join(dir, `${name}.mjs`);
}

module.exports = { ENTRIES, ESM, ROOT, bundleDir, entryFile, settle, treeKey };
