/// <reference lib="dom" />
// `netreel render-all`, as CI checks issue 17's "whole course in one command": the committed
// scenes rendered at preview size, and the page opened from disk (file://, no server) in headless
// Chromium, where every video loads and plays, every subtitle track loads with the scene's cues,
// the chapters are the scene's beats, and no request fails. Then, with small test scenes, a scene
// that fails among good ones, a folder netreel did not make, and Ctrl-C.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import { childrenOf, NETREEL, noneRunning, processesWriting } from "./render-process.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const work = mkdtempSync(path.join(tmpdir(), "netreel-render-all-"));
// The course at preview size is about 10 MB.
after(() => rmSync(work, { recursive: true, force: true }));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const noChromium = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `netreel render-all ...args`; `act` runs once stdout matches `when`. */
function renderAll(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; when?: RegExp; act?: (child: ChildProcess) => void } = {},
): Promise<Ran> {
  const child = spawn(process.execPath, [NETREEL, "render-all", ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
  });
  let stdout = "";
  let stderr = "";
  let acted = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
    if (!acted && options.when?.test(stdout)) {
      acted = true;
      options.act?.(child);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

/**
 * The committed scenes as render-all finds them: scenes/*.ts with a default export, those that
 * scenes/order.txt names first in its order, then the rest by name.
 */
function committedScenes(): string[] {
  const all = readdirSync(path.join(root, "scenes"))
    .filter((f) => f.endsWith(".ts") && /\bexport\s+default\b/.test(readFileSync(path.join(root, "scenes", f), "utf8")))
    .sort();
  const order = readFileSync(path.join(root, "scenes/order.txt"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  return [...order, ...all.filter((f) => !order.includes(f))].map((f) => `scenes/${f}`);
}

/** A scene's record as the course folder holds it (<name>.json). */
interface Written {
  scene: string;
  name: string;
  title: string;
  width: number;
  height: number;
  duration: number;
  files: { mp4: string; gif?: string; vtt?: string; poster?: string };
  poster?: { index: number; moment: string };
  chapters: { name: string; start: number; end: number; caption?: string }[];
  captions: { from: number; to: number; text: string }[];
}

function records(dir: string): Written[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Written);
}

/** The cues of a WebVTT file, read here rather than by netreel: their times in seconds. */
function vttCues(file: string): { from: number; to: number }[] {
  const seconds = (t: string) => t.split(":").reduce((sum, part) => sum * 60 + Number(part), 0);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.includes("-->"))
    .map((line) => {
      const [from, to] = line.split("-->").map((s) => seconds(s.trim()));
      return { from: from as number, to: to as number };
    });
}

function probe(file: string): { width: number; height: number; rate: number; codec: string } {
  const out = execFileSync(
    "ffprobe",
    [
      ...["-v", "error", "-select_streams", "v:0"],
      ...["-show_entries", "stream=codec_name,width,height,r_frame_rate", "-of", "json", file],
    ],
    { encoding: "utf8" },
  );
  const stream = (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0] as {
    codec_name: string;
    width: number;
    height: number;
    r_frame_rate: string;
  };
  const [num, den] = stream.r_frame_rate.split("/").map(Number);
  return {
    width: stream.width,
    height: stream.height,
    rate: (num as number) / (den as number),
    codec: stream.codec_name,
  };
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => /\.(partial|replaced)-\d+$/.test(name));
}

describe("render-all over the committed scenes at preview size, the page in Chromium", { timeout: 600_000 }, () => {
  const dir = path.join(work, "course");
  const scenes = committedScenes();
  let ran: Ran;

  test("every scene renders: one line each, an MP4, a small GIF, subtitles, a poster and a record", async () => {
    ran = await renderAll(["--preview", "--out", dir]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stderr, "");
    const lines = ran.stdout.trim().split("\n");
    assert.equal(lines.length, scenes.length + 1, ran.stdout);
    scenes.forEach((scene, i) => {
      assert.match(lines[i] as string, new RegExp(`^\\[${i + 1}/${scenes.length}\\] ${scene}: .* done in [\\d.]+ s$`));
    });
    assert.match(lines.at(-1) as string, /index\.html: (\d+) of \1 scenes, [\d:]+ of video; rendered in [\d.]+ s$/);
    const found = records(dir);
    assert.deepEqual(found.map((r) => r.scene).sort(), [...scenes].sort());
    for (const record of found) {
      const { files } = record;
      assert.deepEqual(probe(path.join(dir, files.mp4)), { width: 640, height: 360, rate: 15, codec: "h264" });
      const gif = probe(path.join(dir, files.gif as string));
      assert.equal(gif.codec, "gif");
      assert.ok(gif.width <= 640 && gif.rate <= 15, `${files.gif}: ${gif.width} px at ${gif.rate} fps`);
      const poster = PNG.sync.read(readFileSync(path.join(dir, files.poster as string)));
      assert.deepEqual([poster.width, poster.height], [640, 360]);
      // The subtitles beside the video hold the scene's captions, every one.
      const cues = files.vtt ? vttCues(path.join(dir, files.vtt)) : [];
      assert.equal(cues.length, record.captions.length, record.scene);
    }
    assert.deepEqual(leftovers(dir), []);
  });

  test("the headline's chapters are its timeline's beats, and its poster is the frame `render --frame end` draws", () => {
    const hidden = records(dir).find((r) => r.name === "hidden") as Written;
    // scenes/hidden.ts: timeline({ titleCard: 2, holdStart: 1.5, holdEnd: 2.2 }) over 12 s.
    assert.deepEqual(
      hidden.chapters.map((c) => [c.name, Number(c.start.toFixed(3))]),
      [
        ["title", 0],
        ["start", 2],
        ["training", 3.5],
        ["end", 9.8],
      ],
    );
    assert.match(hidden.chapters[1]?.caption ?? "", /^Before training, random weights/);
    assert.equal(hidden.title, "How a hidden layer untangles two circles", "the title its figure shows");
    assert.equal(hidden.poster?.moment, "end");
    const still = path.join(work, "hidden-end.png");
    execFileSync(
      process.execPath,
      [NETREEL, "render", "scenes/hidden.ts", "--preview", "--frame", "end", "--out", still, "--quiet"],
      {
        cwd: root,
      },
    );
    const expected = PNG.sync.read(readFileSync(still));
    const poster = PNG.sync.read(readFileSync(path.join(dir, "hidden.png")));
    assert.ok(poster.data.equals(expected.data), "the poster's pixels are render --frame end's");
  });

  test("index.html from file://: every video plays, every track loads its cues, chapters seek, no request fails", {
    skip: noChromium,
  }, async () => {
    const expected = records(dir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const failed: string[] = [];
      page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
      page.on("response", (response) => {
        if (!response.ok()) failed.push(`${response.url()}: ${response.status()}`);
      });
      page.on("pageerror", (error) => failed.push(`script error: ${error.message}`));
      await page.goto(pathToFileURL(path.join(dir, "index.html")).href);
      const sections = await page.$$eval("section.scene", (all) =>
        all.map((section) => ({
          title: section.querySelector("h2")?.textContent ?? "",
          video: section.querySelector("video")?.id ?? "",
          chapters: Array.from(section.querySelectorAll(".chapters button")).map((b) => ({
            name: b.querySelector(".chapter-name")?.textContent ?? "",
            time: Number((b as HTMLElement).dataset.time),
          })),
          links: Array.from(section.querySelectorAll(".files a")).map((a) => a.getAttribute("href")),
        })),
      );
      const lesson = committedScenes();
      const byTitle = [...expected].sort((a, b) => lesson.indexOf(a.scene) - lesson.indexOf(b.scene));
      assert.deepEqual(
        sections.map((s) => s.title),
        byTitle.map((r) => r.title),
        "one section a scene, in the lesson order (scenes/order.txt)",
      );
      for (const [i, section] of sections.entries()) {
        const record = byTitle[i] as Written;
        assert.deepEqual(
          section.chapters,
          record.chapters.map((c) => ({ name: c.name, time: c.start })),
          `${record.scene}: the chapters are its beats`,
        );
        const { mp4, gif, vtt, poster } = record.files;
        assert.deepEqual(
          section.links,
          [mp4, gif, vtt, poster].filter((f) => f !== undefined),
        );
      }

      // Every track: loaded (readyState 2) with as many cues as the .vtt beside the video, at its times.
      const tracks = await page.$$eval("video", (videos) =>
        Promise.all(
          videos.map(async (video) => {
            const element = video.querySelector("track");
            if (!element) return { id: video.id, state: null, cues: [] };
            for (let i = 0; i < 100 && element.readyState < 2; i++) await new Promise((r) => setTimeout(r, 50));
            const cues = Array.from(element.track.cues ?? []).map((c) => ({ from: c.startTime, to: c.endTime }));
            return { id: video.id, state: element.readyState, cues };
          }),
        ),
      );
      assert.equal(tracks.length, expected.length);
      for (const [i, track] of tracks.entries()) {
        const record = byTitle[i] as Written;
        if (!record.files.vtt) {
          assert.equal(track.state, null, `${record.scene} has no captions, so no track`);
          continue;
        }
        assert.equal(track.state, 2, `${record.scene}: its subtitle track loaded (readyState ${track.state})`);
        const cues = vttCues(path.join(dir, record.files.vtt));
        assert.equal(track.cues.length, cues.length, `${record.scene}: cues`);
        track.cues.forEach((cue, k) => {
          assert.ok(Math.abs(cue.from - (cues[k]?.from ?? -1)) < 1e-3 && Math.abs(cue.to - (cues[k]?.to ?? -1)) < 1e-3);
        });
      }

      // Every video: it loads and plays (its time advances), one after another.
      for (const section of sections) {
        const played = await page.evaluate(async (id) => {
          const video = document.getElementById(id) as HTMLVideoElement;
          video.muted = true;
          await video.play();
          const started = performance.now();
          while (video.currentTime < 0.3 && performance.now() - started < 10_000) {
            await new Promise((r) => setTimeout(r, 50));
          }
          video.pause();
          return {
            time: video.currentTime,
            width: video.videoWidth,
            duration: video.duration,
            error: video.error?.code,
          };
        }, section.video);
        assert.equal(played.error, undefined, `${section.title}: media error ${played.error}`);
        assert.ok(played.time >= 0.3, `${section.title}: playback advanced only to ${played.time} s`);
        assert.equal(played.width, 640);
      }

      // A chapter plays its video from its start and is marked as the one playing.
      const section = sections.find((s) => s.chapters.length >= 3) as (typeof sections)[number];
      const chapter = section.chapters[2] as { name: string; time: number };
      await page.click(`#${section.video.replace(/-video$/, "")} .chapters li:nth-child(3) button`);
      const seek = await page.evaluate(async (id) => {
        const video = document.getElementById(id) as HTMLVideoElement;
        await new Promise((r) => setTimeout(r, 400));
        const current = document.querySelector(`.chapters[data-video="${id}"] li[aria-current="true"] .chapter-name`);
        return { time: video.currentTime, paused: video.paused, current: current?.textContent };
      }, section.video);
      assert.ok(seek.time >= chapter.time && !seek.paused, `after the click: ${JSON.stringify(seek)}`);
      assert.equal(seek.current, chapter.name);
      assert.deepEqual(failed, [], "no request failed");
    } finally {
      await browser.close();
    }
  });
});

describe("render-all with a scene that fails, a folder it did not make, and Ctrl-C (test scenes)", () => {
  const GOOD = "tests/scenes/no-network.ts";
  const FLAKY = "tests/scenes/misbehaves.ts";

  test("a scene that throws: one line naming it, its old files kept, the others rendered, the page says so, exit 1", async () => {
    const dir = path.join(work, "failing");
    const first = await renderAll([GOOD, FLAKY, "--out", dir]);
    assert.equal(first.code, 0, first.stderr);
    const old = Object.fromEntries(
      ["mp4", "gif", "vtt", "png", "json"]
        .filter((ext) => existsSync(path.join(dir, `misbehaves.${ext}`)))
        .map((ext) => [ext, readFileSync(path.join(dir, `misbehaves.${ext}`))]),
    );
    assert.deepEqual(Object.keys(old).sort(), ["gif", "json", "mp4", "png"], "misbehaves has no captions, so no .vtt");
    const goodBefore = readFileSync(path.join(dir, "no-network.json"), "utf8");

    const second = await renderAll([GOOD, FLAKY, "--out", dir], { env: { NETREEL_TEST_MISBEHAVE: "throw" } });
    assert.equal(second.code, 1, second.stderr);
    const errors = second.stderr.trim().split("\n");
    assert.equal(errors.length, 2, second.stderr);
    assert.match(
      errors[0] as string,
      /^\[2\/2\] failed: scene tests\/scenes\/misbehaves\.ts threw while drawing frame \d+: boom at frame \d+$/,
    );
    assert.match(errors[1] as string, /^netreel render-all: 1 of 2 scenes failed \(tests\/scenes\/misbehaves\.ts\)/);
    assert.match(second.stdout, /^\[1\/2\] tests\/scenes\/no-network\.ts: .* done in/m);
    for (const [ext, bytes] of Object.entries(old)) {
      assert.ok(readFileSync(path.join(dir, `misbehaves.${ext}`)).equals(bytes), `misbehaves.${ext} is as it was`);
    }
    assert.notEqual(
      readFileSync(path.join(dir, "no-network.json"), "utf8"),
      goodBefore,
      "the good scene rendered again",
    );
    assert.deepEqual(leftovers(dir), []);

    const page = readFileSync(path.join(dir, "index.html"), "utf8");
    assert.match(page, /One scene failed to render: <a href="#misbehaves">tests\/scenes\/misbehaves\.ts<\/a>/);
    const failed = page.slice(page.indexOf('<section class="scene failed" id="misbehaves"'));
    assert.match(
      failed,
      /This scene failed to render\.<\/strong> scene tests\/scenes\/misbehaves\.ts threw while drawing frame \d+: boom/,
    );
    assert.match(failed, /its last good render, from/);
    assert.match(failed, /src="misbehaves\.mp4"/, "the last good video is still shown");
    // The good scene's chapters are its three beats, each with the caption on screen as it starts.
    const good = page.slice(page.indexOf('id="no-network"'), page.indexOf('id="misbehaves"'));
    const chapters = [
      ...good.matchAll(
        /data-time="([\d.]+)"><span class="chapter-time">[^<]*<\/span><span class="chapter-name">(\w+)<\/span>(?:<span class="chapter-caption">([^<]*)<\/span>)?/g,
      ),
    ].map((m) => [Number(m[1]), m[2], m[3]]);
    assert.deepEqual(chapters, [
      [0, "intro", "σ squashes z into (0, 1)"],
      [1, "main", "its slope peaks at ¼"],
      [3, "outro", undefined],
    ]);
  });

  test("a folder netreel did not make is refused before any work, exit 2", async () => {
    const dir = path.join(work, "mine");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "index.html"), "my own page");
    const ran = await renderAll([GOOD, "--out", dir]);
    assert.equal(ran.code, 2);
    assert.match(
      ran.stderr,
      /^netreel render-all: .*mine holds files netreel did not write \(index\.html\); .*choose another --out/,
    );
    assert.deepEqual(readdirSync(dir), ["index.html"]);
    assert.equal(readFileSync(path.join(dir, "index.html"), "utf8"), "my own page");
  });

  test("Ctrl-C in the second scene: one line, exit 130, the first scene's files kept, nothing else, no process left", async () => {
    const dir = path.join(work, "interrupted");
    let children: number[] = [];
    const ran = await renderAll([GOOD, FLAKY, "--out", dir], {
      env: { NETREEL_TEST_MISBEHAVE: "slow" },
      when: /^\[1\/2\] .* done in/m,
      // The second scene draws 30 frames of 40 ms after loading: 0.8 s later it is under way.
      act: (child) =>
        setTimeout(() => {
          children = childrenOf(child.pid as number);
          child.kill("SIGINT");
        }, 800),
    });
    assert.equal(ran.code, 130, ran.stderr);
    assert.deepEqual(ran.stderr.trim().split("\n"), [
      `netreel render-all: interrupted (SIGINT) while rendering ${FLAKY}: its files are as they were, the scene finished before it is in ${dir}; index.html was left as it was`,
    ]);
    assert.ok(children.length > 0, "the second scene was under way");
    await noneRunning(children);
    assert.deepEqual(processesWriting(dir), []);
    assert.deepEqual(readdirSync(dir).sort(), [
      ".netreel-course",
      "no-network.gif",
      "no-network.json",
      "no-network.mp4",
      "no-network.png",
      "no-network.vtt",
    ]);
  });
});

