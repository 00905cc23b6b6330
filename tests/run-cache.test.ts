// The run cache (src/render/run-store.ts): a scene's trained run kept on disk by a hash of all
// that decides it, so that a second render does not train. Its file format read back bit for
// bit, damage refused, the key, the prune policy; then the commands: a second render draws the
// same pixels without training, another seed or config trains, a damaged file is one line and
// rebuilt, --no-cache touches nothing, renders racing or interrupted leave whole files and no
// temporary ones, and netreel test uses it except under CI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { packRun, unpackRun } from "../src/render/protocol.ts";
import { decodeRunFile, encodeRunFile } from "../src/render/run-cache-file.ts";
import { RUN_CACHE_LIMITS, RunStore } from "../src/render/run-store.ts";
import { type Run, train } from "../src/train/index.ts";
import { NETREEL, render } from "./render-process.ts";
import cachedScene from "./scenes/cached.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-run-cache-"));
const KEY = "ab".repeat(32);
const HIDDEN = "scenes/hidden.ts";
const CACHED = "tests/scenes/cached.ts";

const TRAINED = /^trained \[/m;
const LOADED = /^run loaded from cache \(/m;

const smallConfig = {
  sizes: [2, 3, 1],
  data: { dataset: "circles", n: 40, seed: 1 },
  epochs: 3,
  batchSize: 10,
  learningRate: 1,
  snapshot: { layers: [1] },
};

function fileBytes(run: Run, key = KEY): Buffer {
  return Buffer.concat(encodeRunFile(packRun(run), key));
}

/** A fresh cache folder (not made yet: the first write makes it). */
function cacheDir(): string {
  return path.join(mkdtempSync(path.join(work, "cache-")), "cache");
}

function listed(dir: string, filter: (name: string) => boolean): string[] {
  return existsSync(dir) ? readdirSync(dir).filter(filter) : [];
}
const runsIn = (dir: string) => listed(dir, (name) => name.endsWith(".run"));
const temporariesIn = (dir: string) => listed(dir, (name) => name.includes(".partial-"));

/** `netreel ARGS` in the repository, with the run cache in `cache`. */
function netreel(args: string[], cache: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [NETREEL, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NETREEL_CACHE_DIR: cache, ...env },
  });
}

/** The key the fixture scene's run is cached under (its default learning rate and seed). */
function cachedSceneKey(): string {
  const config = cachedScene.train?.(cachedScene.seed ?? 0);
  const key = new RunStore({ dir: work }).keyOf(config, path.join(root, "tests/scenes"));
  assert.ok(key);
  return key;
}

describe("the run cache file", () => {
  test("a run read back is the run written, to the last bit (-0, NaN and ±Infinity included)", () => {
    const run = train(smallConfig);
    const first = run.snapshots[0] as Run["snapshots"][number];
    // A small matrix goes through the header's JSON, a long one through the body's blocks.
    (first.weights[0] as number[][])[0] = [-0, Number.NaN];
    ((first.activations["1"] as number[][])[5] as number[])[1] = -0;
    run.seconds = Number.POSITIVE_INFINITY;
    const bytes = fileBytes(run);
    assert.deepStrictEqual(unpackRun(decodeRunFile(bytes, KEY)), run);
    // Bytes that do not start at a multiple of 8 (the blocks are then copied, not viewed).
    const shifted = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
    assert.deepStrictEqual(unpackRun(decodeRunFile(shifted, KEY)), run);
  });

  test("a damaged file is refused, saying what is wrong", () => {
    const bytes = fileBytes(train(smallConfig));
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 0x10;
      return copy;
    };
    const cases: [string, Buffer, RegExp][] = [
      ["truncated", bytes.subarray(0, 1000), new RegExp(`^truncated: 1000 of ${bytes.length} bytes$`)],
      ["cut inside its start", bytes.subarray(0, 20), /^truncated: 20 bytes, shorter than the 56-byte start$/],
      ["a bit flipped in the numbers", flipped(bytes.length - 100), /^its checksum does not match its contents$/],
      ["a bit flipped in the header", flipped(70), /^its checksum does not match its contents$/],
      ["another file", Buffer.from("{}".padEnd(200)), /^it does not start as a netreel run cache file$/],
      ["bytes added", Buffer.concat([bytes, Buffer.alloc(8)]), /^\d+ bytes where \d+ were written$/],
    ];
    for (const [what, damaged, message] of cases) {
      assert.throws(() => decodeRunFile(damaged, KEY), { name: "CacheFileDamage", message }, what);
    }
    assert.throws(() => decodeRunFile(bytes, "cd".repeat(32)), { message: /^it holds the run of another key$/ });
  });
});

