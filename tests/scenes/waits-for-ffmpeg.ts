// A scene whose module, as it loads, waits for the file NETREEL_TEST_MARKER: the test's fake
// ffmpeg writes it when netreel asks it for its encoders. A render finds ffmpeg while the scene's
// process loads the scene, so the file comes; were ffmpeg looked for only after the load, it
// never would, and the scene says so. NETREEL_TEST_MISBEHAVE=load: the module then fails to load.
import { existsSync } from "node:fs";
import { defineScene } from "../../src/index.ts";

const marker = process.env.NETREEL_TEST_MARKER ?? "";
const wait = new Int32Array(new SharedArrayBuffer(4));
for (let waited = 0; !existsSync(marker) && waited < 20_000; waited += 20) Atomics.wait(wait, 0, 0, 20);
if (!existsSync(marker)) throw new Error("ffmpeg was not asked for its encoders while this scene loaded");
if (process.env.NETREEL_TEST_MISBEHAVE === "load") throw new Error("boom while loading");

export default defineScene({
  name: "waits-for-ffmpeg",
  duration: 0.5,
  fps: 10,
  width: 160,
  height: 90,
  draw: (ctx, frame) => {
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, frame.width, frame.height);
  },
});
