// A scene that fails while drawing frame 5, for the render command's error path.
import { defineScene } from "../../src/index.ts";

export default defineScene({
  name: "throws",
  duration: 1,
  fps: 10,
  width: 160,
  height: 90,
  train: (seed) => ({
    sizes: [2, 2, 1],
    data: { dataset: "circles", n: 40, seed },
    epochs: 1,
    batchSize: 10,
    learningRate: 1,
  }),
  draw: (ctx, frame) => {
    if (frame.index === 5) throw new Error("boom at frame five");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, frame.width, frame.height);
  },
});
