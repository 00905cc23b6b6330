// `netreel test`: a scene's key frames against scenes/__snapshots__, as a course author uses it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const SOURCE = readFileSync(path.join(root, "tests/scenes/no-network.ts"), "utf8").replace(
  '"../../src/index.ts"',
  JSON.stringify(path.join(root, "src/index.ts")),
);

/** A course folder with scenes/plot.ts and scenes/other.ts (the same scene under two names). */
function course(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netreel-course-"));
  mkdirSync(path.join(dir, "scenes"));
  writeFileSync(path.join(dir, "scenes/plot.ts"), SOURCE);
  writeFileSync(path.join(dir, "scenes/other.ts"), SOURCE.replace('name: "no-network"', 'name: "other"'));
  return dir;
}

/**
 * `netreel test` on the course, snapshots only: these tests are about snapshots, and the fixture's
 * caption changes at once, which the motion check (on by default) reports; see the last test.
 */
function netreelTest(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, motion = false) {
  const environment = { ...process.env, ...env };
  if (!("CI" in env)) delete environment.CI;
  const options = motion ? args : [...args, "--no-motion"];
  return spawnSync(process.execPath, [path.join(root, "scripts/netreel.js"), "test", ...options], {
    cwd: dir,
    encoding: "utf8",
    env: environment,
  });
}

const NAMES = ["1.5s.png", "frame-3.png", "intro.png", "main-middle.png", "outro-end.png"];

test("snapshots by beat, time and frame are written once, then pass; the same frames render byte-identical", () => {
  const dir = course();
  const first = netreelTest(dir, ["scenes/plot.ts"]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /scenes\/__snapshots__\/plot\/intro\.png: written/);
  const folder = path.join(dir, "scenes/__snapshots__/plot");
  assert.deepEqual(readdirSync(folder).sort(), NAMES);
  const bytes = NAMES.map((n) => readFileSync(path.join(folder, n)));
  const again = netreelTest(dir, ["scenes/plot.ts"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, "scenes/plot.ts: 5 frames checked, 5 passed, 0 failed\n5 passed, 0 failed\n");
  // Rendered again from scratch: byte-identical PNGs.
  const fresh = course();
  assert.equal(netreelTest(fresh, ["scenes/plot.ts"]).status, 0);
  for (const [i, n] of NAMES.entries()) {
    assert.ok(readFileSync(path.join(fresh, "scenes/__snapshots__/plot", n)).equals(bytes[i] as Buffer), n);
  }
});

test("a changed caption fails with the actual and diff images; --update makes it pass and touches only that scene", () => {
  const dir = course();
  assert.equal(netreelTest(dir).status, 0);
  const other = path.join(dir, "scenes/__snapshots__/other/intro.png");
  const otherTime = statSync(other).mtimeMs;
  writeFileSync(path.join(dir, "scenes/plot.ts"), SOURCE.replace("σ squashes z into (0, 1)", "σ maps z into (0, 1)"));
  const failed = netreelTest(dir);
  assert.equal(failed.status, 1, failed.stderr);
  const folder = "scenes/__snapshots__/plot";
  for (const name of ["intro", "1.5s", "frame-3"]) {
    assert.match(
      failed.stdout,
      new RegExp(
        `  ${folder}/${name.replace(".", "\\.")}\\.png: frame \\d+ differs in \\d+ pixels \\([\\d.]+%, allowed 230\\); see ${folder}/${name.replace(".", "\\.")}\\.actual\\.png and ${folder}/${name.replace(".", "\\.")}\\.diff\\.png\\n`,
      ),
    );
    assert.ok(existsSync(path.join(dir, folder, `${name}.actual.png`)));
    assert.ok(existsSync(path.join(dir, folder, `${name}.diff.png`)));
  }
  assert.match(failed.stdout, /^scenes\/other\.ts: 5 frames checked, 5 passed, 0 failed$/m);
  assert.match(failed.stdout, /^scenes\/plot\.ts: 5 frames checked, 2 passed, 3 failed$/m);
  assert.match(failed.stdout, /^7 passed, 3 failed\n$/m);

  const updated = netreelTest(dir, ["scenes/plot.ts", "--update"]);
  assert.equal(updated.status, 0, updated.stderr);
  assert.match(updated.stdout, /scenes\/__snapshots__\/plot\/intro\.png: updated/);
  assert.doesNotMatch(updated.stdout, /other/);
  assert.deepEqual(readdirSync(path.join(dir, folder)).sort(), NAMES, "the actual and diff images are gone");
  assert.equal(statSync(other).mtimeMs, otherTime, "another scene's snapshots are untouched");
  assert.equal(netreelTest(dir).status, 0);
});

test("a missing snapshot fails when CI is set, and is written when it is not", () => {
  const dir = course();
  const ci = netreelTest(dir, ["scenes/plot.ts"], { CI: "true" });
  assert.equal(ci.status, 1);
  assert.match(
    ci.stdout,
    /scenes\/__snapshots__\/plot\/intro\.png: missing \(frame 0\); CI is set, so it is not written/,
  );
  assert.equal(existsSync(path.join(dir, "scenes/__snapshots__/plot/intro.png")), false);
  const local = netreelTest(dir, ["scenes/plot.ts"]);
  assert.equal(local.status, 0);
  assert.ok(existsSync(path.join(dir, "scenes/__snapshots__/plot/intro.png")));
});

test("an empty, truncated or corrupt snapshot fails naming its file, and --update writes it again", () => {
  const dir = course();
  assert.equal(netreelTest(dir, ["scenes/plot.ts"]).status, 0);
  const folder = path.join(dir, "scenes/__snapshots__/plot");
  const good = readFileSync(path.join(folder, "intro.png"));
  writeFileSync(path.join(folder, "intro.png"), "");
  writeFileSync(path.join(folder, "frame-3.png"), good.subarray(0, 200));
  writeFileSync(path.join(folder, "1.5s.png"), Buffer.concat([good, Buffer.from("trailing bytes")]));
  const broken = netreelTest(dir, ["scenes/plot.ts"]);
  assert.equal(broken.status, 1, broken.stderr);
  assert.equal(broken.stderr, "", "failures of the snapshots, not of netreel");
  assert.match(
    broken.stdout,
    /__snapshots__\/plot\/intro\.png: not a readable PNG \(empty\); netreel test --update writes it again/,
  );
  assert.match(broken.stdout, /__snapshots__\/plot\/frame-3\.png: not a readable PNG \(/);
  assert.match(broken.stdout, /__snapshots__\/plot\/1\.5s\.png: not a readable PNG \(/);
  assert.equal(netreelTest(dir, ["scenes/plot.ts", "--update"]).status, 0);
  assert.ok(readFileSync(path.join(folder, "intro.png")).equals(good));
});

test("Ctrl-C in netreel test --update says which snapshots were already written", async () => {
  const dir = course();
  // The second scene draws slowly (0.4 s a frame), so the signal lands while it is checked.
  const slow = SOURCE.replace('name: "no-network"', 'name: "other"').replace(
    "draw: (ctx, frame, { captions, hasRun }) => {",
    "draw: (ctx, frame, { captions, hasRun }) => {\n    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);",
  );
  writeFileSync(path.join(dir, "scenes/other.ts"), slow);
  const environment = { ...process.env };
  delete environment.CI;
  const child = spawn(
    process.execPath,
    [path.join(root, "scripts/netreel.js"), "test", "--update", "--no-motion", "scenes/plot.ts", "scenes/other.ts"],
    { cwd: dir, env: environment },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (/scenes\/plot\.ts: 5 frames checked/.test(stdout)) resolve();
    });
    void exited.then(() => resolve());
  });
  child.kill("SIGINT");
  assert.equal(await exited, 130, stderr);
  assert.match(
    stderr,
    /^netreel test: interrupted \(SIGINT\): 5 snapshots were already written \(scenes\/__snapshots__\/plot\/.*\); the scene being checked wrote nothing\n$/,
  );
  assert.equal(existsSync(path.join(dir, "scenes/__snapshots__/other")), false);
});

