// The render command never loses a file and always stops: each misuse ends in the right exit
// code and one line, with the old target byte-identical, no temporary file beside it and no
// process of the render still running.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openSink } from "../src/video/index.ts";
import { assertUntouched, folderWith, noneRunning, OLD, type Outcome, render } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-reliability-"));
const SCENE = "tests/scenes/misbehaves.ts";
const folderWithOld = (name: string) => folderWith(work, name);

function oneLine(outcome: Outcome, pattern: RegExp): void {
  const lines = outcome.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line: ${outcome.stderr}`);
  assert.match(lines[0] as string, pattern);
}

/** A pid that no process has: a child that has already exited. */
function deadPid(): number {
  return spawnSync("true").pid as number;
}

const QUICK = ["--quiet"];

describe("--out never replaces a folder", () => {
  for (const [what, out] of [
    ["an existing folder", "kept"],
    ["an existing folder with a trailing slash", "kept/"],
    ["the current folder", "."],
  ] as const) {
    test(`${what} (--out ${out}) is refused before any work, the folder intact`, async () => {
      const dir = mkdtempSync(path.join(work, "dir-"));
      mkdirSync(path.join(dir, "kept"));
      writeFileSync(path.join(dir, "kept", "lecture-notes.md"), "notes");
      const outcome = await render([path.join(root, SCENE), "--out", out, ...QUICK], { cwd: dir });
      assert.equal(outcome.code, 2, outcome.stderr);
      oneLine(outcome, /^netreel render: .* is a folder; give a file name for the output/);
      assert.equal(readFileSync(path.join(dir, "kept", "lecture-notes.md"), "utf8"), "notes");
      assert.deepEqual(readdirSync(dir), ["kept"]);
    });
  }

  test("a target that becomes a folder while the render runs is left alone, and nothing is left beside it", async () => {
    for (const format of ["mp4", "png"]) {
      const dir = mkdtempSync(path.join(work, "becomes-"));
      const target = path.join(dir, format === "png" ? "frames" : "clip.mp4");
      if (format === "mp4") writeFileSync(target, OLD);
      const outcome = await render([SCENE, "--format", format, "--out", target], {
        env: { NETREEL_TEST_MISBEHAVE: "slow" },
        when: /frames \(50%\)/,
        act: () => {
          rmSync(target, { recursive: true, force: true });
          mkdirSync(target);
          writeFileSync(path.join(target, "notes.txt"), "the instructor's notes");
        },
      });
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.match(outcome.stderr.trim().split("\n").at(-1) as string, /is a folder|holds files netreel did not write/);
      assert.deepEqual(readdirSync(dir), [path.basename(target)], "no temporary left beside it");
      assert.deepEqual(readdirSync(target), ["notes.txt"], "the folder as it was made");
    }
  });

  test("--frame N --out an existing folder is refused too", async () => {
    const dir = mkdtempSync(path.join(work, "dir-"));
    writeFileSync(path.join(dir, "a.txt"), "a");
    const outcome = await render([SCENE, "--frame", "3", "--out", dir, ...QUICK]);
    assert.equal(outcome.code, 2, outcome.stderr);
    oneLine(outcome, /is a folder/);
    assert.deepEqual(readdirSync(dir), ["a.txt"]);
  });

  test("a PNG frames folder replaces one that holds only frames, and refuses one that holds anything else", async () => {
    const dir = mkdtempSync(path.join(work, "png-"));
    const frames = path.join(dir, "frames");
    mkdirSync(frames);
    writeFileSync(path.join(frames, "frame-00099.png"), "old frame");
    const replaced = await render([SCENE, "--format", "png", "--duration", "0.3", "--out", frames, ...QUICK]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(readdirSync(frames), ["frame-00000.png", "frame-00001.png", "frame-00002.png"]);
    assert.deepEqual(readdirSync(dir), ["frames"]);

    writeFileSync(path.join(frames, "slides.key"), "a keynote file");
    const refused = await render([SCENE, "--format", "png", "--duration", "0.3", "--out", frames, ...QUICK]);
    assert.equal(refused.code, 2, refused.stderr);
    oneLine(refused, /holds files netreel did not write \(slides\.key\)/);
    assert.equal(readFileSync(path.join(frames, "slides.key"), "utf8"), "a keynote file");
    assert.deepEqual(readdirSync(dir), ["frames"]);
  });

  test("Ctrl-C while rendering PNG frames over an old frames folder leaves that folder as it was", async () => {
    const dir = mkdtempSync(path.join(work, "png-stop-"));
    const frames = path.join(dir, "frames");
    mkdirSync(frames);
    writeFileSync(path.join(frames, "frame-00000.png"), OLD);
    const outcome = await render([SCENE, "--format", "png", "--out", frames], {
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
      when: /frames \(10%\)/,
      act: (child) => child.kill("SIGINT"),
    });
    assert.equal(outcome.code, 130, outcome.stderr);
    assert.deepEqual(readdirSync(dir), ["frames"]);
    assert.deepEqual(readdirSync(frames), ["frame-00000.png"]);
    assert.ok(readFileSync(path.join(frames, "frame-00000.png")).equals(OLD));
    await noneRunning(outcome.children);
  });

  test("a folder the file system will not let anyone write (chattr +i) is refused before any work", async (t) => {
    const dir = mkdtempSync(path.join(work, "immutable-"));
    const target = path.join(dir, "clip.gif");
    writeFileSync(target, OLD);
    const made = spawnSync("chattr", ["+i", dir], { encoding: "utf8" });
    if (made.status !== 0) {
      t.skip(`chattr +i is not possible here: ${(made.stderr || made.error?.message || "").trim()}`);
      return;
    }
    try {
      const outcome = await render([SCENE, "--format", "gif", "--out", target, ...QUICK]);
      assert.equal(outcome.code, 2, outcome.stderr);
      oneLine(outcome, /^netreel render: cannot write .*clip\.gif: permission denied$/);
      assertUntouched(dir, target);
    } finally {
      spawnSync("chattr", ["-i", dir]);
    }
  });

  test("six renders of PNG frames into one folder at once all finish, and leave nothing beside it", async () => {
    const dir = mkdtempSync(path.join(work, "six-"));
    const frames = path.join(dir, "frames");
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        render([SCENE, "--format", "png", "--duration", "0.5", "--out", frames, ...QUICK]),
      ),
    );
    for (const outcome of outcomes) assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(readdirSync(dir), ["frames"]);
    assert.equal(readdirSync(frames).length, 5);
  });
});

describe("an error on any frame stops every format, the old file kept", () => {
  for (const format of ["mp4", "gif", "webm"] as const) {
    test(`${format}: draw() throwing on the first frame`, async () => {
      const { dir, target } = folderWithOld(`clip.${format}`);
      const outcome = await render([SCENE, "--format", format, "--out", target, ...QUICK], {
        env: { NETREEL_TEST_MISBEHAVE: "throw" },
      });
      assert.equal(outcome.code, 1, outcome.stderr);
      oneLine(
        outcome,
        /^netreel render: scene tests\/scenes\/misbehaves\.ts threw while drawing frame 0: boom at frame 0$/,
      );
      assertUntouched(dir, target);
    });
  }

  test("--frames 3-5: draw() throwing on frame 3, the first of the range", async () => {
    const { dir, target } = folderWithOld("part.mp4");
    const outcome = await render([SCENE, "--frames", "3-5", "--out", target, ...QUICK], {
      env: { NETREEL_TEST_MISBEHAVE: "throw" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    oneLine(outcome, /threw while drawing frame 3: boom at frame 3$/);
    assertUntouched(dir, target);
  });

  test("a frame that takes longer than --frame-timeout stops the render, naming the frame", async () => {
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--out", target, "--frame-timeout", "1", ...QUICK], {
      env: { NETREEL_TEST_MISBEHAVE: "loop" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    oneLine(outcome, /took longer than 1 s drawing frame 2; stopped it/);
    assertUntouched(dir, target);
  });

  test("a scene that runs out of memory is reported as such", async () => {
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--out", target, ...QUICK], {
      env: { NETREEL_TEST_MISBEHAVE: "oom", NODE_OPTIONS: "--max-old-space-size=96" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    oneLine(outcome, /^netreel render: scene tests\/scenes\/misbehaves\.ts ran out of memory while drawing frame 0$/);
    assertUntouched(dir, target);
  });
});

/** A stand-in for ffmpeg (FFMPEG_PATH) that behaves like the real one except where `script` says. */
function fakeFfmpeg(name: string, script: string): string {
  const file = path.join(work, name);
  writeFileSync(file, `#!/bin/bash\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

// Lets the real ffmpeg finish the file, then takes 3 s more to exit: a signal then arrives
// "after the last frame, while ffmpeg finishes".
const SLOW_TO_FINISH = fakeFfmpeg(
  "ffmpeg-slow-finish",
  'case "$*" in *-encoders*|*-version*) exec ffmpeg "$@";; esac\nffmpeg "$@"; code=$?\nexec >/dev/null 2>&1\nsleep 3\nexit $code',
);

describe("Ctrl-C and SIGTERM stop a render in every phase", () => {
  const phases: { phase: string; format: string; when?: RegExp; after?: number; env: NodeJS.ProcessEnv }[] = [
    { phase: "training", format: "mp4", after: 3, env: { NETREEL_TEST_MISBEHAVE: "train" } },
    {
      phase: "the GIF palette pass",
      format: "gif",
      when: /choosing a palette/,
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
    },
    { phase: "drawing", format: "mp4", when: /frames \(10%\)/, env: { NETREEL_TEST_MISBEHAVE: "slow" } },
    { phase: "a draw() that never returns", format: "mp4", after: 3, env: { NETREEL_TEST_MISBEHAVE: "loop" } },
    {
      phase: "the final flush, after the last frame",
      format: "mp4",
      when: /frames \(100%\)/,
      env: { FFMPEG_PATH: SLOW_TO_FINISH },
    },
    {
      phase: "the final flush of a WebM",
      format: "webm",
      when: /frames \(100%\)/,
      env: { FFMPEG_PATH: SLOW_TO_FINISH },
    },
  ];
  for (const { phase, format, when, after, env } of phases) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      test(`${signal} during ${phase}`, async () => {
        const { dir, target } = folderWithOld(`clip.${format}`);
        const outcome = await render([SCENE, "--format", format, "--out", target], {
          env,
          ...(when ? { when } : {}),
          ...(after !== undefined ? { after } : {}),
          act: (child) => child.kill(signal),
        });
        assert.equal(outcome.code, signal === "SIGINT" ? 130 : 143, outcome.stderr);
        assert.match(outcome.stderr, new RegExp(`netreel render: interrupted \\(${signal}\\): nothing was written`));
        // How fast it stops is a speed target (npm run bench -- signals: 0.07-0.13 s, target
        // <= 1 s); here the bound only tells a render that heard the signal from one that did
        // not (training 100,000 epochs, a draw() waiting out its 60 s limit), on a busy machine.
        assert.ok((outcome.afterAct ?? 99) < 20, `stopped ${outcome.afterAct} s after the signal`);
        assertUntouched(dir, target);
        await noneRunning(outcome.children);
      });
    }
  }

  test("a second Ctrl-C 10 ms after the first does not cut the clean-up short", async () => {
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--out", target], {
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
      when: /frames \(10%\)/,
      act: (child) => {
        child.kill("SIGINT");
        setTimeout(() => child.kill("SIGINT"), 10);
      },
    });
    // The clean-up ran to its end: its one line is out, the old file untouched, nothing left
    // running. The exit status is 130, or, when the second signal lands in the instant Node
    // tears down its handlers at exit, the process ends by SIGINT: a shell shows 130 either way.
    assert.match(outcome.stderr, /interrupted \(SIGINT\): nothing was written/);
    assert.ok(
      outcome.code === 130 || (outcome.code === null && outcome.signal === "SIGINT"),
      `exit ${outcome.code} ${outcome.signal}: ${outcome.stderr}`,
    );
    assertUntouched(dir, target);
    await noneRunning(outcome.children);
  });

  test("after SIGKILL nothing keeps running, and the next render removes what was left", async () => {
    const { dir, target } = folderWithOld("clip.mp4");
    const killed = await render([SCENE, "--out", target], {
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
      when: /frames \(10%\)/,
      act: (child) => child.kill("SIGKILL"),
    });
    assert.equal(killed.code, null);
    // ffmpeg sees the end of its input and the scene's process its supervisor gone: both end.
    await noneRunning(killed.children);
    assert.ok(readFileSync(target).equals(OLD));
    // (The killed render usually leaves its partial file here, unless ffmpeg had not opened it yet.)
    const next = await render([SCENE, "--out", target, "--duration", "0.5", ...QUICK]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(readdirSync(dir), ["clip.mp4"]);
    assert.ok(!readFileSync(target).equals(OLD), "the finished render replaced the file");
  });
});

