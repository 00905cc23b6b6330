// Ctrl-C and SIGTERM at any moment of a render, in every format: the moment of the signal is
// swept across a whole render (loading, training, a GIF's palette pass, drawing, the final
// flush), and each run must end either interrupted (130 for SIGINT, 143 for SIGTERM, one
// line, no stack trace, the old file byte-identical, nothing beside it, no process left) or,
// when the signal came too late to stop it, finished (exit 0 and a new file).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { assertUntouched, noneRunning, OLD, type Outcome, processesWriting, render } from "./render-process.ts";

const work = mkdtempSync(path.join(tmpdir(), "netreel-signals-"));
// 30 frames of 40 ms each: drawing takes about 1.2 s, long enough to land in.
const SCENE = "tests/scenes/misbehaves.ts";
const ENV = { NETREEL_TEST_MISBEHAVE: "slow" };

/** What the render had said when the signal came: the phase it was in. */
function phaseOf(stderr: string): string {
  if (/frames \(100%\)/.test(stderr)) return "flush";
  if (/frames \(\d+%\)/.test(stderr)) return "drawing";
  if (/choosing a palette/.test(stderr)) return "palette";
  if (/trained /.test(stderr)) return "prepared";
  return "loading";
}

/**
 * A folder holding the instructor's old output: a video file, or (for PNG) a frames folder
 * with one old frame.
 */
function folderWithOld(format: string): { dir: string; target: string } {
  const dir = mkdtempSync(path.join(work, "case-"));
  if (format !== "png") {
    const target = path.join(dir, `clip.${format}`);
    writeFileSync(target, OLD);
    return { dir, target };
  }
  const target = path.join(dir, "frames");
  mkdirSync(target);
  writeFileSync(path.join(target, "frame-00000.png"), OLD);
  return { dir, target };
}

function assertOldKept(format: string, dir: string, target: string): void {
  if (format !== "png") {
    assertUntouched(dir, target);
    return;
  }
  assert.deepEqual(readdirSync(dir), ["frames"], "nothing but the old frames folder");
  assert.deepEqual(readdirSync(target), ["frame-00000.png"], "the old frames folder as it was");
  assert.ok(readFileSync(path.join(target, "frame-00000.png")).equals(OLD), "the old frame is byte-identical");
  assert.deepEqual(processesWriting(dir), []);
}

function isNew(format: string, target: string): boolean {
  if (format !== "png") return !readFileSync(target).equals(OLD);
  return readdirSync(target).length === 30 && !readFileSync(path.join(target, "frame-00000.png")).equals(OLD);
}

function assertInterrupted(
  outcome: Outcome,
  signal: NodeJS.Signals,
  format: string,
  dir: string,
  target: string,
): void {
  assert.equal(outcome.code, signal === "SIGINT" ? 130 : 143, outcome.stderr);
  assert.doesNotMatch(outcome.stderr, /^\s+at /m, "no stack trace");
  const lines = outcome.stderr.trim().split("\n");
  // The lines before are the render's own progress (training, the palette pass, frames).
  const said = lines.filter((l) => !/^(trained |gif: choosing|rendering .*: \d+ frames$|.*frames \(\d+%\))/.test(l));
  assert.deepEqual(said, [
    `netreel render: interrupted (${signal}): nothing was written; any file already there is as it was`,
  ]);
  assertOldKept(format, dir, target);
}

/**
 * The moments of the sweep, each anchored on what the render has said so far (so that a busy
 * machine shifts them all together and each still lands in its phase): while Node and netreel
 * load, as training ends, through a GIF's palette pass, at each fifth of the drawing, and at
 * the final flush.
 */
function momentsOf(format: string): { when?: RegExp; after?: number; delay?: number }[] {
  return [
    { after: 0.1 },
    { after: 0.6 },
    { when: /trained / },
    ...(format === "gif" ? [{ when: /choosing a palette/ }, { when: /choosing a palette/, delay: 0.4 }] : []),
    { when: /frames \(20%\)/ },
    { when: /frames \(50%\)/ },
    { when: /frames \(80%\)/ },
    { when: /frames \(100%\)/ },
  ];
}

