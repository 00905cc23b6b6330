import assert from "node:assert/strict";
import { constants } from "node:buffer";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { classify, EXIT } from "../src/cli/errors.ts";
import { PartialFile } from "../src/files/index.ts";
import { checkRun, loadRun, type Run, RunFileError, saveRun, saveRunAsync, train } from "../src/train/index.ts";
import { lazyRows } from "../src/train/rows.ts";
import { CHUNK_CHARS, jsonChunks } from "../src/train/run.ts";

const work = mkdtempSync(path.join(tmpdir(), "netreel-runfile-"));

const config = {
  sizes: [2, 3, 3, 1],
  data: { dataset: "circles", n: 1000, factor: 0.3, noise: 0.1, seed: 0 },
  init: { scheme: "normal", seed: 1 },
  epochs: 5,
  batchSize: 50,
  learningRate: 5,
  snapshot: { layers: [1, 2], preActivations: true },
};
const run = train(config);
const json = JSON.stringify(run);

/** A copy of the run, changed by `change`, written as a file (optionally edited as text); returns the file. */
function variant(name: string, change: (r: Run) => void, edit: (text: string) => string = (t) => t): string {
  const copy = JSON.parse(json) as Run;
  change(copy);
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, edit(JSON.stringify(copy)));
  return file;
}

/** loadRun refuses the file with exactly `problem` after "run file F: ", on one line, as a RunFileError. */
function refuses(file: string, problem: string): void {
  assert.throws(
    () => loadRun(file),
    (e: Error) => {
      assert.ok(e instanceof RunFileError, String(e));
      assert.equal(e.message, `run file ${file}: ${problem}`);
      return true;
    },
  );
}

const TOO_LARGE = "(a number too large to hold, such as 1e999)";

