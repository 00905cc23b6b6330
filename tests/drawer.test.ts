// The supervisor's handle on a scene's process (SceneDrawer): requests and their answers.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SceneDrawer } from "../src/render/drawer.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

test("the same frame asked for twice at once gets two answers (the second no longer replaces the first)", {
  timeout: 60_000,
}, async () => {
  const drawer = new SceneDrawer({ file: path.join(root, "tests/scenes/no-network.ts"), timeoutSeconds: 8 });
  try {
    const meta = await drawer.load();
    const frames = Math.round(meta.duration * meta.fps);
    await drawer.prepare(
      {
        run: undefined,
        seed: meta.seed,
        width: 160,
        height: 90,
        fps: meta.fps,
        frames,
        duration: frames / meta.fps,
        theme: "light",
      },
      { raw: false, png: true },
    );
    const [a, b] = await Promise.all([drawer.draw(5), drawer.draw(5)]);
    assert.ok(a.png && b.png && a.png.length > 0);
    assert.ok(Buffer.from(a.png).equals(Buffer.from(b.png)), "the same frame twice");
    // And the process is still healthy: the watchdog did not take it for stuck.
    const again = await drawer.draw(6);
    assert.ok(again.png && again.png.length > 0);
    await drawer.close();
  } finally {
    await drawer.kill();
  }
});
