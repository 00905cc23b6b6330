// A scene that misbehaves in the way NETREEL_TEST_MISBEHAVE names, for the render command's
// reliability tests: the scene's code runs in its own process, and each of these must end in
// one clear line with the old output untouched.
//   throw  draw() throws on every frame (so on the first one drawn)
//   loop   draw() never returns from frame 2 on
//   slow   draw() takes 40 ms a frame (time to signal a phase), blocked but not using the CPU
//   oom    draw() allocates until the process runs out of memory
//   train  training that lasts many seconds
//   throw7 draw() throws on frame 7 only (with --jobs, in one of the processes)
//   die7   the process drawing frame 7 is killed (SIGKILL) while drawing it
import { defineScene } from "../../src/index.ts";

const how = process.env.NETREEL_TEST_MISBEHAVE ?? "";
const hog: number[][] = [];

/**
 * Blocks for `ms` without using the CPU: to its supervisor the process is as busy as a slow
 * draw; the machine is not (a busy-wait here cost the signal and reliability tests ~40 CPU-s).
 */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export default defineScene({
  name: "misbehaves",
  duration: 3,
  fps: 10,
  width: 160,
  height: 90,
  train: (seed) => ({
    sizes: [2, 3, 1],
    data: { dataset: "circles", n: how === "train" ? 1000 : 40, seed },
    epochs: how === "train" ? 100_000 : 1,
    batchSize: 10,
    learningRate: 1,
    snapshot: { layers: [] },
  }),
  draw: (ctx, frame) => {
    if (how === "throw") throw new Error(`boom at frame ${frame.index}`);
    if (how === "throw7" && frame.index === 7) throw new Error("boom at frame 7");
    if (how === "die7" && frame.index === 7) process.kill(process.pid, "SIGKILL");
    if (how === "loop" && frame.index >= 2) while (true) {}
    if (how === "slow") sleep(40);
    if (how === "oom") while (true) hog.push(new Array(1e5).fill(frame.index));
    ctx.fillStyle = `hsl(${(frame.index * 37) % 360}, 60%, 60%)`;
    ctx.fillRect(0, 0, frame.width, frame.height);
  },
});
