#!/usr/bin/env node
// `npm test`: netreel's test files, three at a time, the longest first.
//
// The test files and what they import (src/, scenes/, tests/) are compiled by esbuild into one
// build in node_modules/.cache/netreel-tests/<key>/ (keyed like netreel's own bundle, so an
// edit makes a new one), and each file runs as plain JavaScript: through tsx, every test
// process cost about 0.5 CPU-s more, for its loader and its look-ups. Each module keeps its
// own import.meta.url (a test finds its fixtures beside it), and source maps lead a failure's
// stack back to the .ts line.
//
// node --test starts files in name order; here the files known to take longest start first,
// so that the short ones fill the gaps instead of the long ones running alone at the end
// (282 s against 327 s for the same suite on 2 cores).
//
//   npm test                                   every file in tests/
//   npm test -- tests/render-cli.test.ts ...   those files
//
// One file through tsx, without a build, still works: node --import tsx --test tests/x.test.ts
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { fileURLToPath, pathToFileURL } from "node:url";
import bundle from "./bundle.cjs";

const { ESM, ROOT, settle, treeKey } = bundle;
const TESTS = path.join(ROOT, "tests");
/** Three files at a time: many wait on processes, the studio or Chromium, and keep two cores busy. */
const CONCURRENCY = 3;

/** The files that take longest (about 200 s down to 10 s each on 2 cores, in that order): started first. */
const LONGEST = [
  "scene-snapshots",
  "render-all",
  "run-cache",
  "studio",
  "render-cli",
  "reliability",
  "jobs",
  "signals",
  "parts",
  "studio-browser",
  "train-cli",
  "snapshot-cli",
  "beats",
  "panel3d",
  "motion",
];

/** Gives each TypeScript module its own import.meta (url, filename, dirname), as it has when run from its file. */
const ownImportMeta = {
  name: "own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.m?ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const { transform } = await import("esbuild");
      const result = await transform(await readFile(args.path, "utf8"), {
        loader: "ts",
        format: "esm",
        target: "node20",
        sourcemap: "inline",
        sourcefile: args.path,
        define: {
          "import.meta.url": JSON.stringify(pathToFileURL(args.path).href),
          "import.meta.filename": JSON.stringify(args.path),
          "import.meta.dirname": JSON.stringify(path.dirname(args.path)),
        },
      });
      return { contents: result.code, loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};

/** Compiles every test file (once per state of the sources) and returns the build's folder. */
async function buildTests(names) {
  const here = fileURLToPath(import.meta.url);
  const key = treeKey(
    ["src", "scenes", "tests"].map((d) => path.join(ROOT, d)),
    [here, path.join(ROOT, "scripts/bundle.cjs")],
  );
  const dir = path.join(ROOT, "node_modules/.cache/netreel-tests", key);
  if (existsSync(dir)) return dir;
  const { build } = await import("esbuild");
  return settle(dir, (temporary) =>
    build({
      absWorkingDir: ROOT,
      entryPoints: names.map((name) => path.join(TESTS, `${name}.test.ts`)),
      outdir: temporary,
      ...ESM,
      external: [],
      packages: "external",
      sourcemap: "inline",
      plugins: [ownImportMeta],
      logLevel: "error",
    }),
  );
}

/** The test files' names (without .test.ts), longest first, then by name. */
function ordered(names) {
  const rank = (name) => (LONGEST.includes(name) ? LONGEST.indexOf(name) : LONGEST.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

const all = readdirSync(TESTS)
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -".test.ts".length));
const asked = process.argv.slice(2).map((arg) => path.basename(arg).replace(/\.test\.(ts|mjs)$/, ""));
const unknown = asked.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`npm test: no test file ${unknown.map((n) => `tests/${n}.test.ts`).join(", ")}\n`);
  process.exit(2);
}
// netreel's own bundle is built here, once, before test files start processes that would
// each find it missing and build it at the same moment (a signal test that lands mid-build
// sees esbuild's process and no netreel yet).
bundle.bundleDir();
const dir = await buildTests(all);
const files = ordered(asked.length > 0 ? asked : all).map((name) => path.join(dir, `${name}.test.mjs`));
// The run cache of every netreel the tests start: a fresh folder, removed at the end, so the suite
// neither reads runs an earlier render left in output/.cache nor leaves any there.
const runCache = mkdtempSync(path.join(tmpdir(), "netreel-test-runs-"));
process.env.NETREEL_CACHE_DIR = runCache;
process.on("exit", () => rmSync(runCache, { recursive: true, force: true }));
const stream = run({ files, concurrency: CONCURRENCY });
stream.on("test:fail", () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
