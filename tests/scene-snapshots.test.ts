// netreel's own scenes are checked the way a course author checks theirs: `netreel test`
// over scenes/, against scenes/__snapshots__ (no second golden mechanism for scenes).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");

test("every scene in scenes/ matches its snapshots and passes the motion check (netreel test, as CI runs it)", () => {
  const scenes = readdirSync(path.join(root, "scenes")).filter((f) => f.endsWith(".ts") && !f.startsWith("."));
  for (const scene of scenes) {
    const folder = path.join(root, "scenes/__snapshots__", scene.replace(/\.ts$/, ""));
    assert.ok(
      readdirSync(folder).some((f) => f.endsWith(".png")),
      `${scene} has no snapshots in ${folder}`,
    );
  }
  const result = spawnSync(process.execPath, ["scripts/netreel.js", "test"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /^\d+ passed, 0 failed$/m);
  assert.equal(result.stdout.match(/frames checked, /g)?.length, scenes.length);
  // And every frame of every scene passes the motion check, which netreel test runs by default.
  assert.equal(result.stdout.match(/frames checked for motion, nothing stands out/g)?.length, scenes.length);
  assert.match(result.stdout, new RegExp(`^${scenes.length} scenes passed the motion check, 0 failed$`, "m"));
});
