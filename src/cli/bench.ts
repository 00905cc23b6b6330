import { makeCircles } from "../data/index.ts";
import { BatchWorkspace, initNetwork, Sgd } from "../nn/index.ts";
import { train } from "../train/index.ts";
import { encodeDataset } from "../train/targets.ts";

/** Median of `repeats` timings of `work`, in seconds. */
function time(work: () => void, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    work();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

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
  }, 5);
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
  console.log("training: [2,3,3,1] sigmoid, 1000 circles points, 1000 epochs, batch 50 (median)");
  console.log(`  SGD loop alone                              ${sgdOnly.toFixed(3)} s   (target < 0.3 s; numpy ~1.0 s)`);
  console.log(`  train(), loss and accuracy every epoch      ${withLoss.toFixed(3)} s`);
  console.log(`  train(), plus layer-2 activations per epoch ${withActivations.toFixed(3)} s`);
}

export async function benchCommand(argv: string[]): Promise<number> {
  const only = argv[0];
  if (only === undefined || only === "train") benchTraining();
  return 0;
}
