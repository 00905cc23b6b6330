import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";
import { makeFolders, writeFileAtomically } from "../files/index.ts";
import { Interrupted } from "../render/errors.ts";
import { messageOf } from "../render/frames.ts";
import { MOTION } from "../render/motion.ts";
import type { RunStore } from "../render/run-store.ts";
import { renderSnapshots, SNAPSHOT_SIZE, type SnapshotFrame } from "../render/session.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { InterruptWatch } from "./interrupts.ts";
import { checkSceneMotion } from "./motion.ts";
import { commandRunStore } from "./run-cache.ts";

export const TEST_HELP = `Usage: npx netreel test [SCENES...] [--update] [--no-motion]
       npx netreel test --motion [SCENES...]
       npm run test:scenes -- [SCENES...] [--update]

Renders each scene's key frames (its snapshots: frame numbers, times such as "4.5s"
or beats such as "training:middle"; by default the first, middle and last frames)
at ${SNAPSHOT_SIZE.width}x${SNAPSHOT_SIZE.height} and compares them with
scenes/__snapshots__/<scene>/<name>.png. With no scenes: every scene in scenes/.

A frame passes when at most 0.1% of its pixels differ by more than pixelmatch's
threshold 0.1 (a scene can set snapshotTolerance: { threshold, maxDiffShare }).
A mismatch writes <name>.actual.png and <name>.diff.png beside the snapshot and
names all three. A missing snapshot is written (and reported), except when the CI
environment variable is set: then it is a failure.

Then the motion check (not with --update or --no-motion; alone with --motion): draws
every frame of each scene at ${SNAPSHOT_SIZE.width}x${SNAPSHOT_SIZE.height} and reports frames whose change stands
out from the change around them, in any ${MOTION.cell}x${MOTION.cell} part of the frame: a jump (something appears, vanishes or
moves at once) or a flicker (something changes for a frame and comes back). Each finding
names the frames, the place and the size, and writes a strip of the frames around it to
output/motion/<scene>/motion-<frame>.png. A beat marked { cut: true } is an intended cut.

Each scene is trained once for the snapshots and the motion check together: its run is
kept in output/.cache/ (NETREEL_CACHE_DIR) as render keeps it, and the next test of the
same training draws it from there. Not when the CI environment variable is set: CI
trains every scene, so the snapshots check training itself and depend on no file left
from an earlier run.

Options:
  --update      rewrite the snapshots of the scenes given (only those), listing each change
  --motion      run only the motion check
  --no-motion   compare the snapshots only
  --no-cache    train every scene, and keep no run in output/.cache/
  --verbose     print what the run cache did, and stack traces with errors
  --help        show this help

Exit codes: 0 all passed, 1 a snapshot or motion check failed or a scene could not be rendered,
2 a bad command line, 130/143 interrupted.
`;

const DEFAULT_TOLERANCE = { threshold: 0.1, maxDiffShare: 0.001 };

/** What became of one snapshot. */
type Outcome =
  | { kind: "passed" | "written" | "updated" | "unchanged"; name: string; file: string }
  | { kind: "failed"; name: string; file: string; line: string };

