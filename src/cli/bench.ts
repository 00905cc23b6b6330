import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeCircles } from "../data/index.ts";
import { BatchWorkspace, initNetwork, Sgd } from "../nn/index.ts";
import { train } from "../train/index.ts";
import { encodeDataset } from "../train/targets.ts";

/** Median and best of `repeats` timings of `work`, in seconds. */
function time(work: () => void, repeats: number): { median: number; best: number } {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    work();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, best: times[0] as number };
}

const seconds = (t: { median: number; best: number }) => `${t.median.toFixed(3)} s (best ${t.best.toFixed(3)} s)`;

/**
 * Training speed: the [2,3,3,1] sigmoid network on 1000 circles points, 1000 epochs of
 * mini-batch SGD with batch size 50. numpy's vectorised loop takes about 1.0 s here.
 */
function benchTraining(): void {
  const data = makeCircles({ n: 1000, factor: 0.3, noise: 0.1, seed: 0 });
  const spec = { sizes: [2, 3, 3, 1], activation: "sigmoid" as const };
  const sgdOnly = time(() => {
    const net = initNetwork(spec, { scheme: "normal", seed: 1 });
    const { X, Y } = encodeDataset(data, 1);
    const sgd = new Sgd(net, { learningRate: 3 });
    const order = Array.from({ length: 1000 }, (_, i) => i);
    const ws = new BatchWorkspace(net.sizes, 50);
    for (let epoch = 0; epoch < 1000; epoch++) {
      for (let start = 0; start < 1000; start += 50) {
        ws.loadInputs(X, order, start);
        ws.loadTargets(Y, order, start);
        sgd.step(ws);
      }
    }
  }, 7);
  const config = {
    sizes: spec.sizes,
    data: { X: data.X, y: data.y },
    init: { scheme: "normal", seed: 1 },
    epochs: 1000,
    batchSize: 50,
    learningRate: 3,
  };
  const withLoss = time(() => train({ ...config, snapshot: { layers: [] } }), 3);
  const withActivations = time(() => train({ ...config, snapshot: { layers: [2] } }), 3);
  const numpy = spawnSync("/usr/bin/python3", ["scripts/numpy-train-bench.py"], { encoding: "utf8" });
  const numpyLine =
    numpy.status === 0
      ? `${Number(numpy.stdout).toFixed(3)} s (this machine, Debian's python3-numpy)`
      : "not measured (needs /usr/bin/python3 with numpy: apt-get install python3-numpy)";
  console.log("training: [2,3,3,1] sigmoid, 1000 circles points, 1000 epochs, batch 50 (median of runs)");
  console.log(`  SGD loop alone                              ${seconds(sgdOnly)}   (target < 0.3 s)`);
  console.log(`  the same loop in numpy, vectorised          ${numpyLine}`);
  console.log(`  train(), loss and accuracy every epoch      ${seconds(withLoss)}`);
  console.log(`  train(), plus layer-2 activations per epoch ${seconds(withActivations)}`);
}

/**
 * The motion check of scenes/hidden.ts (every frame at 640x360, its own 30 fps) against a
 * preview render of it (640x360 at 15 fps, MP4), each the whole command in a fresh process,
 * alternating, three times; the target is at most 2x.
 */