describe("loadRun checks a run file deeply, one line naming the snapshot and the field", () => {
  test("a run as train() writes it passes", () => {
    assert.deepEqual(loadRun(variant("good", () => {})), JSON.parse(json));
  });

  test("a row with 2 numbers for a layer of 3 units", () => {
    const file = variant("narrow-row", (r) => {
      (r.snapshots[3] as Run["snapshots"][number]).activations["2"]![5] = [0.1, 0.2];
    });
    refuses(file, 'snapshot 3 activations["2"] row 5 has 2 numbers; layer 2 has 3 units');
  });

  test("10 rows for 1000 examples", () => {
    const file = variant("few-rows", (r) => {
      const acts = r.snapshots[3]!.activations;
      acts["2"] = acts["2"]!.slice(0, 10);
    });
    refuses(file, 'snapshot 3 activations["2"] has 10 rows; the data has 1000 examples');
  });

  test("1e999, which JSON reads as Infinity, anywhere a number is kept", () => {
    const marker = 123.456;
    const cases: [string, (r: Run) => void, string][] = [
      [
        "loss",
        (r) => {
          r.snapshots[1]!.loss = marker;
        },
        `snapshot 1 loss is Infinity ${TOO_LARGE}, not a finite number`,
      ],
      [
        "activation",
        (r) => {
          r.snapshots[2]!.activations["2"]![7]![1] = marker;
        },
        `snapshot 2 activations["2"] row 7 column 1 is Infinity ${TOO_LARGE}, not a finite number`,
      ],
      [
        "pre-activation",
        (r) => {
          r.snapshots[4]!.preActivations!["1"]![999]![0] = marker;
        },
        `snapshot 4 preActivations["1"] row 999 column 0 is Infinity ${TOO_LARGE}, not a finite number`,
      ],
      [
        "weight",
        (r) => {
          r.snapshots[0]!.weights[2]![0]![2] = marker;
        },
        `snapshot 0 weights[2] row 0 column 2 is Infinity ${TOO_LARGE}, not a finite number`,
      ],
      [
        "bias",
        (r) => {
          r.snapshots[5]!.biases[1]![2] = marker;
        },
        `snapshot 5 biases[1][2] is Infinity ${TOO_LARGE}, not a finite number`,
      ],
      [
        "data",
        (r) => {
          r.data.X[17]![1] = marker;
        },
        `data.X row 17 column 1 is Infinity ${TOO_LARGE}, not a finite number`,
      ],
    ];
    for (const [what, change, problem] of cases) {
      const file = variant(`inf-${what}`, change, (text) => {
        assert.equal(text.split(String(marker)).length, 2, "the marker is unique");
        return text.replace(String(marker), what === "weight" ? "-1e999" : "1e999");
      });
      refuses(file, what === "weight" ? problem.replace("is Infinity", "is -Infinity") : problem);
    }
  });

  test("epochs out of order", () => {
    const file = variant("epochs", (r) => {
      r.snapshots[4]!.epoch = 2;
    });
    refuses(file, "snapshot 4 has epoch 2, not after snapshot 3's epoch 3");
    refuses(
      variant("epochs-repeat", (r) => {
        r.snapshots[1]!.epoch = 0;
      }),
      "snapshot 1 has epoch 0, not after snapshot 0's epoch 0",
    );
  });

  test("weights and biases of the wrong shape", () => {
    refuses(
      variant("w-rows", (r) => {
        r.snapshots[0]!.weights[1]!.pop();
      }),
      "snapshot 0 weights[1] has 2 rows; layer 2 has 3 units",
    );
    refuses(
      variant("w-cols", (r) => {
        r.snapshots[2]!.weights[0]![1]!.push(0);
      }),
      "snapshot 2 weights[0] row 1 has 3 numbers; layer 0 has 2 units",
    );
    refuses(
      variant("b-len", (r) => {
        r.snapshots[5]!.biases[2]!.push(0);
      }),
      "snapshot 5 biases[2] has 2 numbers; layer 3 has 1 unit",
    );
    refuses(
      variant("w-count", (r) => {
        r.snapshots[1]!.weights.pop();
      }),
      "snapshot 1 weights must be a list of 3 matrices (one per layer after the input), got a list of 2",
    );
  });

  test("text labels (they used to hang the renderer)", () => {
    const file = variant("text-labels", (r) => {
      (r.data.y as unknown[])[3] = "cat";
    });
    refuses(file, 'data.y[3] is "cat", not a finite number; labels are numbers');
  });

  test("no snapshots", () => {
    refuses(
      variant("empty", (r) => {
        r.snapshots = [];
      }),
      "snapshots is empty; a run holds at least the snapshot before training",
    );
  });

  test("the data, the scalars and the kept layers", () => {
    const cases: [string, (r: Run) => void, string][] = [
      [
        "xy",
        (r) => {
          r.data.X.pop();
        },
        "data.X has 999 rows for 1000 labels in data.y",
      ],
      [
        "x-width",
        (r) => {
          r.data.X[4] = [1, 2, 3];
        },
        "data.X row 4 has 3 numbers; layer 0 has 2 units",
      ],
      [
        "accuracy",
        (r) => {
          r.snapshots[2]!.accuracy = 1.5;
        },
        "snapshot 2 accuracy is 1.5, not in [0, 1]",
      ],
      [
        "batch",
        (r) => {
          delete (r.snapshots[1] as Partial<Run["snapshots"][number]>).batch;
        },
        "snapshot 1 batch is undefined, not a finite number",
      ],
      [
        "epoch-text",
        (r) => {
          (r.snapshots[1] as unknown as { epoch: string }).epoch = "1";
        },
        'snapshot 1 epoch is "1", not a finite number',
      ],
      [
        "key",
        (r) => {
          r.snapshots[3]!.activations["4"] = [];
        },
        'snapshot 3 activations has the key "4"; keys are layer numbers 0 to 3',
      ],
      [
        "layers",
        (r) => {
          delete r.snapshots[2]!.activations["1"];
        },
        "snapshot 2 activations has layers 2; snapshot 0 has 1, 2",
      ],
      [
        "pre-width",
        (r) => {
          r.snapshots[1]!.preActivations!["2"]![0]!.push(1);
        },
        'snapshot 1 preActivations["2"] row 0 has 4 numbers; layer 2 has 3 units',
      ],
      [
        "pre-missing",
        (r) => {
          delete r.snapshots[3]!.preActivations;
        },
        "snapshot 3 has no preActivations; snapshot 0 has them",
      ],
      [
        "sizes",
        (r) => {
          r.config.sizes = [2, 0, 1];
        },
        "config.sizes must list at least two positive integers, got [2,0,1]",
      ],
      [
        "row-null",
        (r) => {
          (r.data.X as unknown[])[2] = null;
        },
        "data.X row 2 must be a list of 2 numbers, got null",
      ],
    ];
    for (const [name, change, problem] of cases) refuses(variant(name, change), problem);
  });

  test("a run with no kept layers (snapshot.layers []) passes", () => {
    const bare = train({ ...config, snapshot: { layers: [] } });
    assert.equal(checkRun(JSON.parse(JSON.stringify(bare)), "bare.json").snapshots.length, 6);
  });

  test("a bad run file is a bad input file: exit code 2, not 1", () => {
    assert.deepEqual(classify(new RunFileError("run file r.json: snapshots is empty")), {
      code: EXIT.usage,
      expected: true,
    });
  });

  test("checking a 180-snapshot run of 1000 examples x 3 units takes milliseconds, not seconds", () => {
    const long = JSON.parse(JSON.stringify(train({ ...config, epochs: 179, snapshot: { layers: [2] } }))) as unknown;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      checkRun(long, "long.json");
      best = Math.min(best, performance.now() - started);
    }
    // About 1.5 ms on the build machine (10 ms the first time); the bound only catches a pathological slowdown.
    assert.ok(best < 250, `checked in ${best.toFixed(1)} ms`);
  });
});

