/// <reference lib="dom" />
// The studio's page in headless Chromium (Debian's chromium through playwright-core): the frame
// on the page is the frame `render --frame N` writes, scrubbing shows the frame asked for, a saved
// caption redraws without a page reload, and a syntax error shows an overlay naming its line
// that the fix clears.
import assert from "node:assert/strict";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  captionScene,
  makeProject,
  pixels,
  type RunningStudio,
  renderFrame,
  startStudio,
  until,
} from "./studio-helpers.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

interface Shown {
  index: number;
  version: number;
  count: number;
}

describe("the studio's page in Chromium", { skip, timeout: 180_000 }, () => {
  let project: string;
  let studio: RunningStudio;
  let browser: Browser;
  let page: Page;
  const shown = () => page.evaluate(() => (window as unknown as { studio: { shown: Shown } }).studio.shown);
  /**
   * The canvas's own pixels (RGBA), whatever size it is shown at. They cross from the page as
   * base64 text: as an array, every channel value was a JSON number to write and parse (most
   * of this file's 20 CPU-seconds).
   */
  const canvasPixels = async () => {
    const { width, height, base64 } = await page.evaluate(() => {
      const canvas = document.getElementById("frame") as HTMLCanvasElement;
      const context = canvas.getContext("2d") as CanvasRenderingContext2D;
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let binary = "";
      for (let i = 0; i < data.length; i += 0x8000) {
        binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      }
      return { width: canvas.width, height: canvas.height, base64: btoa(binary) };
    });
    return { width, height, data: Buffer.from(base64, "base64") };
  };
  const sameAsRender = async (index: number) => {
    const onPage = await canvasPixels();
    const reference = pixels(await renderFrame(project, "scenes/caption.ts", index));
    assert.equal(onPage.width, reference.width);
    assert.equal(onPage.height, reference.height);
    let differ = 0;
    for (let i = 0; i < reference.data.length; i++) if (onPage.data[i] !== reference.data[i]) differ++;
    assert.equal(differ, 0, `frame ${index}: ${differ} channel values differ from render --frame ${index}`);
  };

  before(async () => {
    project = makeProject({ "caption.ts": captionScene("the first caption") });
    studio = await startStudio(project);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(studio.url);
  });

  after(async () => {
    await browser?.close();
    await studio?.stop();
  });

  test("the first frame appears and equals render --frame 0 at that size", async () => {
    await until(async () => (await shown()).count > 0, "the first frame on the page");
    assert.equal((await shown()).index, 0);
    await sameAsRender(0);
    assert.equal(await page.textContent("#index"), "frame 0 / 19");
    const beats = await page.$$eval("#beats .beat", (marks) =>
      marks.map((m) => (m as HTMLElement).title.split(":")[0]),
    );
    assert.deepEqual(beats, ["intro", "grow"]);
  });

  test("scrubbing to frame N shows frame N; the keys step by a frame and by a second", async () => {
    await page.$eval("#scrubber", (input) => {
      const range = input as HTMLInputElement;
      range.value = "13";
      range.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await until(async () => (await shown()).index === 13, "frame 13 on the page");
    await sameAsRender(13);
    assert.equal(await page.textContent("#time"), "1.30 s / 2.00 s");
    assert.equal(await page.textContent("#beat"), "beat: grow");
    await page.keyboard.press("ArrowLeft");
    await until(async () => (await shown()).index === 12, "frame 12 after ←");
    await page.keyboard.press("Shift+ArrowLeft");
    await until(async () => (await shown()).index === 2, "frame 2 after shift+←");
    await page.keyboard.press("End");
    await until(async () => (await shown()).index === 19, "the last frame after End");
  });

  test("play runs through the clip at the scene's fps", async () => {
    await page.keyboard.press("Home");
    await until(async () => (await shown()).index === 0, "frame 0");
    const before = (await shown()).count;
    await page.keyboard.press("Space");
    await until(async () => (await shown()).index === 19, "the end of the clip while playing", 10_000);
    const drawn = (await shown()).count - before;
    assert.ok(drawn >= 5, `only ${drawn} frames were shown while playing 2 s at 10 fps`);
    assert.equal(await page.getAttribute("#play", "aria-label"), "Play", "it stops at the end");
  });

  test("play from the first frame never asks for frame -1, even when the animation frame's time precedes the click", async () => {
    await page.keyboard.press("Home");
    await until(async () => (await shown()).index === 0, "frame 0");
    const asked: string[] = [];
    const errors: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes("/api/frame")) asked.push(new URL(request.url()).searchParams.get("index") ?? "");
    };
    const onError = (error: Error) => errors.push(error.message);
    page.on("request", onRequest);
    page.on("pageerror", onError);
    try {
      // The click's clock runs 100 ms ahead of the animation frames' (as when a frame began
      // just before the click): the first tick sees a negative time since play began.
      await page.evaluate(() => {
        const real = performance.now.bind(performance);
        performance.now = () => real() + 100;
      });
      await page.keyboard.press("Space");
      await until(async () => (await shown()).index === 19, "the end of the clip while playing", 10_000);
      assert.deepEqual(errors, [], "no error in the page");
      assert.ok(!asked.includes("-1"), `frames asked for: ${asked.join(", ")}`);
    } finally {
      page.off("request", onRequest);
      page.off("pageerror", onError);
      await page.evaluate(() => {
        delete (performance as unknown as { now?: unknown }).now;
      });
    }
  });

  test("a path-traversal request from the page is refused", async () => {
    const statuses = await page.evaluate(async () => {
      const targets = ["/output/..%2F..%2Fpackage.json", "/%2e%2e/%2e%2e/etc/passwd", "/output/%2Fetc%2Fpasswd"];
      return Promise.all(targets.map(async (t) => (await fetch(t)).status));
    });
    for (const status of statuses) assert.ok(status === 403 || status === 404, `status ${status}`);
  });

  test("saving a caption edit redraws the frame without reloading the page", async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const file = path.join(project, "scenes/caption.ts");
    const before = await shown();
    writeFileSync(file, captionScene("a caption edited in the editor"));
    await until(async () => (await shown()).version > before.version, "the redrawn frame");
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, "no page reload");
    assert.equal((await shown()).index, before.index, "the same frame, redrawn");
    await sameAsRender(before.index);
  });

  test("a scene renamed on disk is followed: the page shows the new name at the same frame, no error", async () => {
    await until(async () => (await shown()).count > 0, "a frame on the page");
    await page.$eval("#scrubber", (input) => {
      const range = input as HTMLInputElement;
      range.value = "3";
      range.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await until(async () => (await shown()).index === 3, "frame 3");
    const before = await shown();
    const file = path.join(project, "scenes/caption.ts");
    const moved = path.join(project, "scenes/lecture-1.ts");
    renameSync(file, moved);
    try {
      await until(async () => (await page.inputValue("#scene")) === "scenes/lecture-1.ts", "the new name chosen");
      await until(async () => (await shown()).version > before.version, "the frame drawn again from the renamed file");
      assert.equal((await shown()).index, 3, "the same frame");
      assert.match(page.url(), /scene=scenes%2Flecture-1\.ts/);
      assert.ok(await page.isHidden("#overlay"), "no error overlay");
    } finally {
      renameSync(moved, file);
    }
    await until(async () => (await page.inputValue("#scene")) === "scenes/caption.ts", "the old name again");
    await until(async () => await page.isHidden("#overlay"), "no overlay");
  });

  test("a syntax error shows an overlay naming the line; fixing the file clears it", async () => {
    const file = path.join(project, "scenes/caption.ts");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace("const CAPTION = ", "const CAPTION = = "));
    await page.waitForSelector("#overlay:not([hidden])", { timeout: 20_000 });
    assert.equal(await page.textContent("#overlay-where"), "scenes/caption.ts:2:17");
    assert.match((await page.textContent("#overlay-message")) ?? "", /failed to load/);
    // The code around the error, as an editor shows it: the line marked, a caret at column 17.
    const excerpt = (await page.textContent("#overlay-excerpt")) ?? "";
    assert.ok(await page.isVisible("#overlay-excerpt"), "the excerpt is shown");
    const lines = excerpt.split("\n");
    const marked = lines.findIndex((l) => l.startsWith(">"));
    assert.match(lines[marked] ?? "", /^> 2 \| const CAPTION = = /, excerpt);
    assert.equal((lines[marked + 1] ?? "").indexOf("^") - (lines[marked] ?? "").indexOf("const"), 16, excerpt);
    writeFileSync(file, good);
    await page.waitForSelector("#overlay[hidden]", { state: "attached", timeout: 20_000 });
  });
});