/** `netreel test`: returns the process exit code. */
export async function testCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = new InterruptWatch();
  /** Snapshot files written or updated so far (a signal's message must not say "nothing was written"). */
  const written: string[] = [];
  try {
    const { values, positionals } = commandArgs(argv, {
      update: { type: "boolean", default: false },
      motion: { type: "boolean", default: false },
      "no-motion": { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
    });
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(TEST_HELP);
      return EXIT.ok;
    }
    const scenes = positionals.length > 0 ? positionals : scenesIn("scenes");
    if (scenes.length === 0) throw new UsageError("no scenes to test: scenes/ has no .ts files; name scene files");
    if (values.motion && values.update) throw new UsageError("--motion has no snapshots to update; drop --update");
    if (values.motion && values["no-motion"]) throw new UsageError("--motion and --no-motion both given; use one");
    const ci = Boolean(process.env.CI);
    const store = values["no-cache"] || ci ? undefined : commandRunStore("test", { quiet: false, verbose });
    if (values.motion) return await motionCommand(scenes, { signal: interrupts.signal, verbose, store });
    const failed = await snapshotCommand(scenes, {
      update: values.update,
      ci,
      signal: interrupts.signal,
      verbose,
      written,
      store,
    });
    // Key frames cannot show what happens between them: the motion check runs too, by default.
    const motion =
      values.update || values["no-motion"]
        ? EXIT.ok
        : await motionCommand(scenes, { signal: interrupts.signal, verbose, store });
    return failed > 0 ? EXIT.failure : motion;
  } catch (error) {
    if (error instanceof Interrupted && written.length > 0) {
      // Each scene's snapshots are written together once all its frames are drawn: those of
      // the scenes checked before the signal are written, the scene under way wrote none.
      process.stderr.write(
        `netreel test: interrupted (${error.signal}): ${written.length} snapshot${written.length === 1 ? " was" : "s were"} already written (${written.slice(0, 3).join(", ")}${written.length > 3 ? ", ..." : ""}); the scene being checked wrote nothing\n`,
      );
      return error.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
    }
    return report("test", parseArgsError(error), verbose);
  } finally {
    interrupts.close();
  }
}

/**
 * The snapshot check of each scene, one line a scene and a total; returns how many frames (or
 * scenes that could not be drawn) failed. Snapshots written or updated are added to `written`.
 */