describe("leftovers of renders that died are cleaned", () => {
  test("stale partial files and folders of dead processes go; a live process's stay; an old frames folder moved aside comes back", async () => {
    const dir = mkdtempSync(path.join(work, "stale-"));
    const dead = deadPid();
    writeFileSync(path.join(dir, `.clip.mp4.partial-${dead}`), "half a video");
    writeFileSync(path.join(dir, `.clip.gif.palette.png.partial-${dead}`), "a palette");
    mkdirSync(path.join(dir, `.frames.partial-${dead}`));
    writeFileSync(path.join(dir, `.frames.partial-${dead}`, "frame-00000.png"), "x");
    mkdirSync(path.join(dir, `.old-frames.replaced-${dead}`));
    writeFileSync(path.join(dir, `.old-frames.replaced-${dead}`, "frame-00000.png"), "kept");
    const live = `.other.mp4.partial-${process.pid}`;
    writeFileSync(path.join(dir, live), "someone else's render in progress");
    const outcome = await render([SCENE, "--out", path.join(dir, "clip.mp4"), "--duration", "0.3", ...QUICK]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [live, "clip.mp4", "old-frames"].sort());
    assert.equal(readFileSync(path.join(dir, "old-frames", "frame-00000.png"), "utf8"), "kept");
  });
});