describe("npm run gallery: the README's gallery from a course folder", () => {
  const GALLERY = path.join(root, "scripts/gallery.ts");
  const gallery = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx/esm", GALLERY, ...args], { cwd: root, encoding: "utf8" });

  /** A course folder with a record and a 640x360 poster for every committed scene (no rendering). */
  function fakeCourse(dir: string, leaveOut?: string): void {
    mkdirSync(dir, { recursive: true });
    for (const scene of committedScenes()) {
      if (scene === leaveOut) continue;
      const name = path.basename(scene, ".ts");
      const png = new PNG({ width: 640, height: 360 });
      // Two flat bands: cheap to scale and to quantise (noise took ffmpeg seconds a still).
      for (let i = 0; i < png.data.length; i += 4)
        png.data.set(i < png.data.length / 2 ? [0, 114, 178, 255] : [213, 94, 0, 255], i);
      writeFileSync(path.join(dir, `${name}.png`), PNG.sync.write(png));
      const record = {
        netreelCourseScene: 1,
        scene,
        name,
        title: `Title of ${name} & co`,
        duration: 12,
        files: { mp4: `${name}.mp4`, poster: `${name}.png` },
        chapters: [],
        captions: [],
        rendered: "2026-01-01T00:00:00.000Z",
      };
      writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(record));
    }
  }

  test("a still of every scene and the section between the marker lines, nothing else; again the same", () => {
    const dir = path.join(work, "gallery");
    fakeCourse(path.join(dir, "course"));
    const readme = path.join(dir, "README.md");
    const before =
      "# x\n\nProse that quotes `<!-- gallery -->` stays.\n\n<!-- gallery -->\nold\n<!-- /gallery -->\n\nAfter.\n";
    writeFileSync(readme, before);
    const args = ["--course", path.join(dir, "course"), "--readme", readme, "--out", path.join(dir, "docs", "gallery")];
    const first = gallery(args);
    assert.equal(first.status, 0, first.stderr);
    const written = readFileSync(readme, "utf8");
    assert.ok(written.startsWith("# x\n\nProse that quotes `<!-- gallery -->` stays.\n\n<!-- gallery -->\n"), written);
    assert.ok(written.endsWith("<!-- /gallery -->\n\nAfter.\n"));
    assert.doesNotMatch(written, /\nold\n/);
    const scenes = committedScenes();
    for (const scene of scenes) {
      const name = path.basename(scene, ".ts");
      // Linked from the README's own folder to the scene file and to the still.
      const cell = new RegExp(
        `<a href="([^"]+)"><img src="([^"]+)"[^>]*></a><br><b>[^<]*</b><br><code>${scene}</code>`,
      );
      const [, href, src] = cell.exec(written) ?? [];
      assert.equal(path.resolve(dir, href ?? ""), path.join(root, scene));
      assert.equal(src, `docs/gallery/${name}.png`);
      assert.match(written, new RegExp(`<b>Title of ${name} &amp; co</b>`));
      const still = PNG.sync.read(readFileSync(path.join(dir, "docs", "gallery", `${name}.png`)));
      assert.deepEqual([still.width, still.height], [480, 270]);
    }
    assert.equal(gallery(args).status, 0);
    assert.equal(readFileSync(readme, "utf8"), written, "a second run changes nothing");
  });

  test("a scene with no render: one line naming it, exit 1, nothing written", () => {
    const dir = path.join(work, "gallery-missing");
    fakeCourse(path.join(dir, "course"), "scenes/hidden.ts");
    const readme = path.join(dir, "README.md");
    writeFileSync(readme, "<!-- gallery -->\n<!-- /gallery -->\n");
    const ran = gallery(["--course", path.join(dir, "course"), "--readme", readme, "--out", path.join(dir, "g")]);
    assert.equal(ran.status, 1);
    assert.match(
      ran.stderr,
      /^netreel gallery: scenes\/hidden\.ts has no render in .*; run npm run render:all -- --preview first/,
    );
    assert.equal(readFileSync(readme, "utf8"), "<!-- gallery -->\n<!-- /gallery -->\n");
    assert.equal(existsSync(path.join(dir, "g")), false);
  });
});