async function snapshotCommand(
  scenes: string[],
  options: {
    update: boolean;
    ci: boolean;
    signal: AbortSignal;
    verbose: boolean;
    written: string[];
    store: RunStore | undefined;
  },
): Promise<number> {
  let passed = 0;
  let failed = 0;
  for (const scene of scenes) {
    let outcomes: Outcome[];
    try {
      outcomes = await checkScene(scene, {
        update: options.update,
        ci: options.ci,
        signal: options.signal,
        store: options.store,
      });
    } catch (error) {
      if (options.signal.aborted) throw error;
      failed++;
      report("test", error, options.verbose);
      continue;
    }
    for (const outcome of outcomes) {
      if (outcome.kind === "failed") process.stdout.write(`  ${outcome.line}\n`);
      else if (outcome.kind !== "passed" && outcome.kind !== "unchanged") {
        process.stdout.write(`  ${outcome.file}: ${outcome.kind}\n`);
      }
    }
    options.written.push(...outcomes.filter((o) => o.kind === "written" || o.kind === "updated").map((o) => o.file));
    const bad = outcomes.filter((o) => o.kind === "failed").length;
    passed += outcomes.length - bad;
    failed += bad;
    process.stdout.write(
      `${scene}: ${outcomes.length} frames checked, ${outcomes.length - bad} passed, ${bad} failed\n`,
    );
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed;
}

/** `netreel test --motion`: the motion check on each scene; exit 1 when any scene has a finding. */
async function motionCommand(
  scenes: string[],
  options: { signal: AbortSignal; verbose: boolean; store: RunStore | undefined },
): Promise<number> {
  const { signal, verbose, store } = options;
  let failed = 0;
  for (const scene of scenes) {
    const folder = path.join("output", "motion", path.basename(scene).replace(/\.ts$/, ""));
    try {
      const { frames, events } = await checkSceneMotion(scene, { folder, signal, ...(store ? { store } : {}) });
      for (const event of events) process.stdout.write(`  ${event.line}\n`);
      process.stdout.write(
        `${scene}: ${frames} frames checked for motion, ${events.length === 0 ? "nothing stands out" : `${events.length} finding${events.length === 1 ? "" : "s"}`}\n`,
      );
      if (events.length > 0) failed++;
    } catch (error) {
      if (signal.aborted) throw error;
      failed++;
      report("test", error, verbose);
    }
  }
  process.stdout.write(`${scenes.length - failed} scenes passed the motion check, ${failed} failed\n`);
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

/** The scene files in a folder, sorted: every .ts file whose name does not start with a dot. */
function scenesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ts") && !name.startsWith(".") && statSync(path.join(dir, name)).isFile())
    .sort()
    .map((name) => path.join(dir, name));
}

/** Where a scene's snapshots live: scenes/__snapshots__/<scene file name>/ beside the scene. */
export function snapshotFolder(scene: string): string {
  return path.join(path.dirname(scene), "__snapshots__", path.basename(scene).replace(/\.ts$/, ""));
}

async function checkScene(
  scene: string,
  options: { update: boolean; ci: boolean; signal: AbortSignal; store: RunStore | undefined },
): Promise<Outcome[]> {
  const { scene: meta, frames } = await renderSnapshots({
    scene,
    signal: options.signal,
    ...(options.store ? { store: options.store } : {}),
  });
  const tolerance = { ...DEFAULT_TOLERANCE, ...meta.snapshotTolerance };
  const folder = snapshotFolder(scene);
  makeFolders(folder);
  return frames.map((frame) => checkFrame(folder, frame, tolerance, options));
}

function checkFrame(
  folder: string,
  frame: SnapshotFrame,
  tolerance: { threshold: number; maxDiffShare: number },
  options: { update: boolean; ci: boolean },
): Outcome {
  const file = path.join(folder, `${frame.name}.png`);
  const actualFile = path.join(folder, `${frame.name}.actual.png`);
  const diffFile = path.join(folder, `${frame.name}.diff.png`);
  const clearFailure = () => {
    rmSync(actualFile, { force: true });
    rmSync(diffFile, { force: true });
  };
  if (!existsSync(file)) {
    if (options.ci && !options.update) {
      return {
        kind: "failed",
        name: frame.name,
        file,
        line: `${file}: missing (frame ${frame.index}); CI is set, so it is not written: run netreel test --update and commit it`,
      };
    }
    writeFileAtomically(file, frame.png);
    clearFailure();
    return { kind: "written", name: frame.name, file };
  }
  const expected = readFileSync(file);
  if (expected.equals(frame.png)) {
    clearFailure();
    return { kind: options.update ? "unchanged" : "passed", name: frame.name, file };
  }
  if (options.update) {
    writeFileAtomically(file, frame.png);
    clearFailure();
    return { kind: "updated", name: frame.name, file };
  }
  return compareFrame({ file, actualFile, diffFile, clearFailure }, frame, expected, tolerance);
}

/** A snapshot that is not byte-identical: within the tolerance it passes; else the actual and a diff are written. */
function compareFrame(
  files: { file: string; actualFile: string; diffFile: string; clearFailure: () => void },
  frame: SnapshotFrame,
  expected: Buffer,
  tolerance: { threshold: number; maxDiffShare: number },
): Outcome {
  const { file, actualFile, diffFile } = files;
  let want: PNG;
  try {
    want = PNG.sync.read(expected);
  } catch (error) {
    return {
      kind: "failed",
      name: frame.name,
      file,
      line: `${file}: not a readable PNG (${expected.length === 0 ? "empty" : messageOf(error)}); netreel test --update writes it again`,
    };
  }
  const got = PNG.sync.read(frame.png);
  let differing: number;
  let diff: PNG | null = null;
  if (want.width !== got.width || want.height !== got.height) differing = got.width * got.height;
  else {
    diff = new PNG({ width: got.width, height: got.height });
    differing = pixelmatch(want.data, got.data, diff.data, got.width, got.height, { threshold: tolerance.threshold });
  }
  const allowed = Math.floor(got.width * got.height * tolerance.maxDiffShare);
  if (differing <= allowed) {
    files.clearFailure();
    return { kind: "passed", name: frame.name, file };
  }
  writeFileAtomically(actualFile, frame.png);
  if (diff) writeFileAtomically(diffFile, PNG.sync.write(diff));
  else rmSync(diffFile, { force: true });
  const size = diff === null ? ` (size ${got.width}x${got.height}, the snapshot is ${want.width}x${want.height})` : "";
  return {
    kind: "failed",
    name: frame.name,
    file,
    line: `${file}: frame ${frame.index} differs in ${differing} pixels (${((100 * differing) / (got.width * got.height)).toFixed(2)}%, allowed ${allowed})${size}; see ${actualFile}${diff ? ` and ${diffFile}` : ""}`,
  };
}
