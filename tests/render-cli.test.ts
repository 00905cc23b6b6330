import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { saveRun, train } from "../src/train/index.ts";
import { childProcesses, NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-render-"));
const SMALL = ["--size", "320x180", "--fps", "10", "--duration", "1.5"];

function render(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [NETREEL, "render", ...args], {
    cwd: root,
    encoding: "utf8",
    env,
  });
}

function probe(file: string): Record<string, string> {
  const out = execFileSync(
    "ffprobe",
    [
      "-v",
      "error",
      "-count_frames",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,pix_fmt,width,height,nb_read_frames:format=duration",
      "-of",
      "default=noprint_wrappers=1",
      file,
    ],
    { encoding: "utf8" },
  );
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((line) => line.split("=") as [string, string]),
  );
}

/** Decodes every frame; ffmpeg prints nothing at -v error when the stream is sound. */
function decodeErrors(file: string): string {
  const result = spawnSync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], { encoding: "utf8" });
  assert.equal(result.status, 0);
  return result.stderr;
}

/** Files in the folder that are not the expected outputs: leftovers of a failed render. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.includes(".partial-"));
}

describe("render formats (hidden.ts, 1.5 s at 320x180, 10 fps)", () => {
  test("MP4: H.264, yuv420p, 15 frames, 1.5 s, decodes cleanly", () => {
    const out = path.join(work, "clip.mp4");
    const result = render(["scenes/hidden.ts", ...SMALL, "--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /clip\.mp4: 0:02 \(1\.5 s\), 15 frames, 320x180 at 10 fps, [\d.]+ KB; rendered in [\d.]+ s/,
    );
    const info = probe(out);
    assert.equal(info.codec_name, "h264");
    assert.equal(info.pix_fmt, "yuv420p");
    assert.equal(`${info.width}x${info.height}`, "320x180");
    assert.equal(info.nb_read_frames, "15");
    assert.ok(Math.abs(Number(info.duration) - 1.5) < 0.01, `duration ${info.duration}`);
    assert.equal(decodeErrors(out), "");
    // +faststart: the index (moov) comes before the media data, so browsers can start playing at once.
    const bytes = readFileSync(out);
    assert.ok(bytes.indexOf("moov") < bytes.indexOf("mdat"), "moov before mdat");
  });

  test("WebM: VP9, yuv420p, 15 frames", () => {
    const out = path.join(work, "clip.webm");
    const result = render(["scenes/hidden.ts", ...SMALL, "--format", "webm", "--out", out, "--quiet"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout + result.stderr, "");
    const info = probe(out);
    assert.equal(info.codec_name, "vp9");
    assert.equal(info.pix_fmt, "yuv420p");
    assert.equal(info.nb_read_frames, "15");
    assert.ok(Math.abs(Number(info.duration) - 1.5) < 0.02, `duration ${info.duration}`);
    assert.equal(decodeErrors(out), "");
  });

  test("MP4 and GIF in one pass, both at the size and rate asked for (above the GIF's own 640 px and 15 fps)", () => {
    const base = path.join(work, "both");
    const result = render([
      "scenes/hidden.ts",
      // Above the GIF's own 640 px and 15 fps, so that a silent cap would show.
      "--size",
      "800x450",
      "--fps",
      "20",
      "--duration",
      "1",
      "--format",
      "mp4,gif",
      "--out",
      base,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const gif = probe(`${base}.gif`);
    assert.equal(gif.codec_name, "gif");
    assert.equal(gif.pix_fmt, "bgra");
    // The size and rate asked for are the GIF's too (never shrunk without a word).
    assert.equal(`${gif.width}x${gif.height}`, "800x450");
    assert.equal(gif.nb_read_frames, "20");
    assert.ok(Math.abs(Number(gif.duration) - 1) < 0.02, `duration ${gif.duration}`);
    assert.equal(decodeErrors(`${base}.gif`), "");
    const mp4 = probe(`${base}.mp4`);
    assert.equal(`${mp4.width}x${mp4.height}`, "800x450");
    assert.equal(mp4.nb_read_frames, "20");
    assert.deepEqual(leftovers(work), []);
  });

  test("a GIF alone is drawn at its own size and rate: 640x360, 15 fps; with --size, at that size", () => {
    const out = path.join(work, "alone.gif");
    const result = render(["scenes/hidden.ts", "--format", "gif", "--duration", "1", "--out", out, "--quiet"]);
    assert.equal(result.status, 0, result.stderr);
    const gif = probe(out);
    assert.equal(`${gif.width}x${gif.height}`, "640x360");
    assert.equal(gif.nb_read_frames, "15");
    assert.equal(decodeErrors(out), "");
    const large = path.join(work, "large.gif");
    const asked = render([
      "scenes/hidden.ts",
      "--format",
      "gif",
      "--size",
      "800x450",
      "--duration",
      "1",
      "--out",
      large,
      "--quiet",
    ]);
    assert.equal(asked.status, 0, asked.stderr);
    assert.equal(`${probe(large).width}x${probe(large).height}`, "800x450");
    assert.equal(probe(large).nb_read_frames, "15");
  });

  test("a folder of PNG frames, and --frame N gives the same picture as frame N of the folder", () => {
    const dir = path.join(work, "frames");
    assert.equal(render(["scenes/hidden.ts", ...SMALL, "--format", "png", "--out", dir, "--quiet"]).status, 0);
    const names = readdirSync(dir).sort();
    assert.equal(names.length, 15);
    assert.equal(names[0], "frame-00000.png");
    assert.equal(names[14], "frame-00014.png");
    for (const name of [names[0], names[14]]) {
      const png = PNG.sync.read(readFileSync(path.join(dir, name as string)));
      assert.equal(`${png.width}x${png.height}`, "320x180");
    }
    const single = path.join(work, "frame7.png");
    const result = render(["scenes/hidden.ts", ...SMALL, "--frame", "7", "--out", single]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /frame7\.png: frame 7 of 15, 320x180/);
    const a = PNG.sync.read(readFileSync(single));
    const b = PNG.sync.read(readFileSync(path.join(dir, "frame-00007.png")));
    assert.equal(a.width, 320);
    assert.ok(a.data.equals(b.data), "a frame rendered alone equals the same frame in a full render");
  });

  test("--frames A-B renders a part: the same frames as the whole, and MP4 parts join into the clip", () => {
    const whole = path.join(work, "whole-frames");
    assert.equal(render(["scenes/hidden.ts", ...SMALL, "--format", "png", "--out", whole, "--quiet"]).status, 0);
    const part = path.join(work, "frames-5-9");
    assert.equal(render(["scenes/hidden.ts", ...SMALL, "--format", "png", "--frames", "5-9", "--out", part]).status, 0);
    assert.deepEqual(readdirSync(part).sort(), [
      "frame-00005.png",
      "frame-00006.png",
      "frame-00007.png",
      "frame-00008.png",
      "frame-00009.png",
    ]);
    for (const name of readdirSync(part)) {
      assert.ok(readFileSync(path.join(part, name)).equals(readFileSync(path.join(whole, name))), name);
    }

    const first = path.join(work, "part-0-6.mp4");
    const second = path.join(work, "part-7-14.mp4");
    const one = render(["scenes/hidden.ts", ...SMALL, "--frames", "0-6", "--out", first]);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /part-0-6\.mp4: 0:01 \(0\.7 s\), 7 frames, 320x180 at 10 fps/);
    assert.equal(render(["scenes/hidden.ts", ...SMALL, "--frames", "7-14", "--out", second, "--quiet"]).status, 0);
    assert.equal(probe(first).nb_read_frames, "7");
    assert.equal(probe(second).nb_read_frames, "8");
    const list = path.join(work, "parts.txt");
    writeFileSync(list, `file '${first}'\nfile '${second}'\n`);
    const joined = path.join(work, "joined.mp4");
    execFileSync("ffmpeg", ["-v", "error", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-y", joined]);
    const info = probe(joined);
    assert.equal(info.nb_read_frames, "15");
    assert.equal(Number(info.duration).toFixed(1), "1.5");
    assert.equal(decodeErrors(joined), "");
  });

  test("a scene can draw from a saved run instead of training", () => {
    const run = train({
      sizes: [2, 3, 3, 1],
      data: { dataset: "circles", n: 200, factor: 0.3, noise: 0.1 },
      epochs: 2,
      batchSize: 20,
      learningRate: 3,
      snapshot: { layers: [2] },
    });
    saveRun(run, path.join(work, "saved.run.json"));
    const scene = path.join(work, "from-run.ts");
    writeFileSync(
      scene,
      `import { defineScene } from ${JSON.stringify(path.join(root, "src/index.ts"))};
export default defineScene({ name: "from-run", run: "saved.run.json", duration: 0.5, fps: 4, width: 64, height: 36,
  draw: (ctx, frame) => { ctx.fillStyle = frame.run.snapshots.length === 3 ? "#00ff00" : "#ff0000"; ctx.fillRect(0, 0, 64, 36); } });\n`,
    );
    const out = path.join(work, "from-run.png");
    assert.equal(render([scene, "--frame", "0", "--out", out]).status, 0);
    const png = PNG.sync.read(readFileSync(out));
    assert.deepEqual([...png.data.subarray(0, 3)], [0, 255, 0]);
    // A seed cannot change a saved run: asking for one is refused, not silently ignored.
    const seeded = render([scene, "--frame", "0", "--seed", "7", "--out", out]);
    assert.equal(seeded.status, 2, seeded.stderr);
    assert.match(
      seeded.stderr,
      /--seed 7: .*from-run\.ts draws the saved run saved\.run\.json, which a seed cannot change/,
    );
  });
});

describe("render errors: one line, non-zero exit, nothing at the target", () => {
  const syntaxError = path.join(work, "syntax-error.ts");
  writeFileSync(syntaxError, 'export default { name: "x", draw: (ctx) => { ctx.fillRect(0, 0 } };\n');
  const badConfig = path.join(work, "bad-config.ts");
  writeFileSync(
    badConfig,
    `import { defineScene } from ${JSON.stringify(path.join(root, "src/index.ts"))};
export default defineScene({ name: "bad-config", draw: () => {},
  train: () => ({ sizes: [2, 3, 1], data: { dataset: "circles", n: 100 }, epochs: 2, batchSize: 10, learningRate: -1 }) });\n`,
  );
  const cases: [string, string[], number, RegExp, NodeJS.ProcessEnv?][] = [
    ["a missing scene file", ["scenes/nope.ts"], 2, /scene file scenes\/nope\.ts does not exist/],
    ["a module that is not a scene", ["tests/scenes/not-a-scene.ts"], 2, /must export a scene as its default/],
    [
      "a scene with a syntax error: where it is, on the same line",
      [syntaxError],
      1,
      /scene file .*syntax-error\.ts failed to load: .*syntax-error\.ts:1:\d+: Expected "\)" but found "\}"$/m,
    ],
    [
      "a scene whose training config is wrong: the scene, the field and where it is written",
      [badConfig],
      2,
      /scene .*bad-config\.ts:3:101: config field 'learningRate': must be a positive number, got -1/,
    ],
    [
      "a scene that throws while drawing frame 5",
      ["tests/scenes/throws.ts"],
      1,
      /scene tests\/scenes\/throws\.ts threw while drawing frame 5: boom at frame five/,
    ],
    [
      "--size 0x0",
      ["scenes/hidden.ts", "--size", "0x0"],
      2,
      /--size must be WIDTHxHEIGHT between 16x16 and 7680x4320, e\.g\. 1280x720; got '0x0'/,
    ],
    ["--fps -1", ["scenes/hidden.ts", "--fps", "-1"], 2, /--fps must be a number from 1 to 240, got '-1'/],
    [
      "an unknown format",
      ["scenes/hidden.ts", "--format", "avi"],
      2,
      /unknown format 'avi'; choose from mp4, gif, webm, png/,
    ],
    [
      "an odd size for MP4",
      ["scenes/hidden.ts", "--size", "321x181"],
      2,
      /MP4 needs an even width and height .* try 322x182/,
    ],
    ["a frame past the end", ["scenes/hidden.ts", "--frame", "9999"], 2, /--frame 9999 is past the last frame \(359\)/],
    [
      "a time past the end",
      ["scenes/hidden.ts", "--frame", "99s"],
      2,
      /the moment "99s" is past the end of the 12 s clip/,
    ],
    [
      "a beat the scene does not have",
      ["scenes/hidden.ts", "--frame", "trainig:middle"],
      2,
      /the moment "trainig:middle" cannot be found: there is no beat named "trainig"; the beats are title, start, training, end/,
    ],
    [
      "frames past the end",
      ["scenes/hidden.ts", "--frames", "300-400"],
      2,
      /--frames 300-400 goes past the last frame \(359\) of a 12 s clip at 30 fps/,
    ],
    [
      "frames backwards",
      ["scenes/hidden.ts", "--frames", "9-2"],
      2,
      /--frames must be FIRST-LAST \(0-based, both included, FIRST <= LAST\), e\.g\. 0-179; got '9-2'/,
    ],
    ["--frame and --frames together", ["scenes/hidden.ts", "--frame", "1", "--frames", "0-2"], 2, /use one/],
    ["an unknown option", ["scenes/hidden.ts", "--colour", "red"], 2, /Unknown option '--colour'/],
    [
      "a scene file that is not a script",
      ["README.md"],
      2,
      /scene file README\.md is not a script: a scene is a \.ts, \.mts, \.js, \.mjs file/,
    ],
    ["an unknown theme", ["scenes/hidden.ts", "--theme", "blue"], 2, /--theme must be light or dark, got 'blue'/],
    [
      "FFMPEG_PATH pointing to nothing",
      ["scenes/hidden.ts", ...SMALL],
      1,
      /FFMPEG_PATH is set to \/nonexistent\/ffmpeg, which does not exist; fix or unset it/,
      { ...process.env, FFMPEG_PATH: "/nonexistent/ffmpeg" },
    ],
  ];
  for (const [what, args, code, message, env] of cases) {
    test(what, () => {
      const dir = mkdtempSync(path.join(work, "err-"));
      const out = path.join(dir, args.includes("--frame") ? "target.png" : "target.mp4");
      const result = render([...args, "--out", out, "--quiet"], env);
      assert.equal(result.status, code, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, `one line: ${result.stderr}`);
      assert.match(result.stderr, /^netreel render: /);
      assert.deepEqual(readdirSync(dir), [], "no output and no temporary file");
    });
  }

  test("an output path the file system refuses", () => {
    const dir = mkdtempSync(path.join(work, "fs-"));
    writeFileSync(path.join(dir, "file"), "");
    const result = render([
      "scenes/hidden.ts",
      "--duration",
      "0.2",
      "--out",
      path.join(dir, "file", "x.mp4"),
      "--quiet",
    ]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /^netreel render: cannot create the folder .*file: a file of that name is in the way\n$/,
    );
    assert.deepEqual(readdirSync(dir), ["file"]);
    // Under /proc a folder cannot be made although its parent exists: Node's recursive mkdir
    // retried there forever at full CPU, deaf to Ctrl-C and SIGTERM.
    const proc = spawnSync(
      process.execPath,
      [NETREEL, "render", "scenes/hidden.ts", "--out", "/proc/netreel-none/a.mp4", "--quiet"],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(proc.status, 2, proc.stderr);
    assert.match(
      proc.stderr,
      /^netreel render: cannot create the folder \/proc\/netreel-none: no such file or folder\n$/,
    );
  });

  /** Starts a long render and calls `act` once it has made progress. */
  async function interruptRender(
    act: (child: ChildProcess) => void,
  ): Promise<{ code: number | null; stderr: string; dir: string }> {
    const dir = mkdtempSync(path.join(work, "stop-"));
    const child = spawn(
      process.execPath,
      [
        NETREEL,
        "render",
        "scenes/hidden.ts",
        "--size",
        "640x360",
        "--duration",
        "60",
        "--out",
        path.join(dir, "long.mp4"),
      ],
      { cwd: root },
    );
    let stderr = "";
    let acted = false;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // Plain progress lines (stderr is a pipe): act at the first one, 10% in.
      if (!acted && /frames \(10%\)/.test(stderr)) {
        acted = true;
        act(child);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    return { code, stderr, dir };
  }

  test("ffmpeg killed mid-render", async () => {
    const { code, stderr, dir } = await interruptRender((child) => {
      const encoder = childProcesses(child.pid as number).find((c) => c.command.includes("rawvideo"));
      assert.ok(encoder, "the ffmpeg encoding the render was not found among the render's children");
      process.kill(encoder.pid, "SIGKILL");
    });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /netreel render: ffmpeg stopped unexpectedly \(killed by SIGKILL\)/);
    assert.deepEqual(readdirSync(dir), []);
  });

  test("Ctrl-C stops ffmpeg, removes the temporary file and exits 130", async () => {
    const { code, stderr, dir } = await interruptRender((child) => child.kill("SIGINT"));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /netreel render: interrupted \(SIGINT\): nothing was written/);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(existsSync(path.join(dir, "long.mp4")), false);
  });
});