describe("a frames folder stopped while frames are being written", () => {
  // Seen once in the signal sweep under load: a frame written while the folder was removed
  // left `.frames.partial-PID` behind. The abort now waits for the frames in flight.
  test("abort settles every frame write before it removes the folder: nothing is left", async () => {
    const dir = mkdtempSync(path.join(work, "png-abort-"));
    const target = path.join(dir, "frames");
    const sink = openSink({ format: "png", target, width: 8, height: 8, fps: 1, ffmpegPath: "ffmpeg", preview: false });
    const png = Buffer.alloc(8 << 20, 1); // large enough that the writes are still going when abort is called
    const settled: boolean[] = [];
    const writes = [0, 1, 2, 3].map((i) =>
      sink.write({ png }, i).then(
        () => settled.push(true),
        () => settled.push(true),
      ),
    );
    await sink.abort();
    assert.equal(settled.length, 4, "every write had settled when abort returned");
    assert.deepEqual(readdirSync(dir), [], "no temporary folder left");
    await Promise.all(writes);
    assert.deepEqual(readdirSync(dir), [], "and none made afterwards");
  });
});

describe("ffmpeg that hangs or fails says so", () => {
  test("an ffmpeg that hangs when asked for its encoders", async () => {
    const hangs = fakeFfmpeg("ffmpeg-hangs-probe", 'case "$*" in *-version*) exec ffmpeg "$@";; esac\nexec sleep 600');
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--out", target, ...QUICK], {
      env: { FFMPEG_PATH: hangs, NETREEL_FFMPEG_TIMEOUT: "1" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    // NETREEL_FFMPEG_TIMEOUT limits encoding stalls; starting and asking gets at least 5 s.
    oneLine(outcome, /did not answer within 5 s when asked for its encoders/);
    assertUntouched(dir, target);
  });

  test("an ffmpeg that stops taking frames while encoding", async () => {
    const stalls = fakeFfmpeg(
      "ffmpeg-stalls",
      'case "$*" in *-encoders*|*-version*) exec ffmpeg "$@";; esac\nexec sleep 600',
    );
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--size", "1280x720", "--out", target, ...QUICK], {
      env: { FFMPEG_PATH: stalls, NETREEL_FFMPEG_TIMEOUT: "1" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    oneLine(outcome, /ffmpeg stopped responding while writing .*clip\.mp4: no progress for 1 s/);
    assertUntouched(dir, target);
  });

  test("an ffmpeg that reports a write error and still exits 0 (ffmpeg 5.1 on a full disk) fails the render", async () => {
    // The real ffmpeg writes the file, then the file is cut short and the error ffmpeg 5.1
    // prints on a full disk is printed, and it exits 0: netreel must not take that for success.
    const broken = fakeFfmpeg(
      "ffmpeg-trailer-error",
      'case "$*" in *-encoders*|*-version*) exec ffmpeg "$@";; esac\nfor out; do :; done\nffmpeg "$@" || exit $?\ntruncate -s 100 "$out"\necho "[mp4 @ 0x55] Error writing trailer of $out: No space left on device" >&2\nexit 0',
    );
    const { dir, target } = folderWithOld("clip.mp4");
    const outcome = await render([SCENE, "--out", target, ...QUICK], {
      env: { FFMPEG_PATH: broken, NETREEL_TEST_MISBEHAVE: "" },
    });
    assert.equal(outcome.code, 1, outcome.stderr);
    oneLine(outcome, /cannot write .*clip\.mp4: no space left on the device \(ffmpeg failed\)$/);
    assertUntouched(dir, target);
  });

  test("a full disk: ffmpeg's own reason, the old file kept (a 2 MB tmpfs)", async (t) => {
    const mount = mkdtempSync(path.join(work, "tmpfs-"));
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], { encoding: "utf8" });
    if (mounted.status !== 0) {
      t.skip(`cannot mount a tmpfs here: ${(mounted.stderr || mounted.error?.message || "").trim()}`);
      return;
    }
    try {
      for (const format of ["mp4", "gif"]) {
        const target = path.join(mount, `clip.${format}`);
        writeFileSync(target, OLD);
        // Fill the disk: the old file is already there, the new video cannot be.
        spawnSync("dd", ["if=/dev/zero", `of=${path.join(mount, "filler")}`, "bs=1k", "count=100000"]);
        const outcome = await render([SCENE, "--format", format, "--size", "1280x720", "--out", target, ...QUICK], {
          env: { NETREEL_TEST_MISBEHAVE: "" },
        });
        assert.equal(outcome.code, 1, outcome.stderr);
        oneLine(
          outcome,
          new RegExp(`cannot write .*clip\\.${format}: no space left on the device \\(ffmpeg failed\\)$`),
        );
        assert.ok(readFileSync(target).equals(OLD));
        assert.deepEqual(readdirSync(mount).sort(), [`clip.${format}`, "filler"]);
        rmSync(path.join(mount, "filler"));
        rmSync(target);
      }
      // A folder of PNG frames: node's own ENOSPC, named for the frame it could not write.
      spawnSync("dd", ["if=/dev/zero", `of=${path.join(mount, "filler")}`, "bs=1k", "count=100000"]);
      const outcome = await render([SCENE, "--format", "png", "--out", path.join(mount, "frames"), ...QUICK]);
      assert.equal(outcome.code, 1, outcome.stderr);
      oneLine(outcome, /^netreel render: cannot write .*frames\/frame-00000\.png: no space left on the device$/);
      assert.deepEqual(readdirSync(mount), ["filler"]);
    } finally {
      spawnSync("umount", [mount]);
    }
  });
});