test("a snapshot naming a beat that was renamed is one clear error", () => {
  const dir = course();
  writeFileSync(
    path.join(dir, "scenes/plot.ts"),
    SOURCE.replace('{ name: "main" }', '{ name: "body" }').replace('"main:middle";', '"body:middle";'),
  );
  const result = netreelTest(dir, ["scenes/plot.ts"]);
  assert.equal(result.status, 1);
  assert.equal(
    result.stderr,
    'netreel test: scene scenes/plot.ts: the snapshot "main:middle" cannot be found: there is no beat named "main"; the beats are intro, body, outro\n',
  );
  assert.match(result.stdout, /^0 passed, 1 failed\n$/m);
});

test("by default netreel test runs the motion check too: a caption that changes at once fails it, the snapshots passing", () => {
  const dir = course();
  assert.equal(netreelTest(dir, ["scenes/plot.ts"]).status, 0, "the snapshots are written and pass");
  const result = netreelTest(dir, ["scenes/plot.ts"], {}, true);
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stdout, /^scenes\/plot\.ts: 5 frames checked, 5 passed, 0 failed$/m);
  assert.match(
    result.stdout,
    /frame 17→18 \(1\.70-1\.80 s\): a jump \(changes at once\) at x \d+-\d+, y \d+-\d+ of 640x360/,
  );
  assert.match(result.stdout, /^0 scenes passed the motion check, 1 failed$/m);
  assert.ok(existsSync(path.join(dir, "output/motion/plot/motion-18.png")), "the strip of the frames around it");
  const both = netreelTest(dir, ["scenes/plot.ts", "--motion"], {}, false);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--motion and --no-motion both given; use one/);
});