describe("saveRun writes streaming and atomically", () => {
  const readText = (file: string) => readFileSync(file, "utf8");
  const leftovers = (dir: string) => readdirSync(dir).filter((name) => name.includes(".partial-"));

  test("the file is byte for byte JSON.stringify(run) for ordinary runs", () => {
    const runs: Run[] = [
      run,
      train({ ...config, epochs: 2, snapshot: { layers: [], everyBatches: 7 } }),
      train({
        sizes: [1, 2, 1],
        activation: "tanh",
        data: { X: [[-1], [0.5], [2]], y: [-1, 1, 1] },
        init: { weights: [[[0.1], [-0.2]], [[0.3, 0.4]]], biases: [[0, 0], [0]] },
        epochs: 3,
        batchSize: 2,
        learningRate: 0.1,
        snapshot: { layers: [0, 1, 2] },
      }),
    ];
    runs.forEach((r, i) => {
      const file = path.join(work, `bytes-${i}.json`);
      saveRun(r, file);
      assert.equal(readText(file), JSON.stringify(r));
    });
    const { seconds: _, ...noSeconds } = run;
    saveRun(noSeconds, path.join(work, "no-seconds.json"));
    assert.equal(readText(path.join(work, "no-seconds.json")), JSON.stringify(noSeconds));
  });

  test("the pieces join to JSON.stringify for any JSON-like value", () => {
    const odd = {
      a: undefined,
      b: [1, undefined, () => 0, null, -0, Number.NaN, 'é"\n\u2028', true],
      c: { d: [[], {}, [[1, 2], [3]], new Date(0), new Float64Array([1.5, 2])], e: Symbol("x") },
      f: Array.from({ length: 70_000 }, (_, i) => (i % 3 === 0 ? i / 7 : i)),
      g: Object.assign(Object.create(null), { h: 1 }),
      i: { toJSON: () => "custom" },
    };
    assert.equal([...jsonChunks(odd)].join(""), JSON.stringify(odd));
    for (const v of [1, "s", null, [], {}, [[[]]]]) assert.equal([...jsonChunks(v)].join(""), JSON.stringify(v));
  });

  test("a trained run is written from its flat activations: its rows are not made, and the file is JSON.stringify's", async () => {
    const fresh = train(config);
    const flat = () =>
      fresh.snapshots.every((s) =>
        ["1", "2"].every(
          (k) => lazyRows(s.activations, k) !== undefined && lazyRows(s.preActivations ?? {}, k) !== undefined,
        ),
      );
    assert.ok(flat(), "training keeps every kept layer flat");
    // Odd numbers are written as JSON.stringify writes them: -0 as 0, NaN and infinities as null.
    const odd = fresh.snapshots[0] as (typeof fresh.snapshots)[number];
    const values = lazyRows(odd.activations, "2")?.values as Float64Array;
    values.set([-0, Number.NaN, Number.POSITIVE_INFINITY, 1e-310, 1 / 3], 0);
    const file = path.join(work, "flat.json");
    const fileAsync = path.join(work, "flat-async.json");
    saveRun(fresh, file);
    await saveRunAsync(fresh, fileAsync);
    // Writing read no row: a run held flat in memory stays flat (the memory guard counts on it).
    assert.ok(flat(), "saving made the rows of a flat matrix");
    // JSON.stringify reads every getter (making the rows), so it comes last.
    const want = JSON.stringify(fresh);
    assert.equal(readFileSync(file, "utf8"), want);
    assert.equal(readFileSync(fileAsync, "utf8"), want);
  });

  test("no single piece holds the whole run: about a megabyte at most", () => {
    const big = train({ ...config, epochs: 30 });
    const pieces = [...jsonChunks(big)];
    const whole = JSON.stringify(big);
    assert.ok(whole.length > 5 * CHUNK_CHARS, `the run is ${whole.length} characters`);
    assert.equal(pieces.join(""), whole);
    const longest = Math.max(...pieces.map((p) => p.length));
    assert.ok(longest < CHUNK_CHARS + 1000, `longest piece ${longest}`);
    // A long flat list is cut too.
    const labels = Array.from({ length: 2_000_000 }, (_, i) => i % 2);
    assert.ok(Math.max(...[...jsonChunks({ y: labels })].map((p) => p.length)) < CHUNK_CHARS + 200_000);
  });

  test("a save that fails leaves the old file untouched and no temporary file", () => {
    const dir = mkdtempSync(path.join(work, "fail-"));
    const file = path.join(dir, "r.json");
    writeFileSync(file, "the old run");
    // JSON.stringify throws on a BigInt, here after all the snapshots have been written.
    const broken = { ...run, extra: { n: 1n } } as unknown as Run;
    assert.throws(() => saveRun(broken, file), TypeError);
    assert.equal(readText(file), "the old run");
    assert.deepEqual(readdirSync(dir), ["r.json"]);
  });

  test("a save replaces the old file by renaming over it", () => {
    const dir = mkdtempSync(path.join(work, "over-"));
    const file = path.join(dir, "r.json");
    writeFileSync(file, "the old run");
    saveRun(run, file);
    assert.equal(readText(file), json);
    assert.deepEqual(readdirSync(dir), ["r.json"]);
  });

  test("temporary files and folders of processes that have ended are removed; a live process's are kept", () => {
    // One clean-up for the whole folder, shared with render (src/files): a dead process's
    // temporary of any target goes, file or folder; a running process's stays.
    const dir = mkdtempSync(path.join(work, "stale-"));
    const file = path.join(dir, "r.json");
    let dead = 4_000_000;
    while (isRunning(dead)) dead--;
    const live = `.r.json.partial-${process.ppid}`;
    mkdirSync(path.join(dir, `.frames.partial-${dead - 1}`));
    for (const name of [`.r.json.partial-${dead}`, live, `.other.json.partial-${dead}`]) {
      writeFileSync(path.join(dir, name), "partial");
    }
    saveRun(run, file);
    assert.deepEqual(readdirSync(dir).sort(), [live, "r.json"].sort());
  });

  test("saveRunAsync stops when its signal aborts: no temporary file, the old file kept", async () => {
    const dir = mkdtempSync(path.join(work, "abort-"));
    const file = path.join(dir, "r.json");
    writeFileSync(file, "the old run");
    const big = train({ ...config, epochs: 200, snapshot: { layers: [1, 2] } });
    const controller = new AbortController();
    const reason = new Error("interrupted");
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(saveRunAsync(big, file, { signal: controller.signal }), (e) => e === reason);
    assert.equal(readText(file), "the old run");
    assert.deepEqual(leftovers(dir), []);
    await saveRunAsync(run, file);
    assert.equal(readText(file), json);
  });

  test("an interrupt while the file is flushed to disk is still seen: no rename", async () => {
    const dir = mkdtempSync(path.join(work, "flush-"));
    const file = path.join(dir, "r.json");
    writeFileSync(file, "the old run");
    const out = new PartialFile(file);
    out.write(json);
    const controller = new AbortController();
    const reason = new Error("interrupted");
    const committing = out.commitAsync(controller.signal);
    controller.abort(reason); // while fsync runs on the thread pool
    await assert.rejects(committing, (e) => e === reason);
    out.discard();
    assert.equal(readText(file), "the old run");
    assert.deepEqual(readdirSync(dir), ["r.json"]);
  });

  test("a run file too large to read as one string is refused from its size, before reading", () => {
    const file = path.join(work, "huge.json");
    writeFileSync(file, "");
    truncateSync(file, constants.MAX_STRING_LENGTH + 1); // sparse: takes no disk space
    assert.throws(
      () => loadRun(file),
      (e: Error) =>
        e instanceof RunFileError &&
        e.message ===
          `run file ${file} is 512.0 MB, more than Node can read as one string (512.0 MB); train it again with fewer snapshots (fewer epochs or a larger snapshot.everyBatches), fewer snapshot.layers or fewer examples`,
    );
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