describe("the run cache's key", () => {
  const store = new RunStore({ dir: work });
  const keyOf = (config: unknown, baseDir = work) => store.keyOf(config, baseDir);

  test("the same training has the same key, however its config is written", () => {
    const spelledOut = {
      snapshot: { layers: [1] },
      learningRate: 1,
      batchSize: 10,
      epochs: 3,
      data: { seed: 1, n: 40, dataset: "circles" },
      sizes: [2, 3, 1],
      // The defaults, written out.
      activation: "sigmoid",
      loss: "quadratic",
      init: { scheme: "normal" },
      momentum: 0,
      shuffle: false,
      seed: 0,
    };
    assert.match(keyOf(smallConfig) ?? "", /^[0-9a-f]{64}$/);
    assert.equal(keyOf(spelledOut), keyOf(smallConfig));
    assert.equal(keyOf(structuredClone(smallConfig)), keyOf(smallConfig));
  });

  test("anything that trains other numbers is another key; a config that is not valid has none", () => {
    const variants = [
      smallConfig,
      { ...smallConfig, seed: 1 },
      { ...smallConfig, learningRate: 1.5 },
      { ...smallConfig, epochs: 4 },
      { ...smallConfig, data: { ...smallConfig.data, seed: 2 } },
      { ...smallConfig, data: { ...smallConfig.data, n: 41 } },
      { ...smallConfig, snapshot: { layers: [] } },
      { ...smallConfig, init: { scheme: "normal", seed: 5 } },
      { ...smallConfig, momentum: 0.5 },
    ];
    const keys = variants.map((config) => keyOf(config));
    assert.equal(new Set(keys).size, variants.length, "every variant has its own key");
    assert.equal(keyOf({ ...smallConfig, learningRate: -1 }), null);
    assert.equal(keyOf({ ...smallConfig, sizes: "2,3,1" }), null);
  });

  test("CSV data: keyed by the file's bytes, not its name or time; a file that cannot be read has no key", () => {
    const dir = mkdtempSync(path.join(work, "csv-"));
    mkdirSync(path.join(dir, "elsewhere"));
    const rows = "x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n";
    writeFileSync(path.join(dir, "a.csv"), rows);
    writeFileSync(path.join(dir, "elsewhere", "b.csv"), rows);
    const csv = (file: string) => ({ ...smallConfig, data: { dataset: "csv", path: file }, batchSize: 2 });
    const first = keyOf(csv("a.csv"), dir);
    assert.ok(first);
    assert.equal(keyOf(csv("b.csv"), path.join(dir, "elsewhere")), first, "the same bytes elsewhere");
    utimesSync(path.join(dir, "a.csv"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.equal(keyOf(csv("a.csv"), dir), first, "the same bytes, touched");
    writeFileSync(path.join(dir, "a.csv"), rows.replace("1,1,1", "1,1,0"));
    assert.notEqual(keyOf(csv("a.csv"), dir), first, "one label changed");
    assert.equal(keyOf(csv("missing.csv"), dir), null);
  });
});

describe("the run cache's bounds", () => {
  const packed = packRun(train(smallConfig));
  const size = Buffer.concat(encodeRunFile(packed, KEY)).length;
  const keyNumber = (i: number) => i.toString(16).padStart(2, "0").repeat(32);

  test(`at most ${RUN_CACHE_LIMITS.files} runs and ${RUN_CACHE_LIMITS.bytes / 2 ** 20} MB, least recently used removed first; a run read counts as used`, () => {
    const dir = cacheDir();
    const store = new RunStore({ dir, limits: { files: 3, bytes: 100 * size } });
    for (let i = 1; i <= 3; i++) {
      store.save(keyNumber(i), packed);
      // Each one older than the next, by an hour.
      const time = new Date(Date.now() - (10 - i) * 3_600_000);
      utimesSync(store.fileOf(keyNumber(i)), time, time);
    }
    assert.ok(store.load(keyNumber(1)), "run 1 read: it is now the most recently used");
    store.save(keyNumber(4), packed);
    assert.deepEqual(runsIn(dir).sort(), [1, 3, 4].map((i) => path.basename(store.fileOf(keyNumber(i)))).sort());
    store.save(keyNumber(5), packed);
    assert.deepEqual(runsIn(dir).sort(), [1, 4, 5].map((i) => path.basename(store.fileOf(keyNumber(i)))).sort());

    const bytes = new RunStore({ dir, limits: { files: 100, bytes: 2.5 * size } });
    bytes.save(keyNumber(6), packed);
    assert.equal(runsIn(dir).length, 2, "two runs fit in 2.5 runs' bytes");
    assert.ok(runsIn(dir).includes(path.basename(bytes.fileOf(keyNumber(6)))), "the run just written is kept");

    const notes: string[] = [];
    const tiny = new RunStore({ dir, limits: { files: 100, bytes: size - 1 }, note: (line) => notes.push(line) });
    tiny.save(keyNumber(7), packed);
    assert.ok(!existsSync(tiny.fileOf(keyNumber(7))), "a run larger than the whole cache is not written");
    assert.match(notes.join("\n"), /is larger than the whole cache/);
    assert.deepEqual(temporariesIn(dir), []);
  });

  test("only netreel's run files are pruned; other files in the folder stay", () => {
    const dir = cacheDir();
    const store = new RunStore({ dir, limits: { files: 1, bytes: 100 * size } });
    store.save(keyNumber(1), packed);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    writeFileSync(path.join(dir, "0123.run"), "not a run file's name");
    store.save(keyNumber(2), packed);
    assert.deepEqual(
      readdirSync(dir).sort(),
      ["0123.run", path.basename(store.fileOf(keyNumber(2))), "notes.txt"].sort(),
    );
  });

  test("a cache that cannot be written is one line, and nothing is thrown", () => {
    const file = path.join(mkdtempSync(path.join(work, "blocked-")), "a-file");
    writeFileSync(file, "");
    const warnings: string[] = [];
    const store = new RunStore({ dir: path.join(file, "cache"), warn: (line) => warnings.push(line) });
    store.save(KEY, packed);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /^cannot write the run cache .*\.run \(.+\); the run is not kept$/);
  });

  test("the README states the limits the code keeps", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    assert.match(
      readme,
      new RegExp(`at most ${RUN_CACHE_LIMITS.files} runs and ${RUN_CACHE_LIMITS.bytes / 2 ** 20} MB`),
    );
  });
});