describe("bad inputs get exit code 2 and one line", () => {
  test("--out naming a device, a pipe or a socket is refused: netreel replaces only regular files", async () => {
    // A named pipe stands in for /dev/null (which a render run as root used to replace with a
    // regular file): the same kind of file, and nothing on the machine is harmed if it fails.
    const dir = mkdtempSync(path.join(work, "special-"));
    const fifo = path.join(dir, "clip.mp4");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const outcome = await render([SCENE, "--out", fifo, ...QUICK], { env: { NETREEL_TEST_MISBEHAVE: "" } });
    assert.equal(outcome.code, 2, outcome.stderr);
    oneLine(outcome, /clip\.mp4 is not a regular file \(a named pipe\); netreel replaces only regular files/);
    assert.ok(lstatSync(fifo).isFIFO(), "the pipe is still a pipe");
    assert.deepEqual(readdirSync(dir), ["clip.mp4"]);
  });

  test("--out . (or a folder that holds the current one) for PNG frames is refused, nothing left", async () => {
    const dir = mkdtempSync(path.join(work, "here-"));
    for (const out of [".", dir]) {
      const outcome = await render([path.join(root, SCENE), "--format", "png", "--out", out, ...QUICK], { cwd: dir });
      assert.equal(outcome.code, 2, outcome.stderr);
      oneLine(outcome, /is the current folder; PNG frames go to a folder of their own/);
    }
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(
      readdirSync(path.dirname(dir)).filter((n) => n.includes(".partial-")),
      [],
    );
  });

  test("a scene path that is a folder", async () => {
    const outcome = await render(["scenes", ...QUICK]);
    assert.equal(outcome.code, 2, outcome.stderr);
    oneLine(outcome, /^netreel render: scene file scenes is not a file/);
  });

  test("--fps 1e-9", async () => {
    const outcome = await render([SCENE, "--fps", "1e-9", ...QUICK]);
    assert.equal(outcome.code, 2, outcome.stderr);
    oneLine(outcome, /--fps must be a number from 1 to 240, got '1e-9'/);
  });

  test("a run file whose activations have the wrong width", async () => {
    const dir = mkdtempSync(path.join(work, "run-"));
    const { train, saveRun } = await import("../src/train/index.ts");
    const run = train({
      sizes: [2, 3, 1],
      data: { dataset: "circles", n: 20 },
      epochs: 1,
      batchSize: 10,
      learningRate: 1,
      snapshot: { layers: [1] },
    });
    for (const row of run.snapshots[1]?.activations["1"] ?? []) row.pop();
    saveRun(run, path.join(dir, "bad.run.json"));
    writeFileSync(
      path.join(dir, "scene.ts"),
      `import { defineScene } from ${JSON.stringify(path.join(root, "src/index.ts"))};
export default defineScene({ name: "from-bad-run", run: "bad.run.json", draw: () => {} });\n`,
    );
    const outcome = await render([
      path.join(dir, "scene.ts"),
      "--frame",
      "0",
      "--out",
      path.join(dir, "x.png"),
      ...QUICK,
    ]);
    assert.equal(outcome.code, 2, outcome.stderr);
    oneLine(outcome, /bad\.run\.json.*snapshot 1/);
    assert.equal(existsSync(path.join(dir, "x.png")), false);
  });
});
