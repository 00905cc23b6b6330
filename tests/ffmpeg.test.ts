import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { FfmpegNotFoundError, FfmpegProcess, findFfmpeg, gifGeometry, videoOptions } from "../src/video/index.ts";

const systemFfmpeg = execFileSync("sh", ["-c", "command -v ffmpeg"], { encoding: "utf8" }).trim();
const empty = mkdtempSync(path.join(tmpdir(), "netreel-nopath-"));

describe("finding ffmpeg: FFMPEG_PATH, then ffmpeg-static, then the PATH", () => {
  test("FFMPEG_PATH wins when it runs; the one run that shows it works lists its encoders", async () => {
    const found = await findFfmpeg({ env: { ...process.env, FFMPEG_PATH: systemFfmpeg } });
    assert.deepEqual([found.path, found.source], [systemFfmpeg, "FFMPEG_PATH"]);
    for (const encoder of ["libx264", "libvpx-vp9", "gif", "png"]) assert.ok(found.encoders.has(encoder), encoder);
    assert.ok(!found.encoders.has("Encoders:"), "only encoder names");
  });

  test("FFMPEG_PATH that does not run is an error, not a silent fallback", async () => {
    const fake = path.join(empty, "not-ffmpeg");
    writeFileSync(fake, "#!/bin/sh\nexit 3\n");
    chmodSync(fake, 0o755);
    await assert.rejects(
      findFfmpeg({ env: { ...process.env, FFMPEG_PATH: fake } }),
      /FFMPEG_PATH is set to .*not-ffmpeg, which does not run as ffmpeg \(asked for its encoders: exit 3\); fix or unset it/,
    );
    await assert.rejects(
      findFfmpeg({ env: { ...process.env, FFMPEG_PATH: "/no/such/ffmpeg" } }),
      /which does not exist; fix or unset it/,
    );
  });

  test("without FFMPEG_PATH, the PATH's ffmpeg is found (ffmpeg-static has no binary on this network)", async () => {
    const env = { ...process.env };
    delete env.FFMPEG_PATH;
    const found = await findFfmpeg({ env });
    assert.ok(found.source === "PATH" || found.source === "ffmpeg-static");
  });

  test("with none of the three, one message names them all", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: empty };
    delete env.FFMPEG_PATH;
    await assert.rejects(
      findFfmpeg({ env }),
      (error: Error) =>
        error instanceof FfmpegNotFoundError &&
        /FFMPEG_PATH is not set, the ffmpeg-static package has no binary, and there is no ffmpeg on the PATH/.test(
          error.message,
        ),
    );
  });
});

test("GIF geometry: at most 640 px wide and 15 fps, even sizes, aspect kept", () => {
  assert.deepEqual(gifGeometry(1280, 720, 30), { width: 640, height: 360, fps: 15 });
  assert.deepEqual(gifGeometry(320, 180, 10), { width: 320, height: 180, fps: 10 });
  assert.deepEqual(gifGeometry(1920, 1080, 60), { width: 640, height: 360, fps: 15 });
  assert.deepEqual(gifGeometry(1000, 1000, 24), { width: 640, height: 640, fps: 15 });
});

test("frames stream with backpressure: at most one frame waits for ffmpeg, however many are sent", async () => {
  const [width, height] = [320, 180];
  const frameBytes = width * height * 4;
  const { options, muxer } = videoOptions("mp4", { fps: 30, preview: false });
  const output = path.join(mkdtempSync(path.join(tmpdir(), "netreel-stream-")), "out.mp4");
  const encoder = new FfmpegProcess({
    ffmpegPath: systemFfmpeg,
    width,
    height,
    fps: 30,
    outputOptions: options,
    format: muxer,
    output,
  });
  let most = 0;
  try {
    for (let i = 0; i < 90; i++) {
      // Noise, so x264 has real work and falls behind the writer.
      const frame = Buffer.alloc(frameBytes);
      for (let k = 0; k < frameBytes; k += 4) frame.writeUInt32LE((k * 2654435761 + i * 97) >>> 0, k);
      await encoder.write(frame);
      most = Math.max(most, encoder.pending);
    }
    await encoder.finish();
  } finally {
    await encoder.stop();
  }
  assert.ok(most > 0, "the writer never got ahead of ffmpeg, so nothing was tested");
  assert.ok(most <= frameBytes + (1 << 16), `${most} bytes waited, more than one frame (${frameBytes})`);
  assert.ok(statSync(output).size > 0);
});