test("the netreel bin: --version, usage with no command, and an unknown command", () => {
  const bin = (args: string[]) =>
    spawnSync(process.execPath, ["scripts/netreel.js", ...args], { cwd: root, encoding: "utf8" });
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const shown = bin(["--version"]);
  assert.equal(shown.status, 0);
  assert.equal(shown.stdout, `netreel ${version}\n`);
  const bare = bin([]);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /Usage: netreel <command>/);
  const unknown = bin(["rendr"]);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "netreel: unknown command 'rendr'; try 'netreel --help'\n");
});

test("several scenes in one command: each rendered in turn to its own default name", () => {
  const dir = mkdtempSync(path.join(work, "batch-"));
  const result = spawnSync(
    process.execPath,
    [
      NETREEL,
      "render",
      path.join(root, "scenes/hidden.ts"),
      path.join(root, "scenes/boundary.ts"),
      "--frame",
      "0",
      "--size",
      "320x180",
    ],
    { cwd: dir, encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  // Besides the stills, output/ holds only the run cache (.cache, when NETREEL_CACHE_DIR does not put it elsewhere).
  assert.deepEqual(
    readdirSync(path.join(dir, "output"))
      .filter((name) => name !== ".cache")
      .sort(),
    ["boundary-frame0.png", "hidden-frame0.png"],
  );
  const refused = render(["scenes/hidden.ts", "scenes/boundary.ts", "--out", path.join(dir, "x.mp4")]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--out names one output, but 2 scenes were given; leave it out/);
});

test("two scenes with the same name in one command: the second is refused before it writes over the first's output", () => {
  const dir = mkdtempSync(path.join(work, "same-name-"));
  const source = readFileSync(path.join(root, "tests/scenes/no-network.ts"), "utf8").replace(
    '"../../src/index.ts"',
    JSON.stringify(path.join(root, "src/index.ts")),
  );
  writeFileSync(path.join(dir, "lecture-1.ts"), source);
  writeFileSync(path.join(dir, "lecture-2.ts"), source);
  const result = spawnSync(
    process.execPath,
    [path.join(root, "scripts/netreel.js"), "render", "lecture-1.ts", "lecture-2.ts", "--frame", "0", "--quiet"],
    { cwd: dir, encoding: "utf8" },
  );
  assert.equal(result.status, 2, result.stderr);
  assert.equal(
    result.stderr,
    'netreel render: lecture-2.ts and lecture-1.ts are both named "no-network", so both would write output/no-network-frame0.png; give one of them another name\n',
  );
  assert.deepEqual(readdirSync(path.join(dir, "output")), ["no-network-frame0.png"], "the first scene's still, kept");
});

test("render --help", () => {
  const result = render(["--help"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: npm run render <scene.ts> \[more scenes...\] \[options\]/);
});

test("the scene in the README renders", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const code = /```ts\n(import \{ defineScene[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, "the README has a scene example");
  const file = path.join(root, "scenes/.readme-example.ts");
  writeFileSync(file, code);
  try {
    const out = path.join(work, "readme-example.png");
    const result = render(["scenes/.readme-example.ts", "--frame", "100", "--out", out, "--quiet"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(PNG.sync.read(readFileSync(out)).width, 1280);
  } finally {
    rmSync(file, { force: true });
  }
});

test("misuse refused before any work: a forgotten -- under npm, a stray word among the scenes, --frame into a video name", () => {
  const dir = mkdtempSync(path.join(work, "misuse-"));
  const video = path.join(dir, "lecture.mp4");
  writeFileSync(video, "the lecture");
  // `npm run render scenes/hidden.ts --frame 3`: npm keeps --frame and passes "3" on.
  const npm = { ...process.env, npm_lifecycle_event: "render", npm_config_frame: "true" };
  const forgotten = render(["scenes/hidden.ts", "3", "--out", video], npm);
  assert.equal(forgotten.status, 2, forgotten.stderr);
  assert.match(forgotten.stderr, /npm took --frame for itself: put -- before the scene and its options/);
  // The same words without npm: "3" is no scene, and nothing is rendered before that is said.
  const stray = render(["scenes/hidden.ts", "3", ...SMALL]);
  assert.equal(stray.status, 2, stray.stderr);
  assert.match(stray.stderr, /scene file 3 does not exist \(a number where a scene should be/);
  assert.doesNotMatch(stray.stderr, /trained|rendered/);
  const frame = render(["scenes/hidden.ts", "--frame", "30", "--out", video, ...SMALL]);
  assert.equal(frame.status, 2, frame.stderr);
  assert.match(frame.stderr, /--frame writes one PNG image, not a \.mp4: give --out a \.png name; got .*lecture\.mp4/);
  assert.equal(readFileSync(video, "utf8"), "the lecture");
  assert.deepEqual(readdirSync(dir), ["lecture.mp4"]);
});

describe("ffmpeg is found while the scene's process loads the scene", () => {
  const dir = mkdtempSync(path.join(work, "find-"));
  const fake = path.join(dir, "ffmpeg");
  // Asked for its encoders, it writes its process id to the marker (and with
  // NETREEL_TEST_SLOW_FFMPEG becomes a 30-s sleep of that id); otherwise it is the real ffmpeg.
  const real = execFileSync("sh", ["-c", "command -v ffmpeg || true"], { encoding: "utf8" }).trim();
  writeFileSync(
    fake,
    [
      "#!/bin/sh",
      'case " $* " in *" -encoders "*)',
      // Written whole, then named: the scene and the test never see it empty.
      '  echo $$ > "$NETREEL_TEST_MARKER.partial" && mv "$NETREEL_TEST_MARKER.partial" "$NETREEL_TEST_MARKER"',
      '  [ -n "$NETREEL_TEST_SLOW_FFMPEG" ] && exec sleep 30 ;;',
      "esac",
      `exec "\${NETREEL_TEST_REAL_FFMPEG}" "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const env = (marker: string, more: NodeJS.ProcessEnv = {}) => ({
    ...process.env,
    FFMPEG_PATH: fake,
    NETREEL_TEST_MARKER: marker,
    NETREEL_TEST_REAL_FFMPEG: real || "ffmpeg",
    ...more,
  });

  test("the scene's module waits, as it loads, for ffmpeg to be asked: the render still succeeds", () => {
    const marker = path.join(dir, "asked-1");
    const out = path.join(dir, "clip.mp4");
    const result = render(["tests/scenes/waits-for-ffmpeg.ts", "--out", out, "--quiet"], env(marker));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(probe(out).nb_read_frames, "5");
  });

  test("a scene that fails to load stops the ffmpeg asked meanwhile: its error, and no process left", () => {
    const marker = path.join(dir, "asked-2");
    const out = path.join(dir, "never.mp4");
    const result = render(
      ["tests/scenes/waits-for-ffmpeg.ts", "--out", out, "--quiet"],
      env(marker, { NETREEL_TEST_MISBEHAVE: "load", NETREEL_TEST_SLOW_FFMPEG: "1" }),
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /boom while loading/);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.ok(!existsSync(out));
    const pid = Number(readFileSync(marker, "utf8"));
    assert.ok(pid > 0, `the fake ffmpeg's id: ${pid}`);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `ffmpeg ${pid} still runs`);
  });
});