function benchMotion(): void {
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-motion-"));
  const cli = (args: string[]) => {
    const started = performance.now();
    spawnSync(process.execPath, ["scripts/netreel.js", ...args], { encoding: "utf8", maxBuffer: 1 << 22 });
    return (performance.now() - started) / 1000;
  };
  try {
    const preview: number[] = [];
    const motion: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Both train, as they did before the run cache (npm run bench -- cache measures that).
      preview.push(
        cli(["render", "scenes/hidden.ts", "--preview", "--out", path.join(work, "p.mp4"), "--quiet", "--no-cache"]),
      );
      motion.push(cli(["test", "--motion", "scenes/hidden.ts", "--no-cache"]));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] as number;
    const ratio = median(motion) / median(preview);
    console.log(
      `motion check, hidden.ts (360 frames at 640x360): ${median(motion).toFixed(2)} s; preview render (180 frames at 640x360, MP4): ${median(preview).toFixed(2)} s; ${ratio.toFixed(2)}x (target <= 2x: ${ratio <= 2 ? "met" : "NOT met"})`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The run cache: how much sooner a render starts drawing when its scene's run is in the cache.
 * Each figure is the whole command in a fresh process, `render SCENE --frame 0 --size 640x360`:
 * start-up, loading the scene, its run trained (cold: the cache empty, the run then written to
 * it) or read from the cache (warm), the scene's prepare, frame 0 drawn and its PNG written;
 * that is, the time to the first frame drawn and ~0.05 s more. Cold and warm alternate, five
 * of each, medians. For scenes/hidden.ts (training 0.04-0.5 s in a fresh process), and for a
 * copy of it that trains 9000 epochs with its snapshots 300 times as far apart (the same 121,
 * so the run is as large): a scene whose training takes over a second, where the target
 * applies. (At 3000 epochs it trained in 0.44 s once training kept its activations flat.)
 */
function benchCache(): void {
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-cache-"));
  const source = readFileSync("scenes/hidden.ts", "utf8").replace(
    '"../src/index.ts"',
    JSON.stringify(path.resolve("src/index.ts")),
  );
  const longer = source.replace("epochs: 30,", "epochs: 9000,").replace("everyBatches: 5 }", "everyBatches: 1500 }");
  if (!longer.includes("epochs: 9000,") || !longer.includes("everyBatches: 1500 }")) {
    throw new Error("bench cache: scenes/hidden.ts no longer says epochs: 30 and everyBatches: 5; update the bench");
  }
  const longScene = path.join(work, "hidden-9000-epochs.ts");
  writeFileSync(longScene, longer);
  const cache = path.join(work, "cache");
  const still = (scene: string, expect: RegExp) => {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        "scripts/netreel.js",
        "render",
        scene,
        "--frame",
        "0",
        "--size",
        "640x360",
        "--out",
        path.join(work, "f.png"),
        "--verbose",
      ],
      { encoding: "utf8", env: { ...process.env, NETREEL_CACHE_DIR: cache } },
    );
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0 || !expect.test(result.stderr)) throw new Error(`bench cache: ${result.stderr}`);
    const training = /^trained .* in ([\d.]+) s/m.exec(result.stderr);
    return { seconds, training: training ? Number(training[1]) : 0 };
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  try {
    console.log(
      "run cache: render SCENE --frame 0 --size 640x360, the whole command (time to the first frame drawn, and its PNG written); 5 cold (cache empty: train, write it) and 5 warm (run read from the cache), alternating, medians",
    );
    for (const [name, scene] of [
      ["scenes/hidden.ts", "scenes/hidden.ts"],
      ["hidden.ts at 9000 epochs", longScene],
    ] as const) {
      const cold: number[] = [];
      const warm: number[] = [];
      const training: number[] = [];
      for (let round = 0; round < 5; round++) {
        rmSync(cache, { recursive: true, force: true });
        const trained = still(scene, /^trained /m);
        cold.push(trained.seconds);
        training.push(trained.training);
        warm.push(still(scene, /^run loaded from cache/m).seconds);
      }
      const sooner = 1 - median(warm) / median(cold);
      const target =
        median(training) > 1 ? `target >= 30%: ${sooner >= 0.3 ? "met" : "NOT met"}` : "training under 1 s: no target";
      console.log(
        `  ${name.padEnd(24)} cold ${median(cold).toFixed(2)} s (training ${median(training).toFixed(2)} s), warm ${median(warm).toFixed(2)} s: first frame ${(100 * sooner).toFixed(0)}% sooner (${target}); cold ${cold.map((s) => s.toFixed(2)).join(", ")}; warm ${warm.map((s) => s.toFixed(2)).join(", ")}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * How long a render takes to stop after Ctrl-C, in the phases where a scene's or netreel's own
 * work is busiest: training, drawing, a draw() that never returns. Each is the whole command in
 * a fresh process (tests/scenes/misbehaves.ts), signalled once its phase shows on stderr; the
 * median of three; the target is at most 1 s. Long on purpose: a script of measurements, each
 * printed as soon as it is made.
 */
async function benchSignals(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-signals-"));
  const render = ["render", "tests/scenes/misbehaves.ts", "--out", path.join(work, "clip.mp4")];
  // The most examples a config may ask for (MAX_EXAMPLES), generated in one piece.
  const config = path.join(work, "big.json");
  writeFileSync(
    config,
    JSON.stringify({
      sizes: [2, 3, 1],
      data: { dataset: "circles", n: 200_000, noise: 0.1 },
      epochs: 3,
      batchSize: 100,
      learningRate: 1,
      snapshot: { layers: [] },
    }),
  );
  const phases = [
    // Training prints nothing until it ends: 2 s after the start.
    { phase: "training", args: render, misbehave: "train", when: null, after: 2 },
    { phase: "drawing", args: render, misbehave: "slow", when: /frames \(10%\)/, after: 0 },
    { phase: "a draw() that never returns", args: render, misbehave: "loop", when: /rendering/, after: 1 },
    // The whole command takes 0.6-1.5 s (start-up, the 200,000 examples, 3 epochs), so the
    // signal comes at three moments across it; a run that ended before its signal is not counted.
    {
      phase: "making 200,000 examples",
      args: ["train", config, "--out", path.join(work, "big.run.json")],
      misbehave: "",
      when: null,
      after: [0.25, 0.35, 0.45],
    },
  ];
  try {
    for (const { phase, args, misbehave, when, after } of phases) {
      const stops: number[] = [];
      for (const delay of Array.isArray(after) ? after : [after, after, after]) {
        const child = spawn(process.execPath, ["scripts/netreel.js", ...args], {
          env: { ...process.env, NETREEL_TEST_MISBEHAVE: misbehave },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        let signalled = 0;
        const exited = once(child, "exit");
        await new Promise<void>((resolve) => {
          const fire = () => {
            if (signalled) return;
            signalled = performance.now();
            child.kill("SIGINT");
            resolve();
          };
          if (when === null) setTimeout(fire, delay * 1000);
          child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk;
            if (when?.test(stderr) && !signalled) setTimeout(fire, delay * 1000);
          });
          void exited.then(() => resolve());
        });
        const [code] = await exited;
        // Stopped by the signal (130): a run that had ended before it came says nothing.
        if (signalled && code === 130) stops.push((performance.now() - signalled) / 1000);
      }
      const sorted = [...stops].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      if (median === undefined) {
        console.log(`  Ctrl-C during ${phase.padEnd(28)} not measured: each run ended before its signal`);
        continue;
      }
      console.log(
        `  Ctrl-C during ${phase.padEnd(28)} stopped in ${median.toFixed(2)} s (median of ${stops.length}; ${sorted.map((s) => s.toFixed(2)).join(", ")}; target <= 1 s: ${median <= 1 ? "met" : "NOT met"})`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const SECTIONS = ["train", "render", "matplotlib", "formats", "motion", "cache", "signals", "studio"];

export async function benchCommand(argv: string[]): Promise<number> {
  const roundsAt = argv.indexOf("--rounds");
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 3;
  const only = roundsAt >= 0 ? argv.filter((_, i) => i !== roundsAt && i !== roundsAt + 1)[0] : argv[0];
  if ((only !== undefined && !SECTIONS.includes(only)) || !(Number.isInteger(rounds) && rounds >= 1)) {
    console.error(
      `usage: npm run bench [-- ${SECTIONS.join("|")}] [--rounds N]   (rounds: render, matplotlib and formats, default 3)`,
    );
    return 2;
  }
  if (only === undefined || only === "train") benchTraining();
  if (only === undefined || only === "render") {
    const { benchRender } = await import("./bench-render.ts");
    await benchRender({ rounds });
  }
  if (only === undefined || only === "matplotlib") {
    const { benchMatplotlib } = await import("./bench-matplotlib.ts");
    await benchMatplotlib({ rounds });
  }
  if (only === undefined || only === "formats") {
    const { benchFormats } = await import("./bench-formats.ts");
    await benchFormats({ rounds });
  }
  if (only === undefined || only === "motion") benchMotion();
  if (only === undefined || only === "cache") benchCache();
  if (only === undefined || only === "signals") await benchSignals();
  if (only === undefined || only === "studio") {
    const { benchStudio } = await import("./bench-studio.ts");
    await benchStudio();
  }
  return 0;
}
