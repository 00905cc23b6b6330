/// <reference lib="dom" />
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { NETREEL } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const work = mkdtempSync(path.join(tmpdir(), "netreel-browser-"));

// CI installs Debian's chromium (.ci/run); elsewhere the test says why it did not run.
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

test("the MP4, WebM and GIF play in a browser (headless Chromium)", { skip, timeout: 120_000 }, async () => {
  const base = path.join(work, "clip");
  const result = spawnSync(
    process.execPath,
    [
      NETREEL,
      "render",
      "scenes/hidden.ts",
      "--size",
      "320x180",
      "--fps",
      "10",
      "--duration",
      "1.5",
      "--format",
      "mp4,webm,gif",
      "--out",
      base,
      "--quiet",
    ],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  writeFileSync(path.join(work, "page.html"), "<!doctype html><body></body>");
  // Served from 127.0.0.1 (with byte ranges, as players ask for) so the page may read pixels back.
  const types: Record<string, string> = {
    ".html": "text/html",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".gif": "image/gif",
  };
  const server = createServer((request, response) => {
    const file = path.join(work, path.basename(request.url ?? ""));
    if (!existsSync(file)) return void response.writeHead(404).end();
    const body = readFileSync(file);
    const headers = {
      "content-type": types[path.extname(file)] ?? "application/octet-stream",
      "accept-ranges": "bytes",
    };
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
    if (!range) return void response.writeHead(200, { ...headers, "content-length": body.length }).end(body);
    const start = Number(range[1]);
    const end = range[2] ? Number(range[2]) : body.length - 1;
    response
      .writeHead(206, {
        ...headers,
        "content-range": `bytes ${start}-${end}/${body.length}`,
        "content-length": end - start + 1,
      })
      .end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`${origin}/page.html`);
    for (const ext of ["mp4", "webm"]) {
      const src = `${origin}/clip.${ext}`;
      const played = await tab.evaluate(async (url) => {
        const video = document.createElement("video");
        video.muted = true;
        video.src = url;
        document.body.append(video);
        await new Promise((resolve, reject) => {
          video.onloadeddata = resolve;
          video.onerror = () => reject(new Error(`cannot load: ${video.error?.message ?? video.error?.code}`));
        });
        await video.play();
        await new Promise((resolve) => setTimeout(resolve, 600));
        const advanced = video.currentTime;
        video.pause();
        // Seek to the last frame and read its pixels back: a decoded picture, not black.
        video.currentTime = 1.45;
        await new Promise((resolve) => {
          video.onseeked = resolve;
        });
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
        ctx.drawImage(video, 0, 0);
        const corner = Array.from(ctx.getImageData(5, 5, 1, 1).data);
        return { duration: video.duration, width: video.videoWidth, height: video.videoHeight, advanced, corner };
      }, src);
      assert.ok(Math.abs(played.duration - 1.5) < 0.05, `${ext}: duration ${played.duration}`);
      assert.deepEqual([played.width, played.height], [320, 180], ext);
      assert.ok(played.advanced > 0.2, `${ext}: playback advanced only to ${played.advanced}`);
      // The frame's background is white; allow for chroma subsampling and compression.
      for (const channel of played.corner.slice(0, 3))
        assert.ok(Number(channel) > 235, `${ext}: corner pixel ${played.corner}`);
    }
    const gif = await tab.evaluate(async (url) => {
      const img = document.createElement("img");
      img.src = url;
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight };
    }, `${origin}/clip.gif`);
    assert.deepEqual(gif, { width: 320, height: 180 });
  } finally {
    await browser.close();
    server.close();
  }
});
