// A small scene whose frames are drawn from its run, for the run cache's tests: each frame
// plots the hidden layer's activations at one snapshot, so a run that came back different
// from the cache would draw different pixels. NETREEL_TEST_LEARNING_RATE changes its config.
import { defineScene } from "../../src/index.ts";

const learningRate = Number(process.env.NETREEL_TEST_LEARNING_RATE ?? 2);

export default defineScene({
  name: "cached",
  seed: 1,
  duration: 1,
  fps: 10,
  width: 160,
  height: 90,
  train: (seed) => ({
    sizes: [2, 3, 1],
    data: { dataset: "circles", n: 200, factor: 0.4, noise: 0.1, seed },
    epochs: 40,
    batchSize: 10,
    learningRate,
    shuffle: true,
    seed,
    snapshot: { layers: [1] },
  }),
  draw: (ctx, frame) => {
    const { run } = frame;
    const snapshot = run.snapshots[Math.round((frame.index / (frame.frames - 1)) * (run.snapshots.length - 1))];
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, frame.width, frame.height);
    for (const [i, [h1, h2]] of (snapshot?.activations["1"] ?? []).entries()) {
      ctx.fillStyle = run.data.y[i] === 1 ? "#d55e00" : "#0072b2";
      ctx.fillRect((h1 ?? 0) * (frame.width - 2), (h2 ?? 0) * (frame.height - 2), 2, 2);
    }
  },
});