describe("render with the run cache", () => {
  test("a second render draws the run from the cache without training: the same PNG and MP4 bytes; --no-cache neither reads nor writes", () => {
    const cache = cacheDir();
    const still = ["render", HIDDEN, "--frame", "training:middle", "--size", "320x180", "--verbose"];
    const cold = netreel([...still, "--out", path.join(work, "cold.png")], cache);
    assert.equal(cold.status, 0, cold.stderr);
    assert.match(cold.stderr, TRAINED);
    assert.match(cold.stderr, /^run cached in .*\.run \(/m);
    assert.equal(runsIn(cache).length, 1);
    const [file] = runsIn(cache).map((name) => path.join(cache, name)) as [string];
    const written = statSync(file).mtimeMs;

    const warm = netreel([...still, "--out", path.join(work, "warm.png")], cache);
    assert.equal(warm.status, 0, warm.stderr);
    assert.match(warm.stderr, LOADED);
    assert.doesNotMatch(warm.stderr, TRAINED, "no training");
    assert.ok(readFileSync(path.join(work, "warm.png")).equals(readFileSync(path.join(work, "cold.png"))));

    const bytes = readFileSync(file);
    const time = new Date(2001, 1, 1);
    utimesSync(file, time, time);
    const uncached = netreel([...still, "--no-cache", "--out", path.join(work, "uncached.png")], cache);
    assert.equal(uncached.status, 0, uncached.stderr);
    assert.match(uncached.stderr, TRAINED);
    assert.doesNotMatch(uncached.stderr, /cache/);
    assert.ok(readFileSync(path.join(work, "uncached.png")).equals(readFileSync(path.join(work, "cold.png"))));
    assert.ok(readFileSync(file).equals(bytes), "the cache file as it was");
    assert.equal(statSync(file).mtimeMs, time.getTime(), "not even read (a read touches its time)");
    assert.ok(written > time.getTime());
    assert.deepEqual(runsIn(cache), [path.basename(file)]);

    // The video: frames of the training, drawn from a trained run and from the cached one
    // (handed, packed as it was read, to each of two drawing processes).
    const clip = ["render", HIDDEN, "--frames", "150-164", "--size", "320x180"];
    const trained = netreel([...clip, "--no-cache", "--jobs", "1", "--out", path.join(work, "trained.mp4")], cache);
    const cached = netreel([...clip, "--verbose", "--jobs", "2", "--out", path.join(work, "cached.mp4")], cache);
    assert.equal(trained.status, 0, trained.stderr);
    assert.equal(cached.status, 0, cached.stderr);
    assert.match(cached.stderr, LOADED);
    assert.ok(readFileSync(path.join(work, "cached.mp4")).equals(readFileSync(path.join(work, "trained.mp4"))));

    const empty = cacheDir();
    const none = netreel([...still, "--no-cache", "--out", path.join(work, "none.png")], empty);
    assert.equal(none.status, 0, none.stderr);
    assert.ok(!existsSync(empty), "--no-cache makes no cache folder");
  });

  test("another seed or another config is another run: each trains once, then each comes from the cache", () => {
    const cache = cacheDir();
    const frame = (extra: string[], env: NodeJS.ProcessEnv = {}) =>
      netreel(
        ["render", CACHED, "--frame", "5", "--verbose", "--out", path.join(work, "seeds.png"), ...extra],
        cache,
        env,
      );
    const cases: [string, string[], NodeJS.ProcessEnv][] = [
      ["the scene's own", [], {}],
      ["--seed 2", ["--seed", "2"], {}],
      ["another learning rate", [], { NETREEL_TEST_LEARNING_RATE: "3" }],
    ];
    for (const [k, [what, extra, env]] of cases.entries()) {
      const result = frame(extra, env);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, TRAINED, `${what}: trained`);
      assert.equal(runsIn(cache).length, k + 1, `${what}: a run of its own`);
    }
    for (const [what, extra, env] of cases) {
      const result = frame(extra, env);
      assert.match(result.stderr, LOADED, `${what}: from the cache`);
      assert.doesNotMatch(result.stderr, TRAINED, what);
    }
  });

  for (const damage of ["truncated", "bit-flipped"] as const) {
    test(`a ${damage} cache file is reported in one line, ignored and rebuilt`, () => {
      const cache = cacheDir();
      const args = ["render", CACHED, "--frame", "7"];
      const first = netreel([...args, "--out", path.join(work, `${damage}-1.png`)], cache);
      assert.equal(first.status, 0, first.stderr);
      const file = path.join(cache, runsIn(cache)[0] as string);
      const bytes = readFileSync(file);
      if (damage === "truncated") writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      else {
        const flipped = Buffer.from(bytes);
        flipped[bytes.length - 8] = (flipped[bytes.length - 8] as number) ^ 0x01;
        writeFileSync(file, flipped);
      }

      const again = netreel([...args, "--out", path.join(work, `${damage}-2.png`)], cache);
      assert.equal(again.status, 0, again.stderr);
      const lines = again.stderr.trim().split("\n");
      const reported = lines.filter((line) => line.includes("cached run"));
      assert.equal(reported.length, 1, again.stderr);
      const reason =
        damage === "truncated" ? /truncated: \d+ of \d+ bytes/ : /its checksum does not match its contents/;
      assert.match(
        reported[0] as string,
        new RegExp(`^netreel render: the cached run \\S+\\.run is damaged \\(${reason.source}\\); training again$`),
      );
      assert.deepEqual(
        lines.filter((line) => line !== reported[0]).map((line) => TRAINED.test(line)),
        [true],
        "besides it, only the training's own line",
      );
      assert.ok(statSync(file).size > bytes.length / 2, "rebuilt");

      const third = netreel([...args, "--verbose", "--out", path.join(work, `${damage}-3.png`)], cache);
      assert.match(third.stderr, LOADED);
      assert.doesNotMatch(third.stderr, /damaged/);
      const png = (n: number) => readFileSync(path.join(work, `${damage}-${n}.png`));
      assert.ok(png(2).equals(png(1)) && png(3).equals(png(1)), "the same frame each time");
    });
  }

  test("--no-cache does not read a damaged file: no report, the file untouched", () => {
    const cache = cacheDir();
    mkdirSync(cache, { recursive: true });
    const first = netreel(["render", CACHED, "--frame", "0", "--out", path.join(work, "nc.png")], cache);
    assert.equal(first.status, 0, first.stderr);
    const file = path.join(cache, runsIn(cache)[0] as string);
    writeFileSync(file, "damaged");
    const result = netreel(["render", CACHED, "--frame", "0", "--no-cache", "--out", path.join(work, "nc.png")], cache);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /damaged|cache/);
    assert.equal(readFileSync(file, "utf8"), "damaged");
  });

  test("two renders of the same scene at once: both finish, one whole file, nothing temporary left", async () => {
    const cache = cacheDir();
    const env = { NETREEL_CACHE_DIR: cache };
    const outcomes = await Promise.all(
      [1, 2].map((n) => render([CACHED, "--frame", "3", "--out", path.join(work, `race-${n}.png`)], { env })),
    );
    for (const outcome of outcomes) assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(runsIn(cache).length, 1);
    assert.deepEqual(temporariesIn(cache), []);
    const warnings: string[] = [];
    assert.ok(new RunStore({ dir: cache, warn: (line) => warnings.push(line) }).load(cachedSceneKey()));
    assert.deepEqual(warnings, []);
  });

  test("Ctrl-C around the cache's write leaves no temporary file, and any file left whole; a killed render's temporary goes at the next write", async (t) => {
    const key = cachedSceneKey();
    const landed: string[] = [];
    for (const delay of [0, 0.01, 0.03, 0.06, 0.12, 0.25]) {
      const cache = cacheDir();
      const outcome = await render(
        [HIDDEN, "--frame", "0", "--size", "160x90", "--out", path.join(work, "sigint.png")],
        {
          env: { NETREEL_CACHE_DIR: cache },
          when: /^trained /m,
          act: (child) => setTimeout(() => child.kill("SIGINT"), delay * 1000),
        },
      );
      assert.ok(outcome.code === 130 || outcome.code === 0, outcome.stderr);
      assert.deepEqual(temporariesIn(cache), [], `SIGINT ${delay} s after training`);
      for (const name of runsIn(cache)) {
        // Whole: its length and checksum hold (the key of hidden.ts is not needed for that).
        const bytes = readFileSync(path.join(cache, name));
        assert.throws(() => decodeRunFile(bytes, "0".repeat(64)), { message: /another key/ }, name);
      }
      landed.push(`${delay} s: exit ${outcome.code}, ${runsIn(cache).length} run file`);
    }
    t.diagnostic(landed.join("; "));

    // Stopped while training (100,000 epochs): nothing to keep, and nothing kept.
    const stopped = cacheDir();
    const training = await render(["tests/scenes/misbehaves.ts", "--out", path.join(work, "stopped.mp4")], {
      env: { NETREEL_CACHE_DIR: stopped, NETREEL_TEST_MISBEHAVE: "train" },
      after: 2,
      act: (child) => child.kill("SIGINT"),
    });
    assert.equal(training.code, 130, training.stderr);
    assert.deepEqual(
      listed(stopped, () => true),
      [],
      "no run and no temporary",
    );

    const cache = cacheDir();
    mkdirSync(cache, { recursive: true });
    const dead = spawnSync("true").pid as number;
    const left = `.${key.slice(0, 32)}.run.partial-${dead}`;
    writeFileSync(path.join(cache, left), "half a run");
    const result = netreel(["render", CACHED, "--frame", "0", "--out", path.join(work, "after-kill.png")], cache);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(temporariesIn(cache), [], "the dead render's temporary is gone");
    assert.equal(runsIn(cache).length, 1);
  });
});