describe("a signal at any moment of a render stops it cleanly", { concurrency: 2 }, () => {
  for (const format of ["gif", "mp4", "webm", "png"] as const) {
    test(`${format}: SIGINT and SIGTERM swept across the whole render`, { timeout: 240_000 }, async (t) => {
      const phases: string[] = [];
      for (const [k, moment] of momentsOf(format).entries()) {
        const signal = k % 2 === 0 ? "SIGINT" : "SIGTERM";
        const { dir, target } = folderWithOld(format);
        // --no-cache: every render trains, so the moment anchored on its "trained" line exists
        // (a run drawn from the cache says nothing); the cache's own Ctrl-C cases are in run-cache.test.ts.
        const outcome = await render([SCENE, "--format", format, "--out", target, "--no-cache"], {
          env: ENV,
          ...(moment.when ? { when: moment.when } : {}),
          ...(moment.after !== undefined ? { after: moment.after } : {}),
          act: (child) => {
            if (moment.delay) setTimeout(() => child.kill(signal), moment.delay * 1000);
            else child.kill(signal);
          },
        });
        const phase =
          outcome.afterAct === null
            ? "after the end"
            : outcome.code === null
              ? "node starting"
              : phaseOf(outcome.stderrAtAct ?? "");
        phases.push(phase);
        const where = `${format}, ${signal} at ${phase}`;
        if (outcome.code === null && outcome.stderrAtAct === "" && outcome.children.length === 0) {
          // Node itself was still starting (its first ~0.25 s, before tsx and netreel load):
          // the signal's default action ends it, which a shell shows as 130 or 143. Nothing
          // had started and nothing was written.
          assert.equal(outcome.signal, signal);
          assert.equal(outcome.stderr, "");
          assertOldKept(format, dir, target);
        } else if (outcome.code === 0) {
          // Too late to stop: the render finished, and its file is the new one.
          assert.ok(isNew(format, target), `${where}: exit 0 but the old output is still there`);
          assert.deepEqual(readdirSync(dir), [path.basename(target)], `${where}: something left beside the new output`);
        } else {
          assertInterrupted(outcome, signal, format, dir, target);
        }
        await noneRunning(outcome.children);
      }
      t.diagnostic(`${format}: the signals landed in ${phases.join(", ")}`);
      // Every anchored moment found its phase (none came after the render had ended).
      assert.ok(phases.includes("drawing"), phases.join(", "));
      assert.ok(phases.includes("flush"), phases.join(", "));
      if (format === "gif") assert.ok(phases.includes("palette"), phases.join(", "));
    });
  }

  // Signals sent every millisecond from a moment until the process exits: the one that stops
  // the render, then more through its clean-up and through Node's own exit. Each run must end
  // as a single signal would. Before, a signal in the moment Node was ending on its own (its
  // signal handles closed, the default action back) ended it "killed by SIGINT" with no exit
  // code, after the render had finished (CI, png, at the final flush): 12 runs of 12 so here.
  for (const format of ["png", "mp4"] as const) {
    test(`${format}: a storm of signals from any moment ends the render as one signal does`, {
      timeout: 120_000,
    }, async () => {
      for (const [k, when] of [/trained /, /frames \(50%\)/, /frames \(100%\)/].entries()) {
        const signal = k % 2 === 0 ? "SIGINT" : "SIGTERM";
        const { dir, target } = folderWithOld(format);
        const outcome = await render([SCENE, "--format", format, "--out", target, "--no-cache"], {
          env: ENV,
          when,
          act: (child) => {
            const storm = setInterval(() => child.kill(signal), 1);
            child.on("exit", () => clearInterval(storm));
          },
        });
        const where = `${format}, a storm of ${signal} from ${when}`;
        assert.notEqual(outcome.code, null, `${where}: killed by ${outcome.signal}, no exit code`);
        if (outcome.code === 0) {
          assert.ok(isNew(format, target), `${where}: exit 0 but the old output is still there`);
          assert.deepEqual(readdirSync(dir), [path.basename(target)], `${where}: something left beside the new output`);
        } else {
          assertInterrupted(outcome, signal, format, dir, target);
        }
        await noneRunning(outcome.children);
      }
    });
  }
});
