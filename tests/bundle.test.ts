// netreel runs from a bundle of src/ (scripts/bundle.cjs): never a stale one, and a scene's
// process holds one copy of netreel, the bundle's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PNG } from "pngjs";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-bundle-"));

describe("the bundle", () => {
  test("built once for today's src/, rebuilt after any change there, none with NETREEL_FROM_SOURCE", () => {
    // A copy of netreel, so that changing its sources changes nothing the other tests run.
    const copy = path.join(work, "copy");
    cpSync(path.join(root, "src"), path.join(copy, "src"), { recursive: true });
    cpSync(path.join(root, "scripts/bundle.cjs"), path.join(copy, "scripts/bundle.cjs"));
    cpSync(path.join(root, "package.json"), path.join(copy, "package.json"));
    symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
    const env = { ...process.env, NETREEL_BUNDLE_CACHE: path.join(copy, ".cache") };
    const bundleDir = () => {
      const script = `console.log(require(${JSON.stringify(path.join(copy, "scripts/bundle.cjs"))}).bundleDir())`;
      return spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" }).stdout.trim();
    };

    const first = bundleDir();
    assert.ok(first.startsWith(path.join(copy, ".cache")), first);
    for (const entry of ["index", "main", "hold-signals", "cli-errors", "worker"]) {
      assert.ok(existsSync(path.join(first, `${entry}.mjs`)), `${entry}.mjs is in the bundle`);
    }
    assert.equal(bundleDir(), first, "the same sources: the same bundle");

    appendFileSync(path.join(copy, "src/index.ts"), 'export const CHANGED_FOR_THE_TEST = "yes";\n');
    const second = bundleDir();
    assert.notEqual(second, first, "a change under src/: a new bundle");
    assert.match(readFileSync(path.join(second, "index.mjs"), "utf8"), /CHANGED_FOR_THE_TEST/);
    const changed = spawnSync(
      process.execPath,
      [
        "-e",
        `import(${JSON.stringify(pathToFileURL(path.join(second, "index.mjs")).href)}).then((m) => console.log(m.CHANGED_FOR_THE_TEST))`,
      ],
      { env, encoding: "utf8" },
    );
    assert.equal(changed.stdout.trim(), "yes", changed.stderr);

    const fromSource = spawnSync(
      process.execPath,
      ["-e", `console.log(require(${JSON.stringify(path.join(copy, "scripts/bundle.cjs"))}).bundleDir())`],
      { env: { ...env, NETREEL_FROM_SOURCE: "1" }, encoding: "utf8" },
    );
    assert.equal(fromSource.stdout.trim(), "null");
  });

  // The scene names the file netreel's code runs from: where defineScene throws.
  const folder = path.join(work, "module");
  mkdirSync(folder);
  writeFileSync(path.join(folder, "package.json"), '{ "type": "module" }\n');
  const index = path.join(root, "src/index.ts");
  writeFileSync(
    path.join(folder, "where.ts"),
    `import { defineScene } from ${JSON.stringify(index)};
try {
  defineScene({} as never);
} catch (error) {
  const top = /\\((?:file:\\/\\/)?(\\/[^:]+):\\d+:\\d+\\)/.exec((error as Error).stack ?? "");
  process.stderr.write(\`netreel is \${top?.[1]}\\n\`);
}
export default defineScene({ name: "where", duration: 1, fps: 2, width: 64, height: 36, draw: (ctx) => ctx.fillRect(0, 0, 9, 9) });
`,
  );
  for (const [how, env, expected] of [
    [
      "from the bundle: the scene gets the bundle's netreel",
      {},
      /netreel is \/.*\/node_modules\/\.cache\/netreel\/[0-9a-f]{16}\/[\w-]+\.mjs\n/,
    ],
    [
      "from src/ (NETREEL_FROM_SOURCE=1): the scene gets src/index.ts",
      { NETREEL_FROM_SOURCE: "1" },
      /netreel is \/.*\/src\/scene\/scene\.ts\n/,
    ],
  ] as const) {
    test(`a scene's process holds one netreel: ${how}`, () => {
      const out = path.join(work, `where-${Object.keys(env).length}.png`);
      const result = spawnSync(
        process.execPath,
        [NETREEL, "render", path.join(folder, "where.ts"), "--frame", "0", "--out", out, "--verbose", "--quiet"],
        { env: { ...process.env, ...env }, encoding: "utf8" },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, expected);
      assert.ok(existsSync(out));
    });
  }

  test("the command that supervises a render never loads node-canvas: drawing is the scene's process's", () => {
    // Loaded before the command: at its exit, says whether node-canvas was ever required.
    const probe = path.join(work, "canvas-probe.cjs");
    writeFileSync(
      probe,
      `process.on("exit", () => process.stderr.write("canvas loaded: " + Object.keys(require("node:module")._cache).some((f) => f.includes("/node_modules/canvas/")) + "\\n"));\n`,
    );
    for (const args of [
      ["render", "scenes/hidden.ts", "--frame", "3", "--size", "320x180", "--out", path.join(work, "still.png")],
      ["render", "tests/scenes/misbehaves.ts", "--out", path.join(work, "clip.mp4")],
    ]) {
      const result = spawnSync(process.execPath, ["--require", probe, NETREEL, ...args, "--quiet"], {
        cwd: root,
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /^canvas loaded: false$/m, args.join(" "));
    }
  });
});

describe("compiled scenes", () => {
  // The colour comes from a file the scene imports: a change there must be drawn too.
  const folder = mkdtempSync(path.join(work, "compiled-"));
  const scene = path.join(folder, "colour.ts");
  const helper = path.join(folder, "which.ts");
  writeFileSync(
    scene,
    `import { defineScene } from ${JSON.stringify(path.join(root, "src/index.ts"))};
import { COLOUR } from "./which.ts";
export default defineScene({ name: "colour", duration: 1, fps: 2, width: 8, height: 8,
  draw: (ctx) => { ctx.fillStyle = COLOUR; ctx.fillRect(0, 0, 8, 8); } });
`,
  );
  const setColour = (colour: string, secondsAgo: number) => {
    writeFileSync(helper, `export const COLOUR = "${colour}";\n`);
    // In the past: a file saved within the last second is never taken from the cache.
    const then = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(helper, then, then);
    utimesSync(scene, then, then);
  };
  const drawn = (): string => {
    const out = path.join(folder, "frame.png");
    const result = spawnSync(process.execPath, [NETREEL, "render", scene, "--frame", "0", "--out", out, "--quiet"], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    const { data } = PNG.sync.read(readFileSync(out));
    return `#${[data[0], data[1], data[2]].map((v) => (v as number).toString(16).padStart(2, "0")).join("")}`;
  };

  test("are reused while their files are unchanged, and compiled again when one of them changes", () => {
    setColour("#ff0000", 20);
    assert.equal(drawn(), "#ff0000");
    assert.equal(drawn(), "#ff0000", "reused");
    // The same size, another time: the imported file changed.
    setColour("#00ff00", 10);
    assert.equal(drawn(), "#00ff00", "the change in the imported file is drawn");
    // Saved just now: never from the cache (the compile might not have read the new text).
    writeFileSync(helper, `export const COLOUR = "#0000ff";\n`);
    assert.equal(drawn(), "#0000ff");
  });
});