describe("netreel test and the run cache", () => {
  /** A project folder with the fixture scene (importing netreel by absolute path). */
  function project(): string {
    const dir = mkdtempSync(path.join(work, "project-"));
    mkdirSync(path.join(dir, "scenes"));
    const source = readFileSync(path.join(root, CACHED), "utf8").replace(
      '"../../src/index.ts"',
      JSON.stringify(path.join(root, "src/index.ts")),
    );
    writeFileSync(path.join(dir, "scenes/cached.ts"), source);
    return dir;
  }

  function netreelTest(dir: string, args: string[], ci: boolean) {
    const env = { ...process.env };
    delete env.CI;
    delete env.NETREEL_CACHE_DIR;
    if (ci) env.CI = "1";
    return spawnSync(process.execPath, [NETREEL, "test", "scenes/cached.ts", "--verbose", ...args], {
      cwd: dir,
      encoding: "utf8",
      env,
    });
  }

  test("without CI a scene trains once for its snapshots and motion check, its run kept in output/.cache; with CI none is kept", () => {
    const dir = project();
    const local = netreelTest(dir, [], false);
    assert.match(local.stdout, /scenes\/cached\.ts: \d+ frames checked for motion/, local.stderr);
    assert.match(
      local.stderr,
      /^run cache: no run for this config yet \(output\/\.cache\/[0-9a-f]{32}\.run\); training$/m,
    );
    assert.match(local.stderr, /^run cached in output\/\.cache\/[0-9a-f]{32}\.run/m);
    assert.equal((local.stderr.match(/^run loaded from cache/gm) ?? []).length, 1, "the motion check's run");
    assert.equal(runsIn(path.join(dir, "output/.cache")).length, 1);

    const again = netreelTest(dir, ["--no-motion"], false);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stderr, LOADED);

    const clean = project();
    cpSync(path.join(dir, "scenes/__snapshots__"), path.join(clean, "scenes/__snapshots__"), { recursive: true });
    const ci = netreelTest(clean, ["--no-motion"], true);
    assert.equal(ci.status, 0, ci.stdout + ci.stderr);
    assert.match(ci.stdout, /1 passed|passed, 0 failed/);
    assert.doesNotMatch(ci.stderr, /cache/);
    assert.ok(!existsSync(path.join(clean, "output/.cache")), "CI keeps no run");
  });
});
