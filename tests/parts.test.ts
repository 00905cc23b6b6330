// A render cut into parts for many machines and joined again: netreel plan prints one render
// command a part, GNU parallel runs them, netreel join checks the parts' records and joins
// them without re-encoding. The joined video matches a single render frame for frame.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { orderParts, type PartRecord, partRange } from "../src/video/parts.ts";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(import.meta.dirname, "..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-parts-"));
after(() => rmSync(work, { recursive: true, force: true }));
const SMALL = ["--size", "320x180", "--fps", "10", "--duration", "3"];
const netreel = (args: string[]) => spawnSync(process.execPath, [NETREEL, ...args], { cwd: root, encoding: "utf8" });
const hasParallel = spawnSync("parallel", ["--version"], { encoding: "utf8" }).status === 0;

function record(first: number, last: number, change: Partial<PartRecord> = {}): PartRecord {
  return {
    v: 1,
    scene: "s",
    source: "abc",
    seed: 1,
    width: 320,
    height: 180,
    fps: 10,
    frames: 30,
    first,
    last,
    format: "mp4",
    preview: false,
    theme: "light",
    ...change,
  };
}

describe("cutting a clip into parts", () => {
  test("partRange: N ranges in order, each frame once, sizes differing by one at most", () => {
    for (const [frames, n] of [
      [30, 3],
      [31, 3],
      [360, 7],
      [5, 5],
      [100, 1],
    ] as const) {
      let next = 0;
      const sizes: number[] = [];
      for (let k = 1; k <= n; k++) {
        const { first, last } = partRange(frames, k, n);
        assert.equal(first, next);
        sizes.push(last - first + 1);
        next = last + 1;
      }
      assert.equal(next, frames);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  });

  test("orderParts: any order in, frame order out; a part missing, given twice or from other settings is refused naming it", () => {
    const parts = [
      { file: "c.mp4", record: record(20, 29) },
      { file: "a.mp4", record: record(0, 9) },
      { file: "b.mp4", record: record(10, 19) },
    ];
    assert.deepEqual(
      orderParts(parts).map((p) => p.file),
      ["a.mp4", "b.mp4", "c.mp4"],
    );
    assert.throws(() => orderParts(parts.slice(0, 2)), {
      message: "no part holds frames 10-19 of the 30: a part is missing",
    });
    assert.throws(
      () => orderParts([...parts, { file: "b2.mp4", record: record(10, 19) }]),
      /^PartsError: b2\.mp4 holds frames 10-19, but b\.mp4 already holds 10-19/,
    );
    assert.throws(() => orderParts([...parts.slice(0, 2), { file: "x.mp4", record: record(10, 19, { seed: 2 }) }]), {
      message: "x.mp4 is from another render: its seed is 2, c.mp4's is 1",
    });
    assert.throws(
      () => orderParts([parts[1]!, { file: "y.mp4", record: record(10, 29, { width: 640 }) }]),
      /y\.mp4 is from another render: its width is 640/,
    );
  });
});

describe("netreel plan, GNU parallel and netreel join", {
  skip: hasParallel ? false : "GNU parallel is not installed (apt-get install parallel); .ci/run installs it",
}, () => {
  const joined = path.join(work, "hidden.mp4");

  test("plan's commands run through parallel, join puts them together: same frames, timestamps and subtitles as one render, PSNR >= 45 dB", () => {
    const plan = netreel(["plan", "scenes/hidden.ts", "--parts", "3", ...SMALL, "--out", joined, "--quiet"]);
    assert.equal(plan.status, 0, plan.stderr);
    const commands = plan.stdout.trim().split("\n");
    assert.equal(commands.length, 3);
    assert.match(
      commands[0] as string,
      /^npx netreel render scenes\/hidden\.ts --part 1\/3 --out \S+hidden\.part1of3\.mp4 --size 320x180 --fps 10 --duration 3 --quiet$/,
    );
    // The README's recipe, on this machine: every job at once, stopping all at the first failure.
    const ran = spawnSync("parallel", ["--halt", "now,fail=1"], { cwd: root, input: plan.stdout, encoding: "utf8" });
    assert.equal(ran.status, 0, ran.stderr);
    const parts = [3, 1, 2].map((k) => path.join(work, `hidden.part${k}of3.mp4`));
    const join = netreel(["join", ...parts, "--out", joined]);
    assert.equal(join.status, 0, join.stderr);
    assert.match(join.stdout, /hidden\.mp4: 0:03 \(3\.0 s\), 30 frames, 320x180 at 10 fps, .*; joined from 3 parts/);
    const single = path.join(work, "single.mp4");
    assert.equal(netreel(["render", "scenes/hidden.ts", ...SMALL, "--out", single, "--quiet"]).status, 0);
    // Each frame's time (a frame that opens a part carries side data, an extra empty field: dropped).
    const times = (file: string) =>
      spawnSync(
        "ffprobe",
        ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", file],
        {
          encoding: "utf8",
        },
      )
        .stdout.split(/[\s,]+/)
        .filter((field) => field !== "");
    assert.equal(times(joined).length, 30);
    assert.deepEqual(times(joined), times(single));
    const psnr = spawnSync(
      "ffmpeg",
      ["-hide_banner", "-i", joined, "-i", single, "-lavfi", "psnr", "-f", "null", "-"],
      { encoding: "utf8" },
    ).stderr;
    const average = Number(/PSNR .* average:([\d.]+|inf)/.exec(psnr)?.[1] ?? Number.NaN);
    assert.ok(average >= 45, `PSNR ${average} dB`);
    assert.equal(
      readFileSync(path.join(work, "hidden.vtt"), "utf8"),
      readFileSync(path.join(work, "single.vtt"), "utf8"),
    );
  });

  test("join refuses, in one line naming the file: a missing part, a part of another render, a video that is no part", () => {
    const part = (k: number) => path.join(work, `hidden.part${k}of3.mp4`);
    const missing = netreel(["join", part(1), part(3), "--out", path.join(work, "never.mp4")]);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim(), "netreel join: no part holds frames 10-19 of the 30: a part is missing");
    const other = path.join(work, "other.part2of3.mp4");
    assert.equal(
      netreel(["render", "scenes/hidden.ts", ...SMALL, "--seed", "4", "--part", "2/3", "--out", other, "--quiet"])
        .status,
      0,
    );
    const mixed = netreel(["join", part(1), other, part(3), "--out", path.join(work, "never.mp4")]);
    assert.equal(mixed.status, 2);
    assert.equal(
      mixed.stderr.trim(),
      `netreel join: ${other} is from another render: its seed is 4, ${part(1)}'s is 3`,
    );
    const whole = netreel(["join", path.join(work, "single.mp4"), "--out", path.join(work, "never.mp4")]);
    assert.equal(whole.status, 2);
    assert.match(
      whole.stderr.trim(),
      /^netreel join: \S+single\.mp4 is not a part of a netreel render \(no part record in its metadata\)/,
    );
    assert.equal(spawnSync("ls", [path.join(work, "never.mp4")]).status !== 0, true, "nothing written");
    // A part cut short (a copy stopped midway): its record, at the front, reads; its frames do not.
    const cut = path.join(work, "cut.part2of3.mp4");
    const bytes = readFileSync(part(2));
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const kept = path.join(work, "kept.mp4");
    writeFileSync(kept, "the joined video of an earlier day");
    const short = netreel(["join", part(1), cut, part(3), "--out", kept]);
    assert.equal(short.status, 2, short.stdout);
    assert.match(
      short.stderr.trim(),
      /^netreel join: \S+cut\.part2of3\.mp4 holds \d of the 10 frames its record names \(10-19\): it is cut short or damaged; render that part again$/,
    );
    assert.equal(readFileSync(kept, "utf8"), "the joined video of an earlier day", "the old file is kept");
  });

  test("WebM parts join too (Matroska keeps the record as COMMENT): as many frames as one render", () => {
    const parts = [1, 2].map((k) => path.join(work, `clip.part${k}of2.webm`));
    for (const [k, part] of parts.entries()) {
      const made = netreel([
        "render",
        "scenes/hidden.ts",
        ...SMALL,
        "--format",
        "webm",
        "--part",
        `${k + 1}/2`,
        "--out",
        part,
        "--quiet",
      ]);
      assert.equal(made.status, 0, made.stderr);
    }
    const joined = path.join(work, "clip.webm");
    const join = netreel(["join", ...parts, "--out", joined]);
    assert.equal(join.status, 0, join.stderr);
    assert.match(join.stdout, /clip\.webm: 0:03 \(3\.0 s\), 30 frames, 320x180 at 10 fps, .*; joined from 2 parts/);
    const frames = spawnSync(
      "ffprobe",
      ["-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", joined],
      { encoding: "utf8" },
    );
    assert.equal(frames.stdout.trim(), "30");
  });

  test("plan --json: each job's index, frames, output and command, and the join", () => {
    const plan = netreel(["plan", "scenes/hidden.ts", "--parts", "4", ...SMALL, "--json"]);
    assert.equal(plan.status, 0, plan.stderr);
    const { frames, jobs, join } = JSON.parse(plan.stdout) as {
      frames: number;
      jobs: { index: number; first: number; last: number; out: string; command: string }[];
      join: string;
    };
    assert.equal(frames, 30);
    assert.deepEqual(
      jobs.map((j) => [j.index, j.first, j.last]),
      [
        [0, 0, 7],
        [1, 8, 15],
        [2, 16, 22],
        [3, 23, 29],
      ],
    );
    assert.equal(jobs[2]?.out, "output/hidden.part3of4.mp4");
    assert.equal(
      join,
      "npx netreel join output/hidden.part1of4.mp4 output/hidden.part2of4.mp4 output/hidden.part3of4.mp4 output/hidden.part4of4.mp4 --out output/hidden.mp4",
    );
  });
});
