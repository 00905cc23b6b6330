// The bench's memory sampler (TreeMemory, through timeCommand): the memory of a command's process
// tree at one moment, ffmpeg (and the meter's shell) left out. A tree of `node -e` processes that
// allocate known amounts: the parent, two children of 100 MB each and one of 200 MB run as
// "ffmpeg" (node under that name). Linux only (/proc).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { FfmpegMeter, timeCommand } from "../src/cli/bench-process.ts";

const work = mkdtempSync(path.join(tmpdir(), "netreel-bench-process-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Starts children that each fill a buffer of the size given and say so; ends them once all have. */
const parent = (fakeFfmpeg: string) => `
  const { spawn } = require("node:child_process");
  const hold = (mb) => "globalThis.held = Buffer.alloc(" + mb + " << 20, 1); console.log('ready'); setInterval(() => {}, 1000);";
  const children = [[process.execPath, 100], [process.execPath, 100], [${JSON.stringify(fakeFfmpeg)}, 200]].map(
    ([command, mb]) => spawn(command, ["-e", hold(mb)], { stdio: ["ignore", "pipe", "inherit"] }),
  );
  Promise.all(children.map((child) => new Promise((ready) => child.stdout.once("data", ready)))).then(() =>
    setTimeout(() => children.forEach((child) => child.kill()), 500),
  );
`;

test("timeCommand's peak (sampleMemory) adds up the memory of the command's processes at one moment, ffmpeg left out, shared pages once", {
  skip: existsSync("/proc/self/stat") ? false : "no /proc here",
  timeout: 60_000,
}, async () => {
  const fakeFfmpeg = path.join(work, "ffmpeg");
  symlinkSync(process.execPath, fakeFfmpeg);
  const meter = new FfmpegMeter(work, fakeFfmpeg);
  const sampled = await timeCommand(process.execPath, ["-e", parent(fakeFfmpeg)], { meter, sampleMemory: true });
  assert.ok(sampled.memory, "memory sampled when asked for");
  const timed = sampled.memory;
  // Three Node processes take 30-60 MB each beside what they allocate; with "ffmpeg" counted it would be 200 MB more.
  assert.ok(
    timed.peakMb > 200 + 3 * 25,
    `peak ${timed.peakMb.toFixed(0)} MB: the two children's 200 MB and three Nodes`,
  );
  assert.ok(timed.peakMb < 200 + 3 * 80, `peak ${timed.peakMb.toFixed(0)} MB: the "ffmpeg" child's 200 MB left out`);
  // Counted once, the pages the three Nodes share (Node's own code, ~40 MB mapped by each) are
  // not counted three times; the 200 MB each child filled is its own and still counts.
  assert.ok(timed.peakOnceMb > 200, `pages counted once: ${timed.peakOnceMb.toFixed(0)} MB`);
  assert.ok(
    timed.peakMb - timed.peakOnceMb > 20,
    `pages counted once ${timed.peakOnceMb.toFixed(0)} MB, VmRSS added ${timed.peakMb.toFixed(0)} MB`,
  );
});

test("a command's own peak memory (ru_maxrss) is its own, not that of the bench that started it", {
  skip: existsSync("/proc/self/stat") ? false : "no /proc here",
  timeout: 60_000,
}, async () => {
  const held = Buffer.alloc(400 << 20, 1);
  const meter = new FfmpegMeter(work, "ffmpeg");
  const timed = await timeCommand(process.execPath, ["-e", "console.log(process.resourceUsage().maxRSS >> 10)"], {
    meter,
  });
  assert.ok(held.length > 0);
  // Not asked to sample memory, it reports none (no sampler ran: a sampler beside a timed render slowed it).
  assert.equal(timed.memory, null);
  assert.ok(
    Number(timed.stdout) < 200,
    `the command says it peaked at ${timed.stdout.trim()} MB; this process holds 400`,
  );
});
